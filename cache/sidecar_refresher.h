// Reads pending sidecars (cache/sidecar_index.h) from the store and indexes their fields: the
// background thread of a mount, and the engine of `azblobfs index rebuild`.
//
// Contract:
//  - run_once() takes up to `batch` pending sidecars and reads them with `threads` parallel
//    GETs, each If-Match on the ETag the entry had when it was queued, so the rows always come
//    from the version the index names. A sidecar over max_sidecar_bytes is skipped without a
//    GET. A blob gone or changed since (NotFound, PreconditionFailed) leaves the queue: the
//    next listing or revalidation queues the new version. A sidecar with a journal record is
//    left to the mount, which indexes what it writes (SidecarIndex::index_local) and queues the
//    committed version again.
//  - Store failures (Unavailable, Throttled) keep the sidecar pending; run_once stops the round
//    and reports the failure.
//  - start() runs rounds on one thread until stop(); a round that found nothing, or failed,
//    waits `idle_s` (wake() cuts the wait short).
//  - No lock is held across a GET; the index and journal calls are each one transaction.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "blob/blob_store.h"
#include "cache/journal.h"
#include "cache/sidecar_index.h"
#include "common/status.h"

namespace azblobfs {

struct SidecarRefresherOptions {
    std::optional<std::string> container;  // the mount's container; unset: account mount
    int threads = 8;
    size_t batch = 256;
    double idle_s = 1.0;
};

struct SidecarRefreshRound {
    uint64_t read = 0;       // sidecars read and indexed (or skipped as bad)
    uint64_t bytes = 0;      // bytes fetched
    uint64_t dropped = 0;    // gone, changed, or left to the mount
    Status failure;          // the first store failure that ended the round early
};

struct SidecarRefresherStats {
    uint64_t reads = 0;
    uint64_t bytes_fetched = 0;
    uint64_t failures = 0;
};

class SidecarRefresher {
public:
    SidecarRefresher(std::shared_ptr<BlobStore> store, std::shared_ptr<SidecarIndex> index,
                     std::shared_ptr<Journal> journal, SidecarRefresherOptions options);
    ~SidecarRefresher();

    SidecarRefreshRound run_once();
    void start();
    void stop();
    void wake();
    SidecarRefresherStats stats() const;

private:
    // What one pending sidecar came to.
    enum class Outcome { kRead, kDropped, kFailed };
    Outcome refresh(const PendingSidecar& p, uint64_t* bytes, Status* failure);
    void loop();

    const std::shared_ptr<BlobStore> store_;
    const std::shared_ptr<SidecarIndex> index_;
    const std::shared_ptr<Journal> journal_;  // may be null (read-only tools)
    const SidecarRefresherOptions options_;

    std::atomic<uint64_t> reads_{0}, bytes_{0}, failures_{0};
    std::mutex mu_;  // guards stopping_ and woken_
    std::condition_variable cv_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread thread_;
};

}  // namespace azblobfs
