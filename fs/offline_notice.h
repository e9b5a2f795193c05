// Offline mode bookkeeping: when the store answers Unavailable or Throttled, the Filesystem
// serves stale index data instead of failing. Each such answer is counted; a warning is
// logged at most once per minute (of the injected wall clock).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "common/status.h"

namespace azblobfs {

// Unavailable or Throttled: the store could not be reached (after its retry budget).
bool is_offline_error(const Status& status);

class OfflineNotice {
public:
    explicit OfflineNotice(std::function<int64_t()> clock_ns) : clock_ns_(std::move(clock_ns)) {}

    // One answer about `path` was served from the index because the store failed with `cause`.
    void served(const std::string& path, const Status& cause);
    uint64_t count() const;

private:
    std::function<int64_t()> clock_ns_;
    mutable std::mutex mu_;           // guards the two fields below
    uint64_t answers_ = 0;
    bool warned_ = false;
    int64_t last_warning_ns_ = 0;     // valid when warned_
};

}  // namespace azblobfs
