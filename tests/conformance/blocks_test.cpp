// Block blobs: staging and committing, a 64 MiB blob read back by random ranges, re-commit
// reusing committed blocks, block list errors, empty blobs.
#include <cstdio>
#include <random>

#include "conformance_fixture.h"

namespace azblobfs::conformance {
namespace {

constexpr size_t kBlockSize = 4 << 20;
constexpr int kBlocks = 16;

std::string block_id(int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "block-%05d", i);
    return buf;
}

// Compares `count` random ranges of the blob with `expected`, byte for byte.
void expect_random_ranges_match(BlobStore& store, const std::string& container, const std::string& blob,
                                const std::string& expected, int count, uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (int i = 0; i < count; ++i) {
        uint64_t offset = rng() % expected.size();
        uint64_t length = 1 + rng() % (1 << 18);
        auto r = store.read(container, blob, offset, length);
        ASSERT_TRUE(r.is_ok()) << r.status().to_string();
        uint64_t want = std::min<uint64_t>(length, expected.size() - offset);
        ASSERT_EQ(r->data.size(), want) << "range " << offset << "+" << length;
        ASSERT_TRUE(r->data == expected.substr(offset, want)) << "range " << offset << "+" << length;
        EXPECT_EQ(r->blob_size, expected.size());
    }
}

TEST_P(ConformanceTest, LargeBlockBlobReadBackByRandomRanges) {
    const std::string blob = "big/64MiB.bin";
    std::string content = random_bytes(42, kBlockSize * kBlocks);
    std::vector<std::string> ids;
    for (int i = 0; i < kBlocks; ++i) {
        ids.push_back(block_id(i));
        ASSERT_OK(store().put_block(container(), blob, ids.back(),
                                    std::string_view(content).substr(i * kBlockSize, kBlockSize)));
    }
    // Staged blocks are not a blob yet.
    EXPECT_CODE(store().get_properties(container(), blob), Code::kNotFound);
    auto committed = store().put_block_list(container(), blob, ids);
    ASSERT_OK(committed);
    auto props = store().get_properties(container(), blob);
    ASSERT_OK(props);
    EXPECT_EQ(props->size, content.size());
    EXPECT_EQ(props->etag, committed->etag);
    expect_random_ranges_match(store(), container(), blob, content, 200, 7);

    // Re-commit: block 5 replaced by a newly staged one, every other block reused as committed.
    std::string replacement = random_bytes(99, kBlockSize);
    ASSERT_OK(store().put_block(container(), blob, block_id(5), replacement));
    content.replace(5 * kBlockSize, kBlockSize, replacement);
    auto recommitted = store().put_block_list(container(), blob, ids);
    ASSERT_OK(recommitted);
    EXPECT_NE(recommitted->etag, committed->etag);
    auto around = store().read(container(), blob, 5 * kBlockSize - 100, kBlockSize + 200);
    ASSERT_OK(around);
    EXPECT_TRUE(around->data == content.substr(5 * kBlockSize - 100, kBlockSize + 200));
    expect_random_ranges_match(store(), container(), blob, content, 50, 8);

    // Committed blocks can be dropped and reordered without restaging.
    auto reordered = store().put_block_list(container(), blob, {block_id(3), block_id(1)});
    ASSERT_OK(reordered);
    EXPECT_TRUE(read_all(blob) == content.substr(3 * kBlockSize, kBlockSize) + content.substr(kBlockSize, kBlockSize));
}

TEST_P(ConformanceTest, BlockListErrors) {
    const std::string blob = "blocks/errors";
    ASSERT_OK(store().put_block(container(), blob, "id-a", "aaa"));
    ASSERT_OK(store().put_block(container(), blob, "id-b", "bbb"));
    auto unknown = store().put_block_list(container(), blob, {"id-a", "id-z"});
    EXPECT_CODE(unknown, Code::kInvalidArgument);
    EXPECT_CODE(store().get_properties(container(), blob), Code::kNotFound);

    ASSERT_OK(store().put_block_list(container(), blob, {"id-a"}));
    EXPECT_EQ(read_all(blob), "aaa");
    // Committing discarded the uncommitted "id-b".
    EXPECT_CODE(store().put_block_list(container(), blob, {"id-a", "id-b"}), Code::kInvalidArgument);
    EXPECT_EQ(read_all(blob), "aaa");
    // Staging the same block twice is idempotent; the latest bytes win.
    ASSERT_OK(store().put_block(container(), blob, "id-b", "xxx"));
    ASSERT_OK(store().put_block(container(), blob, "id-b", "BBB"));
    ASSERT_OK(store().put_block_list(container(), blob, {"id-a", "id-b", "id-a"}));
    EXPECT_EQ(read_all(blob), "aaaBBBaaa");
}

TEST_P(ConformanceTest, BlockIdsOfDifferingLengthsAreRejected) {
    const std::string blob = "blocks/lengths";
    ASSERT_OK(store().put_block(container(), blob, "id-1", "one"));
    Status longer = store().put_block(container(), blob, "id-22", "two");
    if (longer.is_ok()) {
        EXPECT_CODE(store().put_block_list(container(), blob, {"id-1", "id-22"}), Code::kInvalidArgument);
    } else {
        EXPECT_CODE(longer, Code::kInvalidArgument);
    }
    EXPECT_CODE(store().get_properties(container(), blob), Code::kNotFound);
}

TEST_P(ConformanceTest, EmptyBlobs) {
    std::string etag = put("empty/put", "");
    auto props = store().get_properties(container(), "empty/put");
    ASSERT_OK(props);
    EXPECT_EQ(props->size, 0u);
    EXPECT_EQ(props->etag, etag);
    auto r = store().read(container(), "empty/put", 0, 0);
    ASSERT_OK(r);
    EXPECT_EQ(r->data, "");
    EXPECT_EQ(r->blob_size, 0u);
    EXPECT_EQ(r->etag, etag);

    auto committed = store().put_block_list(container(), "empty/blocks", {});
    ASSERT_OK(committed);
    auto p2 = store().get_properties(container(), "empty/blocks");
    ASSERT_OK(p2);
    EXPECT_EQ(p2->size, 0u);
    EXPECT_EQ(read_all("empty/blocks"), "");
}

}  // namespace
}  // namespace azblobfs::conformance
