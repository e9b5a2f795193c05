// The pure retry decision of the Azure client: which outcomes are retried and how long to wait.
// No clock, no randomness of its own, no I/O: the caller passes the jitter sample and keeps the
// RetryState, so every rule here is unit-testable.
//
// Rules:
//  - Retried: HTTP 408, 429, 500, 502, 503, 504 and transport failures (Code::kUnavailable).
//    Never retried: anything else (401/403 auth, 404, 409, 412, 416, other 4xx).
//  - Backoff is exponential with full jitter: delay = jitter * min(max_delay, base * 2^(n-1))
//    for the n-th retry, jitter in [0, 1).
//  - A Retry-After hint from the server replaces the computed delay (capped at max_delay).
//  - At most max_attempts attempts (the first included), and the sum of all delays stays within
//    max_total: a retry whose delay would exceed the remaining budget is not made.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "azure/azure_blob_store.h"

namespace azblobfs {

bool is_retryable_http_status(int http_status);

struct RetryState {
    int attempts_made = 0;                 // attempts already sent, the first included
    std::chrono::milliseconds slept{0};    // sum of the delays already waited
};

// The delay before the next attempt, or nullopt when no further attempt is allowed.
// `jitter` is a uniform sample in [0, 1); values outside are clamped.
std::optional<std::chrono::milliseconds> next_retry_delay(
    const RetryOptions& options, const RetryState& state,
    std::optional<std::chrono::milliseconds> retry_after, double jitter);

// Parses a Retry-After header given in seconds ("120"); nullopt when absent or not a number
// of seconds (the HTTP-date form is not used by Azure Storage).
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view header_value);

}  // namespace azblobfs
