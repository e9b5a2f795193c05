#include "azure/retry_policy.h"

#include <algorithm>
#include <charconv>

namespace azblobfs {

using std::chrono::milliseconds;

bool is_retryable_http_status(int http_status) {
    switch (http_status) {
        case 408: case 429: case 500: case 502: case 503: case 504: return true;
        default: return false;
    }
}

std::optional<milliseconds> next_retry_delay(const RetryOptions& options, const RetryState& state,
                                             std::optional<milliseconds> retry_after,
                                             double jitter) {
    if (state.attempts_made >= options.max_attempts) return std::nullopt;
    milliseconds delay{0};
    if (retry_after) {
        delay = std::min(*retry_after, options.max_delay);
    } else {
        // The cap for the n-th retry is base * 2^(n-1), computed without overflow.
        int retry_number = std::max(1, state.attempts_made);
        milliseconds cap = options.base_delay;
        for (int i = 1; i < retry_number && cap < options.max_delay; ++i) cap *= 2;
        cap = std::min(cap, options.max_delay);
        double j = std::clamp(jitter, 0.0, 1.0);
        delay = milliseconds(static_cast<int64_t>(j * static_cast<double>(cap.count())));
        delay = std::min(delay, cap);
    }
    if (delay.count() < 0) delay = milliseconds(0);
    if (state.slept + delay > options.max_total) return std::nullopt;
    return delay;
}

std::optional<milliseconds> parse_retry_after(std::string_view value) {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    int64_t seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size() || seconds < 0) return std::nullopt;
    constexpr int64_t kMaxSeconds = 24 * 3600;  // beyond any sane hint; avoids overflow
    return milliseconds(std::min(seconds, kMaxSeconds) * 1000);
}

}  // namespace azblobfs
