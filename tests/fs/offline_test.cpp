// Offline mode: with the store unreachable, stale records, listings and cached blocks are
// served; data that is not cached fails with the store's status.
#include <fcntl.h>
#include <gtest/gtest.h>

#include "fs/fs_fixture.h"

namespace azblobfs::testing {
namespace {

using Names = std::vector<std::string>;

class OfflineTest : public FsFixture {
protected:
    void SetUp() override {
        FsFixture::SetUp();
        cached_ = pattern(300000, 21);
        put("docs/cached.bin", cached_);
        put("docs/uncached.bin", pattern(300000, 22));
        put("top.txt", "top");
        FsOptions o = options();
        o.attr_ttl_s = 10;
        o.dir_ttl_s = 10;
        mount(o);
        EXPECT_EQ(list(""), (Names{"docs", "top.txt"}));
        EXPECT_EQ(list("docs"), (Names{"cached.bin", "uncached.bin"}));
        EXPECT_EQ(read_all("docs/cached.bin"), cached_);
        advance(60);  // every TTL has expired
    }
    std::string cached_;
};

TEST_F(OfflineTest, StaleDataIsServedWhenTheStoreIsUnavailable) {
    store_->fail_with(Code::kUnavailable);
    EXPECT_EQ(walk("docs/cached.bin").attr.st.st_size, 300000);
    EXPECT_EQ(walk("top.txt").attr.st.st_size, 3);
    EXPECT_EQ(walk("docs/never-seen").attr.ino, 0u) << "absent from the stale listing";
    Result<Attributes> attr = fs_->getattr(ino_of("docs/uncached.bin"));
    ASSERT_TRUE(attr.is_ok()) << attr.status().to_string();
    EXPECT_EQ(list(""), (Names{"docs", "top.txt"}));
    EXPECT_EQ(list("docs"), (Names{"cached.bin", "uncached.bin"}));
    EXPECT_EQ(read_all("docs/cached.bin"), cached_) << "cached blocks are served";

    uint64_t ino = ino_of("docs/uncached.bin");
    Result<OpenReply> h = fs_->open(ino, O_RDONLY);
    ASSERT_TRUE(h.is_ok()) << h.status().to_string();
    EXPECT_EQ(fs_->read(ino, h->fh, 0, 4096).status().code(), Code::kUnavailable);
    EXPECT_GT(fs_->status().offline_answers, 5u);
}

TEST_F(OfflineTest, ThrottlingIsTreatedLikeAnOutage) {
    store_->fail_with(Code::kThrottled);
    EXPECT_NE(walk("docs/cached.bin").attr.ino, 0u);
    EXPECT_EQ(read_all("docs/cached.bin"), cached_);
    EXPECT_GT(fs_->status().offline_answers, 0u);
}

TEST_F(OfflineTest, NothingKnownMeansTheErrorIsReturned) {
    store_->fail_with(Code::kUnavailable);
    uint64_t docs = ino_of("docs");
    Result<EntryReply> unknown_dir = fs_->lookup(kRootIno, "elsewhere");
    EXPECT_EQ(unknown_dir->attr.ino, 0u) << "the stale root listing says it is absent";
    index_->remove("docs");  // forget the listing of docs and its record
    EXPECT_EQ(fs_->opendir(docs).status().code(), Code::kUnavailable);
}

TEST_F(OfflineTest, OtherErrorsAreNotMaskedByStaleData) {
    store_->fail_with(Code::kAuthFailed);
    EXPECT_EQ(fs_->lookup(kRootIno, "top.txt").status().code(), Code::kAuthFailed);
    EXPECT_EQ(fs_->status().offline_answers, 0u);
}

TEST_F(OfflineTest, ServiceReturnsAfterTheOutage) {
    store_->fail_with(Code::kUnavailable);
    EXPECT_EQ(list(""), (Names{"docs", "top.txt"}));
    store_->fail_with(Code::kOk);
    put("new.txt", "fresh");
    EXPECT_EQ(list(""), (Names{"docs", "new.txt", "top.txt"}));
}

}  // namespace
}  // namespace azblobfs::testing

namespace azblobfs::testing {
namespace {

// Regression: after a remount (new Filesystem over the same index and cache) with the store
// down, open() served the stale record but never admitted its cached blocks to the version
// gate, so every read of cached data failed.
TEST_F(OfflineTest, CachedBlocksAreServedAfterARemountWhileOffline) {
    store_->fail_with(Code::kUnavailable);
    FsOptions o = options();
    o.attr_ttl_s = 10;
    o.dir_ttl_s = 10;
    mount(o);
    EXPECT_EQ(list("docs"), (Names{"cached.bin", "uncached.bin"}));
    EXPECT_EQ(read_all("docs/cached.bin"), cached_);
}

}  // namespace
}  // namespace azblobfs::testing
