// A BlobStore decorator that counts the requests it forwards, by kind, and the bytes they
// moved: what `status` reports as "requests", so a workload's cost can be stated as requests
// and bytes, not only as time.
//
// Contract:
//  - Every call is forwarded unchanged and counted once, whatever its outcome (a failed GET is
//    still a GET); a list_all is counted as the list_blobs pages it takes. Bytes count only
//    successful transfers: the body of a GET, the data of a Put Blob or Put Block.
//  - Thread-safe; counters only grow. snapshot() reads each counter once (not one atomic view).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "blob/blob_store.h"

namespace azblobfs {

struct RequestCounts {
    uint64_t list_containers = 0;
    uint64_t list_blobs = 0;      // one per page (List Blobs call)
    uint64_t get_properties = 0;  // HEAD
    uint64_t get = 0;             // ranged or whole GETs
    uint64_t put_blob = 0;
    uint64_t put_block = 0;
    uint64_t put_block_list = 0;
    uint64_t delete_blob = 0;
    uint64_t copy_blob = 0;
    uint64_t set_metadata = 0;
    uint64_t set_tier = 0;
    uint64_t containers_changed = 0;  // create or delete container
    uint64_t bytes_read = 0;
    uint64_t bytes_written = 0;
};

class RequestCounters {
public:
    RequestCounts snapshot() const;

private:
    friend class MeteredBlobStore;
    std::atomic<uint64_t> list_containers{0}, list_blobs{0}, get_properties{0}, get{0}, put_blob{0},
        put_block{0}, put_block_list{0}, delete_blob{0}, copy_blob{0}, set_metadata{0}, set_tier{0},
        containers_changed{0}, bytes_read{0}, bytes_written{0};
};

// The decorator; `counters` may be shared with whoever reports them.
std::unique_ptr<BlobStore> make_metered_store(std::shared_ptr<BlobStore> inner,
                                              std::shared_ptr<RequestCounters> counters);

}  // namespace azblobfs
