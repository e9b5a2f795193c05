#include "azure/retry_policy.h"

#include <gtest/gtest.h>

namespace azblobfs {
namespace {

using std::chrono::milliseconds;

RetryOptions options() {
    RetryOptions o;
    o.max_attempts = 6;
    o.base_delay = milliseconds(200);
    o.max_delay = milliseconds(10000);
    o.max_total = milliseconds(60000);
    return o;
}

TEST(RetryPolicy, RetriesOnlyTransientStatuses) {
    for (int s : {408, 429, 500, 502, 503, 504}) EXPECT_TRUE(is_retryable_http_status(s)) << s;
    for (int s : {200, 201, 400, 401, 403, 404, 409, 412, 416, 501}) EXPECT_FALSE(is_retryable_http_status(s)) << s;
}

TEST(RetryPolicy, BackoffDoublesUpToTheCap) {
    RetryOptions o = options();
    // jitter just below 1 gives (almost) the full cap of each retry.
    std::vector<int64_t> expected_caps = {200, 400, 800, 1600, 3200};
    for (size_t i = 0; i < expected_caps.size(); ++i) {
        RetryState st{static_cast<int>(i) + 1, milliseconds(0)};
        auto d = next_retry_delay(o, st, std::nullopt, 0.999999);
        ASSERT_TRUE(d.has_value());
        EXPECT_LE(d->count(), expected_caps[i]);
        EXPECT_GE(d->count(), expected_caps[i] - 1);
    }
    o.max_attempts = 100;
    o.max_total = milliseconds(1'000'000'000);
    auto late = next_retry_delay(o, RetryState{60, milliseconds(0)}, std::nullopt, 0.999999);
    ASSERT_TRUE(late.has_value());
    EXPECT_LE(late->count(), 10000);  // capped at max_delay, no overflow at large attempt numbers
    EXPECT_GE(late->count(), 9999);
}

TEST(RetryPolicy, FullJitterSpansZeroToCap) {
    RetryOptions o = options();
    RetryState st{3, milliseconds(0)};  // cap 800 ms
    EXPECT_EQ(next_retry_delay(o, st, std::nullopt, 0.0)->count(), 0);
    EXPECT_EQ(next_retry_delay(o, st, std::nullopt, 0.5)->count(), 400);
    EXPECT_EQ(next_retry_delay(o, st, std::nullopt, 0.25)->count(), 200);
    // Out-of-range samples are clamped, never beyond the cap.
    EXPECT_EQ(next_retry_delay(o, st, std::nullopt, 7.0)->count(), 800);
    EXPECT_EQ(next_retry_delay(o, st, std::nullopt, -1.0)->count(), 0);
}

TEST(RetryPolicy, RetryAfterReplacesBackoffAndIsCapped) {
    RetryOptions o = options();
    RetryState st{1, milliseconds(0)};
    EXPECT_EQ(next_retry_delay(o, st, milliseconds(3000), 0.0)->count(), 3000);
    EXPECT_EQ(next_retry_delay(o, st, milliseconds(120000), 0.0)->count(), 10000);
}

TEST(RetryPolicy, StopsAtMaxAttempts) {
    RetryOptions o = options();
    EXPECT_TRUE(next_retry_delay(o, RetryState{5, milliseconds(0)}, std::nullopt, 0.5).has_value());
    EXPECT_FALSE(next_retry_delay(o, RetryState{6, milliseconds(0)}, std::nullopt, 0.5).has_value());
    o.max_attempts = 1;
    EXPECT_FALSE(next_retry_delay(o, RetryState{1, milliseconds(0)}, std::nullopt, 0.0).has_value());
}

TEST(RetryPolicy, StopsWhenTheTotalBudgetWouldBeExceeded) {
    RetryOptions o = options();
    o.max_total = milliseconds(1000);
    EXPECT_TRUE(next_retry_delay(o, RetryState{1, milliseconds(900)}, milliseconds(100), 0.0).has_value());
    EXPECT_FALSE(next_retry_delay(o, RetryState{1, milliseconds(900)}, milliseconds(101), 0.0).has_value());
    EXPECT_FALSE(next_retry_delay(o, RetryState{2, milliseconds(1001)}, std::nullopt, 0.0).has_value());
}

TEST(RetryPolicy, ParsesRetryAfterSeconds) {
    EXPECT_EQ(parse_retry_after("5")->count(), 5000);
    EXPECT_EQ(parse_retry_after(" 0 ")->count(), 0);
    EXPECT_FALSE(parse_retry_after("").has_value());
    EXPECT_FALSE(parse_retry_after("-3").has_value());
    EXPECT_FALSE(parse_retry_after("1.5").has_value());
    EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
    EXPECT_EQ(parse_retry_after("99999999999")->count(), 24 * 3600 * 1000);
}

}  // namespace
}  // namespace azblobfs
