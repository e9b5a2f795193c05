// Unit tests of the small pieces of the core: inode table, negative cache, version gate,
// in-flight block claims and the fetch pool.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fs/fake_block_cache.h"
#include "cache/fetch_pool.h"
#include "cache/inflight_blocks.h"
#include "fs/inode_table.h"
#include "fs/negative_cache.h"
#include "cache/version_gate.h"

namespace azblobfs::testing {
namespace {

TEST(InodeTable, NumbersPathsInOrderAndFreesAtZero) {
    InodeTable t;
    EXPECT_EQ(t.path_of(kRootIno), "");
    uint64_t a = t.acquire("a");
    uint64_t b = t.acquire("a/b");
    EXPECT_EQ(a, 2u);
    EXPECT_EQ(b, 3u);
    EXPECT_EQ(t.acquire("a"), a);  // second lookup of the same path
    t.forget(a, 1);
    EXPECT_EQ(t.path_of(a), "a");  // one lookup left
    t.forget(a, 1);
    EXPECT_FALSE(t.path_of(a).has_value());
    EXPECT_FALSE(t.find("a").has_value());
    EXPECT_EQ(t.acquire("a"), 4u) << "numbers are never reused";
    t.forget(kRootIno, 100);
    EXPECT_EQ(t.path_of(kRootIno), "") << "the root is never freed";
}

TEST(InodeTable, RemembersOpenedEtag) {
    InodeTable t;
    uint64_t f = t.acquire("f");
    EXPECT_EQ(t.exchange_opened_etag(f, "\"1\""), "");
    EXPECT_EQ(t.exchange_opened_etag(f, "\"2\""), "\"1\"");
}

TEST(NegativeCache, ExpiresAfterTtl) {
    NegativeCache n(5 * 1000000000LL);
    n.remember("x", 100);
    EXPECT_TRUE(n.contains("x", 100 + 4 * 1000000000LL));
    EXPECT_FALSE(n.contains("x", 100 + 5 * 1000000000LL));
    EXPECT_FALSE(n.contains("y", 100));
    n.remember("z", 0);
    n.forget("z");
    EXPECT_FALSE(n.contains("z", 1));
}

TEST(VersionGate, ServesAndStoresOnlyTheCurrentVersion) {
    auto cache = std::make_shared<FakeBlockCache>();
    VersionGate gate(cache);
    ASSERT_TRUE(gate.switch_to(7, "", "\"v1\"").is_ok());
    ASSERT_TRUE(gate.put(7, "\"v1\"", 0, "one").is_ok());
    std::string out;
    EXPECT_TRUE(*gate.get(7, "\"v1\"", 0, &out));
    EXPECT_EQ(out, "one");
    out.clear();
    EXPECT_FALSE(*gate.get(7, "\"v0\"", 0, &out)) << "another version never sees these blocks";
    ASSERT_TRUE(gate.put(7, "\"v0\"", 1, "stale").is_ok());
    EXPECT_FALSE(cache->contains(7, 1)) << "a put of another version is skipped";

    ASSERT_TRUE(gate.switch_to(7, "\"v1\"", "\"v2\"").is_ok());
    EXPECT_EQ(cache->blocks_of(7), 0u) << "switching versions drops the blocks";
    ASSERT_TRUE(gate.put(7, "\"v1\"", 0, "late").is_ok());
    EXPECT_FALSE(cache->contains(7, 0)) << "a late put of the old version is refused";
}

TEST(VersionGate, AdoptsTheRecordVersionOfAnUnknownFile) {
    auto cache = std::make_shared<FakeBlockCache>();
    ASSERT_TRUE(cache->put(9, 0, "persisted").is_ok());  // from an earlier mount
    VersionGate gate(cache);
    ASSERT_TRUE(gate.switch_to(9, "\"e\"", "\"e\"").is_ok());
    EXPECT_TRUE(cache->contains(9, 0)) << "same ETag as the record: blocks are kept";
    VersionGate other(cache);
    ASSERT_TRUE(other.switch_to(9, "\"e\"", "\"f\"").is_ok());
    EXPECT_FALSE(cache->contains(9, 0)) << "record ETag differs: blocks are dropped";
}

TEST(VersionGate, OwnCommitsKeepTheLineageOtherChangesStartANewOne) {
    auto cache = std::make_shared<FakeBlockCache>();
    VersionGate gate(cache);
    EXPECT_EQ(gate.lineage_if(5, "\"a\""), 0u) << "an untracked file has no lineage";
    ASSERT_TRUE(gate.switch_to(5, "\"a\"", "\"a\"").is_ok());
    EXPECT_EQ(gate.lineage_if(5, "\"old\""), 0u) << "no lineage for a version that is not current";
    const uint64_t opened = gate.lineage_if(5, "\"a\"");
    ASSERT_NE(opened, 0u);
    ASSERT_TRUE(gate.put(5, "\"a\"", 0, "same").is_ok());
    ASSERT_TRUE(gate.commit(5, "\"a\"", "\"b\"", /*same_bytes=*/true).is_ok());
    EXPECT_TRUE(cache->contains(5, 0)) << "a commit of unchanged bytes keeps the blocks";
    ASSERT_TRUE(gate.commit(5, "\"b\"", "\"c\"", /*same_bytes=*/false).is_ok());
    EXPECT_FALSE(cache->contains(5, 0)) << "a commit of changed bytes drops them";
    EXPECT_EQ(gate.follow(5, opened), std::optional<std::string>("\"c\"")) << "own commits are followed";
    ASSERT_TRUE(gate.switch_to(5, "\"c\"", "\"other\"").is_ok());  // another writer's version
    EXPECT_EQ(gate.follow(5, opened), std::nullopt) << "a change by another writer ends the lineage";
    EXPECT_NE(gate.lineage_if(5, "\"other\""), opened);
    ASSERT_TRUE(gate.commit(5, "\"stale\"", "\"d\"", false).is_ok());
    const uint64_t after = gate.lineage_if(5, "\"d\"");
    ASSERT_NE(after, 0u);
    ASSERT_TRUE(gate.remove(5).is_ok());
    ASSERT_TRUE(gate.switch_to(5, "\"d\"", "\"d\"").is_ok());
    EXPECT_EQ(gate.follow(5, after), std::nullopt) << "a removed file comes back in a new lineage";
}

TEST(InflightBlocks, SecondClaimWaitsForTheFirst) {
    InflightBlocks inflight;
    InflightBlocks::Claim first = inflight.claim(1, "e", {0, 1});
    EXPECT_EQ(first.mine, (std::vector<uint64_t>{0, 1}));
    InflightBlocks::Claim second = inflight.claim(1, "e", {1, 2});
    EXPECT_EQ(second.mine, (std::vector<uint64_t>{2}));
    ASSERT_EQ(second.waits.size(), 1u);
    EXPECT_EQ(second.waits[0].first, 1u);
    EXPECT_EQ(inflight.claim(1, "other", {1}).mine.size(), 1u) << "other versions do not meet";
    EXPECT_TRUE(inflight.claim_free(1, "e", {0, 1, 3}) == std::vector<uint64_t>{3});

    std::thread fetcher([&] { inflight.complete(1, "e", 1, Status::ok(), "block-one"); });
    Result<std::string> got = inflight.wait(second.waits[0].second);
    fetcher.join();
    ASSERT_TRUE(got.is_ok());
    EXPECT_EQ(*got, "block-one");

    InflightBlocks::Claim third = inflight.claim(1, "e", {0});
    ASSERT_EQ(third.waits.size(), 1u);
    inflight.complete(1, "e", 0, Status(Code::kUnavailable, "down"), "");
    EXPECT_EQ(inflight.wait(third.waits[0].second).status().code(), Code::kUnavailable);
}

TEST(FetchPool, RunsEveryTaskAndWaitsForIdle) {
    std::atomic<int> ran{0};
    {
        FetchPool pool(3);
        for (int i = 0; i < 50; ++i) pool.submit([&] { ran.fetch_add(1); }, nullptr);
        pool.wait_idle();
        EXPECT_EQ(ran.load(), 50);
    }
}

}  // namespace
}  // namespace azblobfs::testing
