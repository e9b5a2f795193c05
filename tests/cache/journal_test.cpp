// The write-back journal: records and dirty blocks across reopen, one-transaction batches, the
// journal overriding store data in the index, and the block-list / upload-id bookkeeping.
#include "cache/journal.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "cache/key_schema.h"
#include "cache/metadata_index.h"
#include "cache_test_util.h"

namespace azblobfs {
namespace {

using testing::file_record;
using testing::open_env_or_die;
using testing::TempDir;

JournalRecord upload_record(uint64_t content_id, uint64_t size) {
    JournalRecord r;
    r.kind = JournalKind::kUpload;
    r.container = "data";
    r.blob = "f";
    r.content_id = content_id;
    r.size = size;
    r.content_dirty = true;
    r.expect_exists = true;
    r.expect_etag = "\"0x1\"";
    r.underlay_etag = "\"0x1\"";
    r.underlay_size = 7;
    r.metadata = {{"mtime", "2025-01-09T10:11:12.000000001Z"}, {"k", "v"}};
    return r;
}

class JournalTest : public ::testing::Test {
protected:
    void SetUp() override { open(); }
    void open() {
        env_ = open_env_or_die(dir_.path().string());
        ASSERT_NE(env_, nullptr);
        index_ = make_metadata_index(env_);
        journal_ = make_journal(env_);
    }
    void reopen() {
        journal_.reset();
        index_.reset();
        env_.reset();
        open();
    }
    void apply(const JournalBatch& b) {
        auto r = journal_->apply(b);
        ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    }

    TempDir dir_{"azblobfs-journal-test"};
    std::shared_ptr<CacheEnv> env_;
    std::shared_ptr<MetadataIndex> index_;
    std::shared_ptr<Journal> journal_;
};

TEST(JournalCodecTest, RecordsRoundTripAndCorruptionIsAnError) {
    JournalRecord r = upload_record(42, 1000);
    r.modified_ns = -5;
    r.generation = 9;
    std::string value = keys::encode_journal(r, "dir/f");
    auto decoded = keys::decode_journal(value);
    ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
    EXPECT_EQ(decoded->path, "dir/f");
    EXPECT_EQ(decoded->record.content_id, 42u);
    EXPECT_EQ(decoded->record.modified_ns, -5);
    EXPECT_EQ(decoded->record.generation, 9u);
    EXPECT_EQ(decoded->record.metadata, r.metadata);
    EXPECT_TRUE(decoded->record.expect_exists);
    EXPECT_TRUE(decoded->record.content_dirty);
    EXPECT_EQ(decoded->record.underlay_size, 7u);
    EXPECT_FALSE(keys::decode_journal(value.substr(0, value.size() - 1)).is_ok());
    EXPECT_FALSE(keys::decode_journal(value + "x").is_ok());

    r.source_path = "old/f";
    r.source_blob = "old/f";
    r.content_type_set = true;
    decoded = keys::decode_journal(keys::encode_journal(r, "dir/f"));
    ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
    EXPECT_EQ(decoded->record.source_path, "old/f");
    EXPECT_EQ(decoded->record.source_blob, "old/f");
    EXPECT_TRUE(decoded->record.content_type_set);
}

// Format 1 (schema 2) ended before source_path: it still decodes, with no source.
TEST(JournalCodecTest, AFormatOneRecordDecodesWithoutASource) {
    std::string value = keys::encode_journal(upload_record(42, 1000), "dir/f");
    ASSERT_EQ(value.substr(value.size() - 2), std::string(2, '\0'));  // two empty strings
    std::string format_one = "\x01" + value.substr(1, value.size() - 3);
    auto decoded = keys::decode_journal(format_one);
    ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
    EXPECT_EQ(decoded->record.content_id, 42u);
    EXPECT_EQ(decoded->record.source_path, "");
    EXPECT_FALSE(keys::decode_journal("\x03" + value.substr(1)).is_ok());
}

// The sources database lists, for each source path, exactly the records that name it.
TEST_F(JournalTest, DependentsFollowEveryPutAndDropAcrossAReopen) {
    auto with_source = [](const std::string& source) {
        JournalRecord r = upload_record(0, 7);
        r.source_path = source;
        r.source_blob = source;
        return r;
    };
    JournalBatch b;
    b.put_records.emplace_back("b", with_source("a"));
    b.put_records.emplace_back("c", with_source("a"));
    b.put_records.emplace_back("z", with_source("y"));
    apply(b);
    auto deps = [&](const std::string& p) {
        auto d = journal_->dependents(p);
        EXPECT_TRUE(d.is_ok()) << d.status().to_string();
        std::vector<std::string> v = d.is_ok() ? *d : std::vector<std::string>{};
        std::sort(v.begin(), v.end());
        return v;
    };
    EXPECT_EQ(deps("a"), (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(deps("y"), (std::vector<std::string>{"z"}));
    EXPECT_EQ(deps("b"), (std::vector<std::string>{}));

    JournalBatch replace;  // b no longer has a source; z moves to another one
    replace.put_records.emplace_back("b", upload_record(0, 7));
    replace.put_records.emplace_back("z", with_source("x"));
    apply(replace);
    EXPECT_EQ(deps("a"), (std::vector<std::string>{"c"}));
    EXPECT_EQ(deps("y"), (std::vector<std::string>{}));
    EXPECT_EQ(deps("x"), (std::vector<std::string>{"z"}));
    reopen();
    EXPECT_EQ(deps("a"), (std::vector<std::string>{"c"}));
    JournalBatch drop;
    drop.drop_records = {"c", "z"};
    apply(drop);
    EXPECT_EQ(deps("a"), (std::vector<std::string>{}));
    EXPECT_EQ(deps("x"), (std::vector<std::string>{}));
}

TEST_F(JournalTest, UnfinishedDirectoryRenamesSurviveAReopenUntilEnded) {
    using Renames = std::vector<std::pair<std::string, std::string>>;
    JournalBatch begin;
    begin.begin_dir_renames = {{"data/a", "data/b"}, {"data/x y", "data/z"}};
    apply(begin);
    reopen();
    auto left = journal_->dir_renames();
    ASSERT_TRUE(left.is_ok()) << left.status().to_string();
    EXPECT_EQ(*left, (Renames{{"data/a", "data/b"}, {"data/x y", "data/z"}}));

    JournalBatch end;
    end.end_dir_renames = {"data/a"};
    apply(end);
    reopen();
    left = journal_->dir_renames();
    ASSERT_TRUE(left.is_ok());
    EXPECT_EQ(*left, (Renames{{"data/x y", "data/z"}}));
    end.end_dir_renames = {"data/x y"};
    apply(end);
    left = journal_->dir_renames();
    ASSERT_TRUE(left.is_ok());
    EXPECT_TRUE(left->empty());
}

TEST_F(JournalTest, RecordsAndDirtyBlocksSurviveAReopen) {
    JournalBatch b;
    b.put_records.emplace_back("f", upload_record(5, 300000));
    b.put_blocks.push_back({5, 0, std::string(1000, 'a')});
    b.put_blocks.push_back({5, 1, std::string(37872, 'b')});
    apply(b);
    EXPECT_EQ(journal_->stats().records, 1u);
    EXPECT_EQ(journal_->stats().dirty_bytes, 1000u + 37872u);
    reopen();
    EXPECT_EQ(journal_->stats().records, 1u);
    EXPECT_EQ(journal_->stats().dirty_bytes, 1000u + 37872u);
    auto rec = journal_->get("f");
    ASSERT_TRUE(rec.is_ok() && rec->has_value());
    EXPECT_EQ((*rec)->size, 300000u);
    auto block = journal_->block(5, 1);
    ASSERT_TRUE(block.is_ok() && block->has_value());
    EXPECT_EQ(**block, std::string(37872, 'b'));
    auto indices = journal_->block_indices(5);
    ASSERT_TRUE(indices.is_ok());
    EXPECT_EQ(*indices, (std::vector<uint64_t>{0, 1}));
}

TEST_F(JournalTest, DroppingARecordDropsItsBlocksUnlessARenameKeepsThem) {
    JournalBatch b;
    b.put_records.emplace_back("a", upload_record(7, 10));
    b.put_blocks.push_back({7, 0, "0123456789"});
    apply(b);
    JournalBatch rename;
    rename.drop_records = {"a"};
    rename.put_records.emplace_back("b", upload_record(7, 10));
    apply(rename);
    EXPECT_TRUE(journal_->block(7, 0)->has_value());
    EXPECT_FALSE(journal_->get("a")->has_value());
    JournalBatch drop;
    drop.drop_records = {"b"};
    apply(drop);
    EXPECT_FALSE(journal_->block(7, 0)->has_value());
    EXPECT_EQ(journal_->stats().dirty_bytes, 0u);
    EXPECT_EQ(journal_->stats().records, 0u);
}

TEST_F(JournalTest, TrimDropsBlocksFromAnIndexOn) {
    JournalBatch b;
    b.put_records.emplace_back("f", upload_record(3, 10));
    for (uint64_t i = 0; i < 4; ++i) b.put_blocks.push_back({3, i, "xy"});
    apply(b);
    JournalBatch trim;
    trim.trim_blocks.emplace_back(3, 2);
    apply(trim);
    EXPECT_EQ(*journal_->block_indices(3), (std::vector<uint64_t>{0, 1}));
    EXPECT_EQ(journal_->stats().dirty_bytes, 4u);
}

TEST_F(JournalTest, TheJournalOverridesStoreDataInTheIndex) {
    ASSERT_TRUE(index_->replace_listing("", {{"old", file_record(1, "e1")}, {"gone", file_record(2, "e2")}}, 100).is_ok());
    EntryRecord local = file_record(99, "e99");
    local.etag = "local";
    JournalBatch b;
    b.put_records.emplace_back("new", upload_record(11, 99));
    b.put_entries.emplace_back("new", local);
    JournalRecord del = upload_record(0, 0);
    del.kind = JournalKind::kDelete;
    b.put_records.emplace_back("gone", del);
    b.remove_entries.push_back("gone");
    apply(b);
    auto listed = index_->listing("");
    ASSERT_TRUE(listed.is_ok() && listed->has_value());
    ASSERT_EQ((*listed)->children.size(), 2u);  // "new" got a row in the listed root
    EXPECT_EQ((*listed)->children[0].name, "new");

    // The store's listing knows neither the new file nor that "gone" was deleted locally.
    ASSERT_TRUE(index_->replace_listing("", {{"old", file_record(1, "e1")}, {"gone", file_record(2, "e2")}}, 200).is_ok());
    listed = index_->listing("");
    std::vector<std::string> names;
    for (const auto& c : (*listed)->children) names.push_back(c.name);
    EXPECT_EQ(names, (std::vector<std::string>{"new", "old"}));
    EXPECT_EQ(index_->get("new")->value().etag, "local");

    // Store data never replaces a journaled entry, nor resurrects a deleted one.
    EntryRecord remote = file_record(5, "e5");
    remote.etag = "remote";
    EXPECT_EQ(index_->put("new", remote)->etag, "local");
    EXPECT_EQ(index_->put("gone", remote).status().code(), Code::kNotFound);
    EXPECT_EQ(*index_->remove("new"), 0u);
    EXPECT_TRUE(index_->get("new")->has_value());
}

TEST_F(JournalTest, UploadIdsAreUniqueFixedLengthAndCommittedBlocksPersist) {
    auto a = journal_->new_upload_id();
    auto b = journal_->new_upload_id();
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    EXPECT_EQ(a->size(), 32u);
    EXPECT_EQ(b->size(), 32u);
    EXPECT_NE(*a, *b);
    EXPECT_EQ(a->substr(0, 16), b->substr(0, 16));  // the cache's instance id
    ASSERT_TRUE(journal_->put_committed_blocks("f", CommittedBlocks{"e1", 600000, {"x", "y", "z"}}).is_ok());
    reopen();
    auto c = journal_->new_upload_id();
    EXPECT_NE(*c, *a);
    EXPECT_NE(*c, *b);
    auto blocks = journal_->committed_blocks("f");
    ASSERT_TRUE(blocks.is_ok() && blocks->has_value());
    EXPECT_EQ((*blocks)->etag, "e1");
    EXPECT_EQ((*blocks)->ids.size(), 3u);
    ASSERT_TRUE(journal_->put_committed_blocks("f", CommittedBlocks{}).is_ok());
    EXPECT_FALSE(journal_->committed_blocks("f")->has_value());
}

}  // namespace
}  // namespace azblobfs
