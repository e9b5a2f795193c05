// One upload of a journal record against the in-memory store: the commit after a crash that
// already went through is recognised, a real lost race keeps a conflict copy.
#include "cache/uploader.h"

#include <gtest/gtest.h>

#include "blob/memory_blob_store.h"
#include "cache/block_cache.h"
#include "cache/metadata_index.h"
#include "cache_test_util.h"

namespace azblobfs {
namespace {

using testing::open_env_or_die;
using testing::TempDir;

class UploaderTest : public ::testing::Test {
protected:
    void SetUp() override {
        env_ = open_env_or_die(dir_.path().string());
        ASSERT_NE(env_, nullptr);
        index_ = make_metadata_index(env_);
        journal_ = make_journal(env_);
        ASSERT_TRUE(store_->create_container("data").is_ok());
    }

    // A new local file "f" holding `bytes`, journaled (never uploaded).
    JournalRecord journal_new_file(const std::string& bytes) {
        JournalRecord r;
        r.container = "data";
        r.blob = "f";
        r.content_id = 77;
        r.size = bytes.size();
        r.content_dirty = true;
        r.metadata = {{"mtime", "2026-11-23T10:00:00.123456789Z"}};
        JournalBatch b;
        b.put_records.emplace_back("f", r);
        for (uint64_t i = 0; i * BlockCache::kBlockSize < bytes.size(); ++i) {
            b.put_blocks.push_back({77, i, bytes.substr(i * BlockCache::kBlockSize, BlockCache::kBlockSize)});
        }
        b.put_entries.emplace_back("f", EntryRecord{});
        EXPECT_TRUE(journal_->apply(b).is_ok());
        return r;
    }

    Result<UploadOutcome> upload() {
        Uploader uploader(*store_, *journal_, *index_, [] { return int64_t{1795000000} * 1000000000; });
        return uploader.upload("f", nullptr);
    }

    std::vector<std::string> blob_names() {
        auto page = store_->list_blobs("data", ListOptions{});
        std::vector<std::string> out;
        for (const auto& b : page->blobs) out.push_back(b.name);
        return out;
    }

    TempDir dir_{"azblobfs-uploader-test"};
    std::shared_ptr<CacheEnv> env_;
    std::shared_ptr<MetadataIndex> index_;
    std::shared_ptr<Journal> journal_;
    std::shared_ptr<BlobStore> store_ = make_memory_blob_store();
};

TEST_F(UploaderTest, ACommitThatWentThroughBeforeACrashIsNotAConflict) {
    JournalRecord r = journal_new_file("hello");
    PutOptions same;
    same.metadata = r.metadata;
    ASSERT_TRUE(store_->put_blob("data", "f", "hello", same).is_ok());  // the commit, journal not updated
    auto outcome = upload();
    ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
    EXPECT_EQ(outcome->kind, UploadOutcome::Kind::kDone);
    EXPECT_EQ(blob_names(), std::vector<std::string>{"f"});
    EXPECT_FALSE(journal_->get("f")->has_value());
}

TEST_F(UploaderTest, AnotherWritersBlobMakesAConflictCopyOfTheLocalBytes) {
    journal_new_file("mine!");
    ASSERT_TRUE(store_->put_blob("data", "f", "theirs").is_ok());
    auto outcome = upload();
    ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
    EXPECT_EQ(outcome->kind, UploadOutcome::Kind::kConflict);
    EXPECT_EQ(outcome->conflict_blob, "f.conflict-20261118T110640Z");
    EXPECT_EQ(store_->read("data", "f", 0, 0)->data, "theirs");
    EXPECT_EQ(store_->read("data", outcome->conflict_blob, 0, 0)->data, "mine!");
    EXPECT_FALSE(journal_->get("f")->has_value());
    EXPECT_FALSE(index_->get("f")->has_value());  // the store's version shows from now on
}

TEST_F(UploaderTest, ALargeNewFileGoesUpInGroupsAndAChangeRestagesOnlyItsGroup) {
    constexpr uint64_t kB = BlockCache::kBlockSize;
    const uint64_t blocks = Uploader::kLargeFileBlocks + 6;
    std::string content;
    for (uint64_t i = 0; i < blocks; ++i) content += std::string(kB, static_cast<char>('a' + i % 26));
    content.resize(content.size() - 100);
    JournalRecord r = journal_new_file(content);

    auto first = upload();
    ASSERT_TRUE(first.is_ok()) << first.status().to_string();
    const uint64_t groups = (blocks + Uploader::kBlocksPerLargeId - 1) / Uploader::kBlocksPerLargeId;
    EXPECT_EQ(first->staged, groups);
    auto props = store_->get_properties("data", "f");
    ASSERT_TRUE(props.is_ok());
    EXPECT_EQ(store_->read("data", "f", 0, 0)->data, content);

    // Change one cache block in the middle: only its group is staged again.
    const uint64_t changed = Uploader::kBlocksPerLargeId + 3;
    std::string block(kB, 'Z');
    content.replace(changed * kB, kB, block);
    JournalRecord again = r;
    again.content_id = 78;
    again.expect_exists = true;
    again.expect_etag = props->etag;
    again.underlay_etag = props->etag;
    again.underlay_size = again.base_size = r.size;
    again.metadata["mtime"] = "2026-11-23T10:00:01.000000001Z";
    JournalBatch c;
    c.put_records.emplace_back("f", again);
    c.put_blocks.push_back({78, changed, block});
    ASSERT_TRUE(journal_->apply(c).is_ok());
    auto second = upload();
    ASSERT_TRUE(second.is_ok()) << second.status().to_string();
    EXPECT_EQ(second->staged, 1u);
    EXPECT_EQ(second->reused, groups - 1);
    EXPECT_EQ(store_->read("data", "f", 0, 0)->data, content);
}

}  // namespace
}  // namespace azblobfs
