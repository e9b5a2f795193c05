// BlockCache when the LMDB map itself fills up (the index shares it): evict, retry, NoSpace.
#include <gtest/gtest.h>

#include "cache/block_cache.h"
#include "cache/metadata_index.h"
#include "cache_test_util.h"

namespace azblobfs {
namespace {

using testing::file_record;
using testing::kMiB;
using testing::pattern_bytes;
using testing::TempDir;

constexpr uint64_t kBlock = BlockCache::kBlockSize;

// Puts fat records into the index until the map is full; returns how many went in.
int fill_index(MetadataIndex& index, const std::string& prefix) {
    EntryRecord fat = file_record(1, "etag");
    fat.metadata["pad"] = std::string(1500, 'p');
    for (int i = 0;; ++i) {
        auto r = index.put(prefix + std::to_string(i), fat);
        if (!r.is_ok()) {
            EXPECT_EQ(r.status().code(), Code::kNoSpace) << r.status().to_string();
            return i;
        }
    }
}

TEST(BlockCacheSpace, MapFullEvictsAndRetriesWhenTheLimitOverstatesTheMap) {
    TempDir dir("azb-space");
    const uint64_t map_size = 4 * kMiB;
    auto env = testing::open_env_or_die(dir.path().string(), map_size);
    ASSERT_NE(env, nullptr);
    auto cache = make_block_cache(env, 100 * kMiB);  // misconfigured: far above the map
    for (uint64_t i = 0; i < 40; ++i) {
        Status st = cache->put(1, i, pattern_bytes(i, kBlock));
        ASSERT_TRUE(st.is_ok()) << "block " << i << ": " << st.to_string();
        ASSERT_LE(env->stats().file_bytes, map_size);
    }
    BlockCacheStats stats = cache->stats();
    EXPECT_GT(stats.evictions, 0u);
    EXPECT_LT(stats.blocks, 16u);  // 40 blocks of 256 KiB cannot all be in a 4 MiB map
    std::string out;
    auto last = cache->get(1, 39, &out);
    ASSERT_TRUE(last.is_ok() && *last);
    EXPECT_EQ(out, pattern_bytes(39, kBlock));
}

TEST(BlockCacheSpace, IndexFillingTheMapMakesPutEvictThenReturnNoSpace) {
    TempDir dir("azb-space");
    const uint64_t map_size = 4 * kMiB;
    auto env = testing::open_env_or_die(dir.path().string(), map_size);
    ASSERT_NE(env, nullptr);
    auto index = make_metadata_index(env);
    auto cache = make_block_cache(env, 2 * kMiB);
    const std::string small = pattern_bytes(1, 20000);  // 5 pages: too few for a full block
    ASSERT_TRUE(cache->put(1, 0, small).is_ok());
    ASSERT_GT(fill_index(*index, "c/f"), 0);

    Status st = cache->put(2, 0, pattern_bytes(2, kBlock));
    EXPECT_EQ(st.code(), Code::kNoSpace) << st.to_string();
    BlockCacheStats stats = cache->stats();
    EXPECT_EQ(stats.evictions, 1u);  // it evicted what it could before giving up
    EXPECT_EQ(stats.blocks, 0u);
    EXPECT_EQ(stats.used_bytes, 0u);
    std::string out;
    auto hit = cache->get(1, 0, &out);
    ASSERT_TRUE(hit.is_ok());
    EXPECT_FALSE(*hit);
    EXPECT_LE(env->stats().file_bytes, map_size);
    // The environment stays usable: the index still answers.
    auto rec = index->get("c/f0");
    ASSERT_TRUE(rec.is_ok());
    EXPECT_TRUE(rec->has_value());
}

TEST(BlockCacheSpace, TheDocumentedSlackKeepsEvictionToTheLimitAlone) {
    TempDir dir("azb-space");
    constexpr uint64_t kFullBlockPages = 64 * 4096;
    const uint64_t limit = 4 * kFullBlockPages;
    const uint64_t map_size = limit + 1 * kMiB + 256 * 1024;  // limit + 4 blocks + a small index
    auto env = testing::open_env_or_die(dir.path().string(), map_size);
    ASSERT_NE(env, nullptr);
    auto cache = make_block_cache(env, limit);
    uint64_t expected_evictions = 0;
    uint64_t used = 0;
    std::vector<uint64_t> sizes;  // page-rounded sizes in LRU order
    for (uint64_t i = 0; i < 60; ++i) {
        size_t len = i % 3 == 2 ? 1000 + (i * 7919) % 200000 : kBlock;  // mixed sizes fragment
        uint64_t pages = (len + 16 + 4095) / 4096 * 4096;
        while (used + pages > limit) {
            used -= sizes.front();
            sizes.erase(sizes.begin());
            ++expected_evictions;
        }
        sizes.push_back(pages);
        used += pages;
        Status st = cache->put(1, i, pattern_bytes(i, len));
        ASSERT_TRUE(st.is_ok()) << "block " << i << ": " << st.to_string();
        ASSERT_LE(env->stats().file_bytes, map_size);
    }
    BlockCacheStats stats = cache->stats();
    EXPECT_EQ(stats.used_bytes, used);
    EXPECT_EQ(stats.evictions, expected_evictions) << "the map filled up although it had slack";
}

}  // namespace
}  // namespace azblobfs
