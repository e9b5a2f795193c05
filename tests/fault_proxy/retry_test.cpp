// Retry behaviour of the Azure store (real curl transport, real Azurite) through the FaultProxy.
#include <gtest/gtest.h>

#include <chrono>

#include "common/base64.h"
#include "fault_proxy/mix_workload.h"
#include "fault_proxy/retry_fixture.h"

namespace azblobfs::fault_proxy {
namespace {

using std::chrono::milliseconds;

// A valid base64 key that is not the emulator's: every request fails authentication.
std::string wrong_key() { return base64_encode(std::string(64, 'k')); }

// Every kind that a correct client must ride out. An injected 412 is a genuine answer that must
// surface (tested below), so it is left out of the mix.
std::vector<FaultKind> survivable_kinds() {
    std::vector<FaultKind> kinds = all_fault_kinds();
    std::erase(kinds, FaultKind::kConditionNotMet412);
    return kinds;
}

TEST_F(RetryThroughProxy, EveryOperationSurvivesThirtyPercentFaults) {
    SleepRecorder sleeps(milliseconds(2));
    auto store = store_via_proxy(fast_retry_options(), &sleeps);
    ASSERT_NE(store, nullptr);
    proxy().set_schedule(FaultSchedule::random(0.30, survivable_kinds(), 20251123));

    MixWorkload workload("mixed");
    workload.run(*store);
    ASSERT_FALSE(HasFatalFailure());
    FaultCounters counters = proxy().counters();

    // The same bytes must be in Azurite itself, read without the proxy.
    proxy().set_schedule(FaultSchedule::none());
    workload.verify(direct());

    for (FaultKind kind : survivable_kinds()) {
        EXPECT_GT(counters.count(kind), 0u) << "no " << fault_kind_name(kind) << " fault was injected";
    }
    EXPECT_GT(counters.forwarded, 100u);
    double rate = static_cast<double>(counters.total_faults()) / static_cast<double>(counters.requests);
    EXPECT_GT(rate, 0.2) << counters.total_faults() << " faults in " << counters.requests << " requests";
    EXPECT_FALSE(sleeps.delays().empty());
}

TEST_F(RetryThroughProxy, RetryAfterIsHonoured) {
    FaultProxyOptions options;
    options.retry_after_seconds = 3;
    start_proxy(options);
    ASSERT_TRUE(direct().create_container("honour").is_ok());
    ASSERT_TRUE(direct().put_blob("honour", "b", "hello").is_ok());

    SleepRecorder sleeps;
    auto store = store_via_proxy(fast_retry_options(), &sleeps);
    proxy().set_schedule(FaultSchedule::scripted(
        {FaultKind::kTooManyRequests429, FaultKind::kServerBusy503, FaultKind::kInternalError500}));
    Result<ReadResult> read = store->read("honour", "b", 0, 0);
    ASSERT_TRUE(read.is_ok()) << read.status().to_string();
    EXPECT_EQ(read->data, "hello");
    EXPECT_EQ(sleeps.delays(), (std::vector<milliseconds>{milliseconds(3000), milliseconds(3000),
                                                          milliseconds(3000)}));
    EXPECT_EQ(proxy().counters().requests, 4u);
}

TEST_F(RetryThroughProxy, RetryAfterIsCappedByMaxDelay) {
    FaultProxyOptions options;
    options.retry_after_seconds = 30;
    start_proxy(options);
    ASSERT_TRUE(direct().create_container("capped").is_ok());

    SleepRecorder sleeps;
    RetryOptions retry = fast_retry_options();
    retry.max_delay = milliseconds(1500);
    auto store = store_via_proxy(retry, &sleeps);
    proxy().set_schedule(FaultSchedule::scripted({FaultKind::kServerBusy503}));
    ASSERT_TRUE(store->put_blob("capped", "b", "x").is_ok());
    EXPECT_EQ(sleeps.delays(), (std::vector<milliseconds>{milliseconds(1500)}));
}

TEST_F(RetryThroughProxy, WrongKeyFailsFastWithOneRequest) {
    ASSERT_TRUE(direct().create_container("locked").is_ok());
    ASSERT_TRUE(direct().put_blob("locked", "b", "secret").is_ok());
    SleepRecorder sleeps;
    auto store = store_via_proxy(fast_retry_options(), &sleeps, wrong_key());

    Result<BlobProperties> head = store->get_properties("locked", "b");
    ASSERT_FALSE(head.is_ok());
    EXPECT_EQ(head.status().code(), Code::kAuthFailed) << head.status().to_string();
    EXPECT_EQ(proxy().counters().requests, 1u);

    Result<WriteResult> put = store->put_blob("locked", "c", "data");
    ASSERT_FALSE(put.is_ok());
    EXPECT_EQ(put.status().code(), Code::kAuthFailed) << put.status().to_string();
    EXPECT_EQ(proxy().counters().requests, 2u);
    EXPECT_EQ(proxy().counters().forwarded, 2u);
    EXPECT_TRUE(sleeps.delays().empty());
}

TEST_F(RetryThroughProxy, PermanentOutageStopsAfterMaxAttempts) {
    FaultProxyOptions options;
    options.retry_after_seconds = -1;  // backoff comes from the policy
    start_proxy(options);
    RetryOptions retry = fast_retry_options();
    retry.max_attempts = 4;
    retry.base_delay = milliseconds(50);
    retry.max_delay = milliseconds(200);
    retry.max_total = milliseconds(5000);
    auto store = store_via_proxy(retry, nullptr);  // real sleeps
    proxy().set_schedule(FaultSchedule::always(FaultKind::kServerBusy503));

    auto started = std::chrono::steady_clock::now();
    Status created = store->create_container("down");
    auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(created.is_ok());
    EXPECT_TRUE(created.code() == Code::kThrottled || created.code() == Code::kUnavailable)
        << created.to_string();
    EXPECT_EQ(proxy().counters().requests, 4u);
    EXPECT_EQ(proxy().counters().forwarded, 0u);
    EXPECT_LT(elapsed, milliseconds(3 * 200 + 2000));
}

TEST_F(RetryThroughProxy, PermanentOutageStopsAtTheSleepBudget) {
    start_proxy(FaultProxyOptions{});  // Retry-After: 1
    RetryOptions retry = fast_retry_options();
    retry.max_attempts = 50;
    retry.max_total = milliseconds(2500);
    SleepRecorder sleeps;
    auto store = store_via_proxy(retry, &sleeps);
    proxy().set_schedule(FaultSchedule::always(FaultKind::kInternalError500));

    Result<BlobProperties> head = store->get_properties("down", "b");
    ASSERT_FALSE(head.is_ok());
    EXPECT_EQ(head.status().code(), Code::kUnavailable) << head.status().to_string();
    EXPECT_EQ(sleeps.delays(), (std::vector<milliseconds>{milliseconds(1000), milliseconds(1000)}));
    EXPECT_LE(sleeps.total(), retry.max_total);
    EXPECT_EQ(proxy().counters().requests, 3u);
}

TEST_F(RetryThroughProxy, InjectedPreconditionFailureIsNotRetried) {
    ASSERT_TRUE(direct().create_container("cond").is_ok());
    Result<WriteResult> original = direct().put_blob("cond", "b", "original");
    ASSERT_TRUE(original.is_ok());
    SleepRecorder sleeps;
    auto store = store_via_proxy(fast_retry_options(), &sleeps);
    proxy().set_schedule(FaultSchedule::scripted({FaultKind::kConditionNotMet412}));

    PutOptions replace;
    replace.conditions.if_match = original->etag;
    Result<WriteResult> put = store->put_blob("cond", "b", "replacement", replace);
    ASSERT_FALSE(put.is_ok());
    EXPECT_EQ(put.status().code(), Code::kPreconditionFailed) << put.status().to_string();
    EXPECT_EQ(proxy().counters().requests, 1u);
    EXPECT_EQ(proxy().counters().forwarded, 0u);
    EXPECT_TRUE(sleeps.delays().empty());
    Result<ReadResult> still = direct().read("cond", "b", 0, 0);
    ASSERT_TRUE(still.is_ok());
    EXPECT_EQ(still->data, "original");
}

}  // namespace
}  // namespace azblobfs::fault_proxy
