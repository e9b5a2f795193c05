// A BlobStore decorator for the model tests: forwards every call to the wrapped store and counts
// the write calls (put_blob, put_block, put_block_list, delete_blob, copy_blob) and ranged reads, so a test can
// check how much an upload cost. Thread-safe (atomic counters; the wrapped store is thread-safe).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "blob/blob_store.h"

namespace azblobfs::testing {

struct WriteCounts {
    uint64_t put_blob = 0;
    uint64_t put_block = 0;
    uint64_t put_block_list = 0;
    uint64_t delete_blob = 0;
    uint64_t copy_blob = 0;
    uint64_t read = 0;
};

class CountingBlobStore final : public BlobStore {
public:
    explicit CountingBlobStore(std::shared_ptr<BlobStore> inner) : inner_(std::move(inner)) {}

    WriteCounts counts() const;
    void reset_counts();

    Result<std::vector<std::string>> list_containers() override;
    Status create_container(const std::string& container) override;
    Status delete_container(const std::string& container) override;
    Result<ListPage> list_blobs(const std::string& container, const ListOptions& options) override;
    Result<BlobProperties> get_properties(const std::string& container, const std::string& blob) override;
    Result<ReadResult> read(const std::string& container, const std::string& blob, uint64_t offset,
                            uint64_t length, const std::optional<std::string>& if_match) override;
    Result<WriteResult> put_blob(const std::string& container, const std::string& blob,
                                 std::string_view data, const PutOptions& options) override;
    Status put_block(const std::string& container, const std::string& blob,
                     const std::string& block_id, std::string_view data) override;
    Result<WriteResult> put_block_list(const std::string& container, const std::string& blob,
                                       const std::vector<std::string>& block_ids,
                                       const PutOptions& options) override;
    Status delete_blob(const std::string& container, const std::string& blob,
                       const Conditions& conditions) override;
    Result<WriteResult> copy_blob(const std::string& src_container, const std::string& src_blob,
                                  const std::string& dst_container, const std::string& dst_blob,
                                  const Conditions& conditions) override;
    Result<WriteResult> set_metadata(const std::string& container, const std::string& blob,
                                     const Metadata& metadata, const Conditions& conditions) override;
    Status set_tier(const std::string& container, const std::string& blob, const std::string& tier) override;

private:
    std::shared_ptr<BlobStore> inner_;
    std::atomic<uint64_t> put_blob_{0};
    std::atomic<uint64_t> put_block_{0};
    std::atomic<uint64_t> put_block_list_{0};
    std::atomic<uint64_t> delete_blob_{0};
    std::atomic<uint64_t> copy_blob_{0};
    std::atomic<uint64_t> read_{0};
};

}  // namespace azblobfs::testing
