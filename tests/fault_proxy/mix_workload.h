// A workload touching every BlobStore operation, with a model of what the container must hold
// afterwards. Steps assert (gtest) that each operation succeeds and returns the right bytes;
// verify() checks a store (through the proxy or direct) against the model.
#pragma once

#include <map>
#include <string>

#include "blob/blob_store.h"

namespace azblobfs::fault_proxy {

struct ModelBlob {
    std::string data;
    Metadata metadata;
};

class MixWorkload {
public:
    explicit MixWorkload(std::string container) : container_(std::move(container)) {}

    // Runs every step against `store`, asserting each operation as it goes.
    void run(BlobStore& store);
    // Checks contents, properties and listings of `store` against the model.
    void verify(BlobStore& store) const;

    const std::map<std::string, ModelBlob>& model() const { return model_; }

private:
    void put_blobs(BlobStore& store);
    void put_blocks(BlobStore& store);
    void parallel_puts(BlobStore& store);
    void update_metadata(BlobStore& store);
    void copy_blobs(BlobStore& store);
    void delete_blobs(BlobStore& store);
    void conditional_writes(BlobStore& store);
    void verify_reads(BlobStore& store) const;
    void verify_properties(BlobStore& store) const;
    void verify_listing(BlobStore& store) const;

    std::string container_;
    std::map<std::string, ModelBlob> model_;
};

}  // namespace azblobfs::fault_proxy
