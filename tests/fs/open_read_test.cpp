// open (close-to-open revalidation, keep_cache) and read (blocks, ranged GETs, version changes).
#include <fcntl.h>
#include <gtest/gtest.h>

#include "fs/fs_fixture.h"

namespace azblobfs::testing {
namespace {

constexpr uint64_t B = BlockCache::kBlockSize;

class OpenReadTest : public FsFixture {
protected:
    OpenReply open_ok(uint64_t ino) {
        Result<OpenReply> r = fs_->open(ino, O_RDONLY);
        EXPECT_TRUE(r.is_ok()) << r.status().to_string();
        return r.is_ok() ? *r : OpenReply{};
    }
    std::string read_ok(uint64_t ino, uint64_t fh, uint64_t offset, uint64_t size) {
        Result<std::string> r = fs_->read(ino, fh, offset, size);
        EXPECT_TRUE(r.is_ok()) << r.status().to_string();
        return r.is_ok() ? *r : std::string();
    }
};

TEST_F(OpenReadTest, WritesAreRefusedOnThisMount) {
    put("f", "x");
    put("d/inner", "i");
    mount();
    uint64_t f = ino_of("f");
    EXPECT_EQ(fs_->open(f, O_WRONLY).status().code(), Code::kReadOnly);
    EXPECT_EQ(fs_->open(f, O_RDWR).status().code(), Code::kReadOnly);
    EXPECT_EQ(fs_->open(f, O_RDONLY | O_TRUNC).status().code(), Code::kReadOnly);
    EXPECT_EQ(fs_->open(ino_of("d"), O_RDONLY).status().code(), Code::kIsDirectory);
}

TEST_F(OpenReadTest, OpenRevalidatesAndDetectsAChangedEtag) {
    std::string v1 = pattern(600000, 1);
    std::string v2 = pattern(500000, 2);
    put("f", v1);
    mount();
    uint64_t f = ino_of("f");
    uint64_t id = file_id_of("f");
    store_->reset_counts();

    OpenReply first = open_ok(f);
    EXPECT_EQ(store_->properties_calls(), 1u) << "open always asks the store";
    EXPECT_TRUE(first.keep_cache);
    EXPECT_EQ(read_ok(f, first.fh, 0, 1 << 20), v1);
    fs_->release(f, first.fh);
    EXPECT_EQ(cache_->blocks_of(id), 3u);

    OpenReply again = open_ok(f);
    EXPECT_EQ(store_->properties_calls(), 2u);
    EXPECT_TRUE(again.keep_cache) << "same ETag: the page cache stays valid";
    fs_->release(f, again.fh);

    put("f", v2);
    OpenReply changed = open_ok(f);
    EXPECT_FALSE(changed.keep_cache);
    EXPECT_EQ(cache_->blocks_of(id), 0u) << "blocks of the old version are dropped";
    EXPECT_EQ(fs_->getattr(f)->st.st_size, 500000) << "the record follows the new version";
    EXPECT_EQ(read_ok(f, changed.fh, 0, 1 << 20), v2);
    fs_->release(f, changed.fh);
    EXPECT_TRUE(open_ok(f).keep_cache);
}

TEST_F(OpenReadTest, KeepCacheIsFalseWhenAnotherPathRevalidatedFirst) {
    put("f", "version one");
    FsOptions o = options();
    o.attr_ttl_s = 1;
    mount(o);
    uint64_t f = ino_of("f");
    OpenReply first = open_ok(f);
    read_ok(f, first.fh, 0, 100);
    fs_->release(f, first.fh);
    put("f", "version two!");
    advance(2);
    ASSERT_EQ(fs_->getattr(f)->st.st_size, 12);  // the record now has the new ETag
    OpenReply second = open_ok(f);
    EXPECT_FALSE(second.keep_cache) << "the kernel may still hold pages of version one";
    EXPECT_EQ(read_ok(f, second.fh, 0, 100), "version two!");
}

TEST_F(OpenReadTest, OpenOfADeletedBlobIsNotFound) {
    put("f", "x");
    mount();
    uint64_t f = ino_of("f");
    ASSERT_TRUE(memory_->delete_blob(kContainer, "f").is_ok());
    EXPECT_EQ(fs_->open(f, O_RDONLY).status().code(), Code::kNotFound);
    EXPECT_FALSE(index_->get("f")->has_value()) << "the record is removed";
}

TEST_F(OpenReadTest, FirstReadOfALargeBlobFetchesOneBlock) {
    std::string data = pattern(20 << 20, 3);
    std::string etag = put("big", data);
    mount();
    uint64_t ino = ino_of("big");
    OpenReply h = open_ok(ino);
    EXPECT_EQ(read_ok(ino, h.fh, 0, 65536), data.substr(0, 65536));
    fs_->wait_for_background_fetches();
    std::vector<ReadCall> reads = store_->reads();
    ASSERT_EQ(reads.size(), 1u);
    EXPECT_EQ(reads[0].offset, 0u);
    EXPECT_EQ(reads[0].length, 262128u);
    EXPECT_EQ(reads[0].if_match, etag);
    FsStatus s = fs_->status();
    EXPECT_EQ(s.range_requests, 1u);
    EXPECT_EQ(s.bytes_fetched, 262128u);
    EXPECT_EQ(cache_->blocks_of(file_id_of("big")), 1u);
}

TEST_F(OpenReadTest, ReadsAreClampedAndSpanBlocks) {
    std::string data = pattern(3 * B + 100, 4);
    put("f", data);
    mount();
    uint64_t ino = ino_of("f");
    OpenReply h = open_ok(ino);
    EXPECT_EQ(read_ok(ino, h.fh, B - 10, 20), data.substr(B - 10, 20));
    EXPECT_EQ(store_->reads().size(), 1u) << "two missing blocks in a run: one GET";
    EXPECT_EQ(store_->reads()[0].length, 2 * B);
    EXPECT_EQ(read_ok(ino, h.fh, 3 * B + 50, 1000), data.substr(3 * B + 50));
    EXPECT_EQ(read_ok(ino, h.fh, data.size(), 10), "");
    EXPECT_EQ(read_ok(ino, h.fh, 0, data.size() + 5000), data);
    EXPECT_EQ(store_->reads().size(), 3u) << "only block 2 was still missing";
    EXPECT_EQ(store_->reads()[2].offset, 2 * B);
    EXPECT_EQ(store_->reads()[2].length, B);
}

TEST_F(OpenReadTest, ABlobChangedAfterAHandleReadItFailsWithPreconditionFailed) {
    std::string v1 = pattern(3 * B, 5);
    std::string v2 = pattern(4 * B + 7, 6);
    put("f", v1);
    mount();
    uint64_t ino = ino_of("f");
    OpenReply h = open_ok(ino);
    EXPECT_EQ(read_ok(ino, h.fh, 0, 4096), v1.substr(0, 4096));  // caches block 0 of v1
    put("f", v2);
    // Blocks 1-2 are not cached: the GET fails If-Match. The handle already returned v1 bytes,
    // so it must not switch to v2 (the application would see a mix): PreconditionFailed.
    EXPECT_EQ(fs_->read(ino, h.fh, 0, 2 * B + 10).status().code(), Code::kPreconditionFailed);
    EXPECT_EQ(cache_->blocks_of(file_id_of("f")), 0u) << "the old version's blocks are dropped";
    EXPECT_EQ(fs_->getattr(ino)->st.st_size, static_cast<off_t>(v2.size()));
    fs_->release(ino, h.fh);

    OpenReply again = open_ok(ino);
    EXPECT_FALSE(again.keep_cache);
    EXPECT_EQ(read_ok(ino, again.fh, 0, v2.size()), v2) << "a new open reads the new version";
}

TEST_F(OpenReadTest, ABlobChangedBeforeTheFirstReadIsReadAsTheNewVersionOnly) {
    std::string v1 = pattern(3 * B, 5);
    std::string v2 = pattern(4 * B + 7, 6);
    put("f", v1);
    mount();
    uint64_t ino = ino_of("f");
    OpenReply h = open_ok(ino);
    put("f", v2);
    // Nothing was returned yet: the read restarts on v2 and every byte comes from v2.
    EXPECT_EQ(read_ok(ino, h.fh, 0, 2 * B + 10), v2.substr(0, 2 * B + 10));
    EXPECT_EQ(read_ok(ino, h.fh, 4 * B, 100), v2.substr(4 * B)) << "the handle knows the new size";
    EXPECT_EQ(fs_->getattr(ino)->st.st_size, static_cast<off_t>(v2.size()));
}

TEST_F(OpenReadTest, ArchivedBlobsOpenButDoNotRead) {
    put("cold", "frozen");
    ASSERT_TRUE(memory_->set_tier(kContainer, "cold", "Archive").is_ok());
    mount();
    uint64_t ino = ino_of("cold");
    OpenReply h = open_ok(ino);
    EXPECT_EQ(fs_->read(ino, h.fh, 0, 10).status().code(), Code::kArchived);
    Result<std::string> tier = fs_->getxattr(ino, "user.azure.tier");
    ASSERT_TRUE(tier.is_ok());
    EXPECT_EQ(*tier, "Archive");
}

TEST_F(OpenReadTest, AFullCacheStillAnswersReads) {
    std::string data = pattern(B + 1000, 7);
    put("f", data);
    mount();
    cache_->refuse_puts(true);
    uint64_t ino = ino_of("f");
    OpenReply h = open_ok(ino);
    EXPECT_EQ(read_ok(ino, h.fh, 0, data.size()), data);
    EXPECT_EQ(read_ok(ino, h.fh, 500, 100), data.substr(500, 100));
    EXPECT_EQ(cache_->blocks_of(file_id_of("f")), 0u);
    EXPECT_EQ(store_->reads().size(), 2u) << "nothing cached: the second read fetches again";
}

TEST_F(OpenReadTest, StoreErrorsAreReturned) {
    put("f", "data");
    mount();
    uint64_t ino = ino_of("f");
    OpenReply h = open_ok(ino);
    store_->fail_with(Code::kAuthFailed);
    EXPECT_EQ(fs_->read(ino, h.fh, 0, 10).status().code(), Code::kAuthFailed);
    EXPECT_EQ(fs_->read(ino, 424242, 0, 10).status().code(), Code::kInvalidArgument);
}

TEST_F(OpenReadTest, ReadingADeletedBlobIsNotFound) {
    put("f", "data");
    mount();
    uint64_t ino = ino_of("f");
    OpenReply h = open_ok(ino);
    ASSERT_TRUE(memory_->delete_blob(kContainer, "f").is_ok());
    EXPECT_EQ(fs_->read(ino, h.fh, 0, 10).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace azblobfs::testing
