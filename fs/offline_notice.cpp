#include "fs/offline_notice.h"

#include <spdlog/spdlog.h>

namespace azblobfs {

namespace {
constexpr int64_t kWarnIntervalNs = 60LL * 1000000000LL;
}

bool is_offline_error(const Status& status) {
    return status.code() == Code::kUnavailable || status.code() == Code::kThrottled;
}

void OfflineNotice::served(const std::string& path, const Status& cause) {
    int64_t now = clock_ns_();
    bool warn = false;
    {
        std::lock_guard lock(mu_);
        ++answers_;
        if (!warned_ || now - last_warning_ns_ >= kWarnIntervalNs) {
            warned_ = true;
            last_warning_ns_ = now;
            warn = true;
        }
    }
    if (warn) {
        spdlog::warn("storage unreachable ({}); serving cached data, starting with '{}' "
                     "(offline mode; warned at most once per minute)",
                     cause.to_string(), path);
    }
}

uint64_t OfflineNotice::count() const {
    std::lock_guard lock(mu_);
    return answers_;
}

}  // namespace azblobfs
