// BlockCache: round trips, drop_file, LRU order, the hard limit, persistence, concurrency.
#include "cache/block_cache.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "cache_test_util.h"

namespace azblobfs {
namespace {

using testing::kMiB;
using testing::pattern_bytes;
using testing::TempDir;

constexpr uint64_t kBlock = BlockCache::kBlockSize;
constexpr uint64_t kBlockPages = 64 * 4096;  // page-rounded size of a full block

class BlockCacheTest : public ::testing::Test {
protected:
    void open(uint64_t limit, uint64_t map_size = 64 * kMiB) {
        cache_.reset();
        env_.reset();
        env_ = testing::open_env_or_die(dir_.path().string(), map_size);
        ASSERT_NE(env_, nullptr);
        cache_ = make_block_cache(env_, limit);
    }
    void put(uint64_t file, uint64_t index, const std::string& data) {
        Status st = cache_->put(file, index, data);
        ASSERT_TRUE(st.is_ok()) << st.to_string();
    }
    std::optional<std::string> get(uint64_t file, uint64_t index) {
        std::string out;
        auto hit = cache_->get(file, index, &out);
        EXPECT_TRUE(hit.is_ok()) << hit.status().to_string();
        if (!hit.is_ok() || !*hit) return std::nullopt;
        return out;
    }
    std::string block(uint64_t file, uint64_t index, size_t len = kBlock) {
        return pattern_bytes(file * 1000003 + index, len);
    }

    TempDir dir_{"azb-blocks"};
    std::shared_ptr<CacheEnv> env_;
    std::unique_ptr<BlockCache> cache_;
};

TEST_F(BlockCacheTest, RoundTripIncludingAShortLastBlock) {
    open(16 * kMiB);
    put(7, 0, block(7, 0));
    put(7, 1, block(7, 1, 1234));
    EXPECT_EQ(get(7, 0), block(7, 0));
    EXPECT_EQ(get(7, 1), block(7, 1, 1234));
    EXPECT_EQ(get(7, 2), std::nullopt);
    std::string out = "prefix:";
    ASSERT_TRUE(*cache_->get(7, 1, &out));
    EXPECT_EQ(out, "prefix:" + block(7, 1, 1234));  // get appends
    BlockCacheStats stats = cache_->stats();
    EXPECT_EQ(stats.blocks, 2u);
    EXPECT_EQ(stats.used_bytes, kBlockPages + 4096);
    EXPECT_EQ(stats.hits, 3u);
    EXPECT_EQ(stats.misses, 1u);
    EXPECT_EQ(stats.limit_bytes, 16 * kMiB);
}

TEST_F(BlockCacheTest, OversizeBlockIsRejected) {
    open(16 * kMiB);
    Status st = cache_->put(1, 0, std::string(kBlock + 1, 'x'));
    EXPECT_EQ(st.code(), Code::kInvalidArgument);
    st = cache_->put(1, 0, std::string(kBlock, 'x'));
    EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TEST_F(BlockCacheTest, BlockLargerThanTheLimitIsNoSpace) {
    open(kBlockPages - 4096);
    Status st = cache_->put(1, 0, block(1, 0));
    EXPECT_EQ(st.code(), Code::kNoSpace);
    put(1, 1, block(1, 1, 1000));  // a small one still fits
}

TEST_F(BlockCacheTest, ReplacingABlockCountsItOnce) {
    open(16 * kMiB);
    put(3, 0, block(3, 0));
    put(3, 0, block(9, 9, 100));
    EXPECT_EQ(get(3, 0), block(9, 9, 100));
    EXPECT_EQ(cache_->stats().blocks, 1u);
    EXPECT_EQ(cache_->stats().used_bytes, 4096u);
}

TEST_F(BlockCacheTest, DropFileRemovesOnlyThatFilesBlocks) {
    open(32 * kMiB);
    for (uint64_t file : {1, 2, 256}) {
        for (uint64_t i = 0; i < 3; ++i) put(file, i, block(file, i, 5000));
    }
    ASSERT_TRUE(cache_->drop_file(2).is_ok());
    for (uint64_t i = 0; i < 3; ++i) {
        EXPECT_EQ(get(2, i), std::nullopt);
        EXPECT_EQ(get(1, i), block(1, i, 5000));
        EXPECT_EQ(get(256, i), block(256, i, 5000));
    }
    EXPECT_EQ(cache_->stats().blocks, 6u);
    ASSERT_TRUE(cache_->drop_file(99).is_ok());  // nothing cached: fine
    EXPECT_EQ(cache_->stats().evictions, 0u);
}

TEST_F(BlockCacheTest, EvictsTheLeastRecentlyUsedAndGetRefreshes) {
    open(3 * kBlockPages);
    put(1, 0, block(1, 0));
    put(1, 1, block(1, 1));
    put(1, 2, block(1, 2));
    ASSERT_TRUE(get(1, 0).has_value());  // 0 becomes the most recent; 1 is now the oldest
    put(1, 3, block(1, 3));
    EXPECT_EQ(get(1, 1), std::nullopt);
    EXPECT_EQ(get(1, 0), block(1, 0));
    EXPECT_EQ(get(1, 2), block(1, 2));
    EXPECT_EQ(get(1, 3), block(1, 3));
    EXPECT_EQ(cache_->stats().evictions, 1u);
    put(1, 4, block(1, 4));  // oldest is now 0 (touched before 2 and 3)
    EXPECT_EQ(get(1, 0), std::nullopt);
    EXPECT_EQ(cache_->stats().evictions, 2u);
}

TEST_F(BlockCacheTest, WritingThreeTimesTheLimitNeverExceedsItOrTheMap) {
    constexpr uint64_t kN = 4;
    const uint64_t map_size = 8 * kMiB;
    open(kN * kBlockPages, map_size);
    for (uint64_t i = 0; i < 3 * kN; ++i) {
        put(i / 2 + 1, i % 2, block(i / 2 + 1, i % 2));
        BlockCacheStats stats = cache_->stats();
        ASSERT_LE(stats.used_bytes, kN * kBlockPages) << "after block " << i;
        CacheEnvStats env = env_->stats();
        ASSERT_LE(env.file_bytes, map_size) << "after block " << i;
        ASSERT_LE(env.used_pages_bytes, map_size);
    }
    BlockCacheStats stats = cache_->stats();
    EXPECT_EQ(stats.blocks, kN);
    EXPECT_EQ(stats.evictions, 2 * kN);
    for (uint64_t i = 2 * kN; i < 3 * kN; ++i) {  // the last N written are the ones kept
        EXPECT_EQ(get(i / 2 + 1, i % 2), block(i / 2 + 1, i % 2)) << i;
    }
}

TEST_F(BlockCacheTest, BlocksSurviveReopenAndALowerLimitEvictsDownAtOpen) {
    open(8 * kBlockPages);
    for (uint64_t f = 1; f <= 4; ++f) put(f, 0, block(f, 0));
    ASSERT_TRUE(env_->sync().is_ok());
    open(8 * kBlockPages);
    EXPECT_EQ(cache_->stats().blocks, 4u);
    EXPECT_EQ(cache_->stats().used_bytes, 4 * kBlockPages);
    EXPECT_EQ(get(3, 0), block(3, 0));
    open(2 * kBlockPages);  // rebuilt in key order: files 1 and 2 are the oldest
    EXPECT_EQ(cache_->stats().blocks, 2u);
    EXPECT_EQ(get(1, 0), std::nullopt);
    EXPECT_EQ(get(2, 0), std::nullopt);
    EXPECT_EQ(get(3, 0), block(3, 0));
    EXPECT_EQ(get(4, 0), block(4, 0));
}

TEST_F(BlockCacheTest, ConcurrentGetAndPutFromFourThreadsAreConsistent) {
    open(6 * 16 * 4096, 16 * kMiB);  // room for ~6 blocks of up to 60 KiB: constant eviction
    constexpr int kThreads = 4;
    constexpr int kOps = 400;
    std::atomic<int> bad{0};
    std::atomic<int> hits{0};
    std::atomic<int> errors{0};
    auto expected = [this](uint64_t f, uint64_t i) {
        return block(f, i, 1000 + (f * 7919 + i * 104729) % 60000);
    };
    auto worker = [&](int seed) {
        std::mt19937 rng(seed);
        for (int op = 0; op < kOps; ++op) {
            uint64_t f = 1 + rng() % 4;
            uint64_t i = rng() % 8;
            if (rng() % 2 == 0) {
                if (!cache_->put(f, i, expected(f, i)).is_ok()) ++errors;
            } else {
                std::string out;
                auto hit = cache_->get(f, i, &out);
                if (!hit.is_ok()) {
                    ++errors;
                } else if (*hit) {
                    ++hits;
                    if (out != expected(f, i)) ++bad;
                } else if (!out.empty()) {
                    ++bad;  // a miss appends nothing
                }
            }
        }
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, t + 1);
    for (auto& t : threads) t.join();
    EXPECT_EQ(bad.load(), 0);
    EXPECT_EQ(errors.load(), 0);
    EXPECT_GT(hits.load(), 0);
    BlockCacheStats stats = cache_->stats();
    EXPECT_LE(stats.used_bytes, stats.limit_bytes);
    EXPECT_GT(stats.evictions, 0u);
    // The in-memory accounting matches what the database holds.
    uint64_t present = 0;
    for (uint64_t f = 1; f <= 4; ++f) {
        for (uint64_t i = 0; i < 8; ++i) present += get(f, i).has_value() ? 1 : 0;
    }
    EXPECT_EQ(present, stats.blocks);
}

TEST(BlockCacheWithoutEnv, ReportsAnErrorInsteadOfCrashing) {
    auto cache = make_block_cache(nullptr, kMiB);
    std::string out;
    EXPECT_EQ(cache->get(1, 0, &out).status().code(), Code::kInternal);
    EXPECT_EQ(cache->put(1, 0, "x").code(), Code::kInternal);
}

}  // namespace
}  // namespace azblobfs
