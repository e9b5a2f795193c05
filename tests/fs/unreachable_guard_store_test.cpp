// The unreachable guard in front of a real MemoryBlobStore (through the counting / failing
// wrapper): while the store is down, calls fail at once without reaching it; after the probe
// interval they reach it again; an answer marks it reachable.
#include <gtest/gtest.h>

#include "blob/memory_blob_store.h"
#include "blob/unreachable_guard_store.h"
#include "support/counting_store.h"

namespace azblobfs {
namespace {

struct GuardFixture : ::testing::Test {
    GuardFixture() {
        counting = std::make_shared<testing::CountingStore>(make_memory_blob_store());
        UnreachableGuardOptions options;
        options.probe_interval_s = 15;
        options.clock_ns = [this] { return now_ns; };
        guard = make_unreachable_guard_store(counting, options);
        EXPECT_TRUE(guard->create_container("box").is_ok());
        EXPECT_TRUE(guard->put_blob("box", "b", "bytes").is_ok());
        counting->reset_counts();
    }
    int64_t now_ns = 1'000'000'000;
    std::shared_ptr<testing::CountingStore> counting;
    std::unique_ptr<BlobStore> guard;
};

TEST_F(GuardFixture, PassesCallsThroughWhileReachable) {
    auto r = guard->read("box", "b", 0, 0);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->data, "bytes");
    EXPECT_EQ(guard->get_properties("box", "missing").status().code(), Code::kNotFound);
    EXPECT_EQ(counting->calls(), 2u);
}

TEST_F(GuardFixture, FailsFastWhileUnreachableThenProbesAgain) {
    counting->fail_with(Code::kUnavailable);
    EXPECT_EQ(guard->get_properties("box", "b").status().code(), Code::kUnavailable);
    EXPECT_EQ(counting->calls(), 1u);

    now_ns += 14'000'000'000;
    auto fast = guard->read("box", "b", 0, 0);
    EXPECT_EQ(fast.status().code(), Code::kUnavailable);
    EXPECT_NE(fast.status().message().find("store unreachable; next attempt in 1 s"), std::string::npos)
        << fast.status().message();
    EXPECT_EQ(guard->list_containers().status().code(), Code::kUnavailable);
    EXPECT_EQ(counting->calls(), 1u) << "calls within the interval must not reach the store";

    now_ns += 2'000'000'000;
    counting->fail_with(Code::kOk);
    EXPECT_TRUE(guard->get_properties("box", "b").is_ok());
    EXPECT_EQ(counting->calls(), 2u);
    EXPECT_TRUE(guard->read("box", "b", 0, 0).is_ok());
    EXPECT_EQ(counting->calls(), 3u);
}

TEST_F(GuardFixture, OtherErrorsMeanTheStoreAnswered) {
    counting->fail_with(Code::kThrottled);
    EXPECT_EQ(guard->get_properties("box", "b").status().code(), Code::kThrottled);
    EXPECT_EQ(guard->get_properties("box", "b").status().code(), Code::kThrottled);
    EXPECT_EQ(counting->calls(), 2u);
}

}  // namespace
}  // namespace azblobfs
