// BlockLru: recency order and byte accounting (in memory, no LMDB).
#include "cache/block_lru.h"

#include <gtest/gtest.h>

namespace azblobfs {
namespace {

using keys::BlockKey;

TEST(BlockLru, VictimsAreOldestFirstAndTouchRefreshes) {
    BlockLru lru;
    lru.insert_mru({1, 0}, 100);
    lru.insert_mru({1, 1}, 100);
    lru.insert_mru({2, 0}, 100);
    EXPECT_EQ(lru.used_bytes(), 300u);
    EXPECT_TRUE(lru.touch({1, 0}));
    EXPECT_FALSE(lru.touch({9, 9}));
    auto v = lru.victims(150, BlockKey{0, 0});
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].first, (BlockKey{1, 1}));
    EXPECT_EQ(v[1].first, (BlockKey{2, 0}));
}

TEST(BlockLru, VictimsSkipTheKeptKeyAndStopWhenExhausted) {
    BlockLru lru;
    lru.insert_mru({1, 0}, 10);
    lru.insert_mru({1, 1}, 10);
    auto v = lru.victims(1000, BlockKey{1, 0});
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].first, (BlockKey{1, 1}));
    EXPECT_TRUE(lru.victims(0, BlockKey{0, 0}).empty());
}

TEST(BlockLru, ReplaceAndEraseKeepTheSumExact) {
    BlockLru lru;
    lru.insert_mru({1, 0}, 100);
    lru.insert_mru({1, 0}, 40);
    EXPECT_EQ(lru.used_bytes(), 40u);
    EXPECT_EQ(lru.size(), 1u);
    EXPECT_EQ(lru.bytes_of({1, 0}), 40u);
    EXPECT_EQ(lru.erase({1, 0}), 40u);
    EXPECT_EQ(lru.erase({1, 0}), 0u);
    EXPECT_EQ(lru.used_bytes(), 0u);
    EXPECT_EQ(lru.size(), 0u);
}

}  // namespace
}  // namespace azblobfs
