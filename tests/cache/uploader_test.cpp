// One upload of a journal record against the in-memory store: the commit after a crash that
// already went through is recognised, a real lost race keeps a conflict copy.
#include "cache/uploader.h"

#include <gtest/gtest.h>

#include <atomic>

#include "blob/memory_blob_store.h"
#include "cache/block_cache.h"
#include "cache/metadata_index.h"
#include "cache_test_util.h"

namespace azblobfs {
namespace {

using testing::open_env_or_die;
using testing::TempDir;

// The real block cache, with puts that fail with NoSpace while `refuse` is set.
class RefusingBlockCache final : public BlockCache {
public:
    explicit RefusingBlockCache(std::shared_ptr<BlockCache> inner) : inner_(std::move(inner)) {}
    Result<bool> get(uint64_t file_id, uint64_t index, std::string* out) override {
        return inner_->get(file_id, index, out);
    }
    Status put(uint64_t file_id, uint64_t index, std::string_view data) override {
        if (refuse) return Status(Code::kNoSpace, "injected failure: block cache full");
        return inner_->put(file_id, index, data);
    }
    Status drop_file(uint64_t file_id) override { return inner_->drop_file(file_id); }
    Status make_room(uint64_t bytes) override { return inner_->make_room(bytes); }
    BlockCacheStats stats() override { return inner_->stats(); }

    std::atomic<bool> refuse{false};

private:
    std::shared_ptr<BlockCache> inner_;
};

class UploaderTest : public ::testing::Test {
protected:
    void SetUp() override {
        env_ = open_env_or_die(dir_.path().string());
        ASSERT_NE(env_, nullptr);
        index_ = make_metadata_index(env_);
        journal_ = make_journal(env_);
        cache_ = std::make_shared<RefusingBlockCache>(make_block_cache(env_, 64ull << 20));
        base_ = std::make_unique<BaseReader>(store_, cache_);
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
        Uploader uploader(*store_, *journal_, *index_, *base_, [] { return int64_t{1795000000} * 1000000000; });
        return uploader.upload("f");
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
    std::shared_ptr<RefusingBlockCache> cache_;
    std::shared_ptr<BlobStore> store_ = make_memory_blob_store();
    std::unique_ptr<BaseReader> base_;
};

// A file truncated locally to kB + 100 bytes of a 2 * kB blob: the unchanged bytes the upload
// reads are cached as blocks of that blob version, at their length in it, never cut short.
TEST_F(UploaderTest, ATruncatedFileCachesNoShortBlockOfItsBase) {
    constexpr uint64_t kB = BlockCache::kBlockSize;
    Result<WriteResult> put = store_->put_blob("data", "f", std::string(2 * kB, 'b'), PutOptions{});
    ASSERT_TRUE(put.is_ok());
    EntryRecord entry;
    entry.etag = put->etag;
    entry.size = 2 * kB;
    Result<EntryRecord> stored = index_->put("f", entry);
    ASSERT_TRUE(stored.is_ok());
    ASSERT_TRUE(base_->gate().switch_to(stored->file_id, put->etag, put->etag).is_ok());

    JournalRecord r;  // truncated, block 0 rewritten; the store changed meanwhile (a conflict)
    r.container = "data";
    r.blob = "f";
    r.content_id = 79;
    r.size = kB + 100;
    r.content_dirty = true;
    r.expect_exists = true;
    r.expect_etag = "\"another writer's\"";
    r.underlay_etag = put->etag;
    r.underlay_size = kB + 100;
    r.base_size = 2 * kB;
    JournalBatch b;
    b.put_records.emplace_back("f", r);
    b.put_blocks.push_back({79, 0, std::string(kB, 'n')});
    ASSERT_TRUE(journal_->apply(b).is_ok());
    auto outcome = upload();
    ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
    ASSERT_EQ(outcome->kind, UploadOutcome::Kind::kConflict);
    EXPECT_EQ(store_->read("data", outcome->conflict_blob, 0, 0)->data,
              std::string(kB, 'n') + std::string(100, 'b'));
    std::string block;
    Result<bool> hit = base_->gate().get(stored->file_id, put->etag, 1, &block);
    ASSERT_TRUE(hit.is_ok());
    ASSERT_TRUE(*hit) << "the upload read block 1 through the block cache";
    EXPECT_EQ(block.size(), kB) << "block 1 of the blob version is cached whole";
}

// A commit over the version the record started from keeps that version's cached blocks. When
// caching the blocks this mount wrote fails, the old bytes of those blocks must not stay cached
// under the new ETag: all of the file's blocks are dropped instead.
TEST_F(UploaderTest, AFailedReKeyLeavesNoOldBytesUnderTheNewETag) {
    constexpr uint64_t kB = BlockCache::kBlockSize;
    const std::string old_bytes(2 * kB, 'o');
    Result<WriteResult> put = store_->put_blob("data", "f", old_bytes, PutOptions{});
    ASSERT_TRUE(put.is_ok());
    EntryRecord entry;
    entry.etag = put->etag;
    entry.size = old_bytes.size();
    Result<EntryRecord> stored = index_->put("f", entry);
    ASSERT_TRUE(stored.is_ok());
    const uint64_t file_id = stored->file_id;
    ASSERT_TRUE(base_->gate().switch_to(file_id, put->etag, put->etag).is_ok());
    FileVersion v{"f", "data", "f", file_id, put->etag, old_bytes.size()};
    ASSERT_EQ(base_->reads().read(v, 0, old_bytes.size()).value(), old_bytes);  // both blocks cached

    JournalRecord r;  // block 0 rewritten over the cached version
    r.container = "data";
    r.blob = "f";
    r.content_id = 78;
    r.size = old_bytes.size();
    r.content_dirty = true;
    r.expect_exists = true;
    r.expect_etag = r.underlay_etag = put->etag;
    r.underlay_size = r.base_size = old_bytes.size();
    JournalBatch b;
    b.put_records.emplace_back("f", r);
    b.put_blocks.push_back({78, 0, std::string(kB, 'n')});
    ASSERT_TRUE(journal_->apply(b).is_ok());

    cache_->refuse = true;
    auto outcome = upload();
    ASSERT_TRUE(outcome.is_ok()) << outcome.status().to_string();
    ASSERT_EQ(outcome->kind, UploadOutcome::Kind::kDone);
    cache_->refuse = false;
    Result<std::optional<EntryRecord>> after = index_->get("f");
    ASSERT_TRUE(after.is_ok() && after->has_value());
    std::string block;
    Result<bool> hit = base_->gate().get(file_id, (*after)->etag, 0, &block);
    ASSERT_TRUE(hit.is_ok());
    EXPECT_FALSE(*hit && block != std::string(kB, 'n'))
        << "block 0 of the new version is cached with the old bytes";
}

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
