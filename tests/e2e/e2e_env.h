// Storage side of the end-to-end tests: the Azurite shared by every test of the binary, a
// client over it (the project's own Azure store on the curl transport), and parallel loaders.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "blob/blob_store.h"
#include "common/status.h"
#include "support/azurite_server.h"

namespace azblobfs::e2e {

// The one Azurite of this test process: started on first use, stopped at process exit.
// Throws (fails the calling test) when Azurite cannot start.
const testing::AzuriteServer& shared_azurite();

// A client for `server` (development account, SharedKey).
std::unique_ptr<BlobStore> make_client(const testing::AzuriteServer& server);

// One blob to upload. Blobs larger than kBlockedUploadThreshold are staged in blocks.
struct BlobSpec {
    std::string name;
    std::string data;
    PutOptions options;
};

// Creates `container` (if needed) and uploads every blob with `threads` threads in parallel.
// Returns the first failure, naming the blob.
Status upload_all(BlobStore& store, const std::string& container, const std::vector<BlobSpec>& blobs,
                  int threads = 8);

// Uploads `size` bytes of pattern(seed) (see pattern.h) as `blob`, generated block by block
// (8 MiB) and staged by `threads` threads, so the content is never held in memory at once.
Status put_pattern_blob(BlobStore& store, const std::string& container, const std::string& blob,
                        uint64_t seed, uint64_t size, int threads = 4);

// Whole content of a blob, read with the client (fails with the store's Status).
Result<std::string> read_blob(BlobStore& store, const std::string& container, const std::string& blob);

}  // namespace azblobfs::e2e
