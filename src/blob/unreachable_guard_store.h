// A BlobStore decorator that stops paying the retry budget again and again while the store is
// unreachable.
//
// Contract:
//  - Calls pass through unchanged while the store is reachable.
//  - A call that fails with Unavailable (network error or 5xx after the inner store's retry
//    budget) marks the store unreachable. For the next `probe_interval_s` seconds every call
//    fails at once with Unavailable ("... store unreachable; next attempt in N s"), without I/O,
//    so callers that can (the Filesystem's offline mode) serve the index instead of waiting.
//  - After the interval, calls go through again. Any answer other than Unavailable (success,
//    NotFound, PreconditionFailed, Throttled, ...) means the store answered: it is reachable.
//  - Thread-safe; the clock is injectable for tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "blob/blob_store.h"

namespace azblobfs {

struct UnreachableGuardOptions {
    double probe_interval_s = 15;
    std::function<int64_t()> clock_ns;  // steady clock when empty
};

std::unique_ptr<BlobStore> make_unreachable_guard_store(std::shared_ptr<BlobStore> inner,
                                                        UnreachableGuardOptions options = {});

}  // namespace azblobfs
