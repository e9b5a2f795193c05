// MetadataIndex entries: round trips, file ids, long paths, removal, persistence.
#include "cache/metadata_index.h"

#include <gtest/gtest.h>

#include <set>

#include "cache_test_util.h"

namespace azblobfs {
namespace {

using testing::file_record;
using testing::long_path;
using testing::open_env_or_die;
using testing::TempDir;

class MetadataIndexTest : public ::testing::Test {
protected:
    void SetUp() override { open(); }
    void open() {
        env_ = open_env_or_die(dir_.path().string());
        ASSERT_NE(env_, nullptr);
        index_ = make_metadata_index(env_);
    }
    void reopen() {
        index_.reset();
        env_.reset();
        open();
    }
    EntryRecord put(const std::string& path, EntryRecord rec) {
        auto stored = index_->put(path, std::move(rec));
        EXPECT_TRUE(stored.is_ok()) << stored.status().to_string();
        return stored.is_ok() ? *stored : EntryRecord{};
    }
    std::optional<EntryRecord> get(const std::string& path) {
        auto rec = index_->get(path);
        EXPECT_TRUE(rec.is_ok()) << rec.status().to_string();
        return rec.is_ok() ? *rec : std::nullopt;
    }

    bool removed(const std::string& path, const std::string& etag, int64_t before_ns = INT64_MAX) {
        auto r = index_->remove_if_unchanged(path, etag, before_ns);
        EXPECT_TRUE(r.is_ok()) << r.status().to_string();
        return r.is_ok() && *r;
    }

    TempDir dir_{"azb-index"};
    std::shared_ptr<CacheEnv> env_;
    std::unique_ptr<MetadataIndex> index_;
};

TEST_F(MetadataIndexTest, UnknownPathIsAbsentNotAnError) {
    EXPECT_EQ(get("nothing/here"), std::nullopt);
    auto removed = index_->remove("nothing/here");
    ASSERT_TRUE(removed.is_ok());
    EXPECT_EQ(*removed, 0u);
}

TEST_F(MetadataIndexTest, EntryRoundTripsEveryFieldWithUnicode) {
    EntryRecord rec = file_record(42, "\"0x8DD\"");
    rec.type = EntryType::kSymlink;
    rec.metadata = {{"mtime", "2025-01-09T10:00:00.000000001Z"}, {"owner", "Ünïcødé ✓ 名前"}};
    rec.has_marker = true;
    const std::string path = "digital-twins/2025/01/09/zoë-😀.md";
    EntryRecord stored = put(path, rec);
    ASSERT_NE(stored.file_id, 0u);
    auto back = get(path);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->type, EntryType::kSymlink);
    EXPECT_EQ(back->size, 42u);
    EXPECT_EQ(back->mtime_ns, rec.mtime_ns);
    EXPECT_EQ(back->ctime_ns, rec.ctime_ns);
    EXPECT_EQ(back->etag, "\"0x8DD\"");
    EXPECT_EQ(back->content_type, "text/markdown");
    EXPECT_EQ(back->tier, "Hot");
    EXPECT_EQ(back->metadata, rec.metadata);
    EXPECT_TRUE(back->has_marker);
    EXPECT_EQ(back->file_id, stored.file_id);
    EXPECT_EQ(back->validated_at_ns, rec.validated_at_ns);
}

TEST_F(MetadataIndexTest, FileIdIsAssignedOnceAndKeptAcrossPutsAndReopen) {
    uint64_t id = put("c/a.md", file_record(1, "e1")).file_id;
    ASSERT_NE(id, 0u);
    EXPECT_EQ(put("c/a.md", file_record(2, "e2")).file_id, id);
    EntryRecord other_id = file_record(3, "e3");
    other_id.file_id = id + 100;
    EXPECT_EQ(put("c/a.md", other_id).file_id, id);  // the stored id wins
    reopen();
    auto back = get("c/a.md");
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->file_id, id);
    EXPECT_EQ(back->etag, "e3");
    uint64_t b = put("c/b.md", file_record(1, "x")).file_id;
    EXPECT_NE(b, id);
    // Ids are never reused: a removed path comes back with a new id, also after a reopen.
    ASSERT_EQ(*index_->remove("c/a.md"), id);
    reopen();
    uint64_t again = put("c/a.md", file_record(1, "e4")).file_id;
    EXPECT_NE(again, id);
    EXPECT_GT(again, b);
}

TEST_F(MetadataIndexTest, CallerSuppliedIdIsKeptAndNeverHandedOutAgain) {
    EntryRecord rec = file_record(1, "e");
    rec.file_id = 5000;
    EXPECT_EQ(put("moved", rec).file_id, 5000u);
    EXPECT_GT(put("fresh", file_record(1, "f")).file_id, 5000u);
}

TEST_F(MetadataIndexTest, LongPathsRoundTripAndDoNotCollide) {
    const std::string p3000 = long_path("c", 3000, 'a');
    const std::string p4096 = long_path("c", 4096, 'a');
    const std::string sibling = p3000.substr(0, 500) + long_path("", 2500, 'z');
    ASSERT_EQ(p3000.substr(0, 500), p4096.substr(0, 500));
    ASSERT_EQ(sibling.substr(0, 500), p3000.substr(0, 500));
    std::set<uint64_t> ids;
    ids.insert(put(p3000, file_record(3000, "e3000")).file_id);
    ids.insert(put(p4096, file_record(4096, "e4096")).file_id);
    ids.insert(put(sibling, file_record(2, "esib")).file_id);
    EXPECT_EQ(ids.size(), 3u);
    reopen();
    EXPECT_EQ(get(p3000)->etag, "e3000");
    EXPECT_EQ(get(p4096)->etag, "e4096");
    EXPECT_EQ(get(sibling)->etag, "esib");
    EXPECT_EQ(get(p3000.substr(0, 2999)), std::nullopt);
    ASSERT_TRUE(index_->remove(p3000).is_ok());
    EXPECT_EQ(get(p3000), std::nullopt);
    EXPECT_EQ(get(p4096)->etag, "e4096");
    EXPECT_EQ(get(sibling)->etag, "esib");
}

TEST_F(MetadataIndexTest, FilesWithPrefixFindsShortAndHashedPathsAndRemoveIfUnchangedChecksTheETag) {
    const std::string deep = long_path("c/m", 3000, 'a');  // a hashed key
    put("c/m/a.json", file_record(1, "ea"));
    put("c/m/b.json", file_record(1, "eb"));
    put(deep, file_record(1, "ed"));
    put("c/n/x.json", file_record(1, "ex"));
    put("c/mm.json", file_record(1, "emm"));
    EntryRecord dir;
    dir.type = EntryType::kDirectory;
    put("c/m/sub", dir);
    auto found = index_->files_with_prefix("c/m/");
    ASSERT_TRUE(found.is_ok());
    std::set<std::pair<std::string, std::string>> got(found->begin(), found->end());
    EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{{"c/m/a.json", "ea"}, {"c/m/b.json", "eb"}, {deep, "ed"}}))
        << "files only, hashed keys by their stored path, nothing outside the prefix";
    EXPECT_EQ(removed("c/m/a.json", "other"), false) << "a newer version stays";
    EXPECT_EQ(removed("c/m/a.json", "ea", 0), false) << "validated since the crawl began: stays";
    EXPECT_EQ(removed("c/m/sub", ""), false) << "directories stay";
    EXPECT_EQ(removed("c/m/a.json", "ea"), true);
    EXPECT_EQ(removed(deep, "ed"), true);
    EXPECT_EQ(get("c/m/a.json"), std::nullopt);
    EXPECT_EQ(get(deep), std::nullopt);
    EXPECT_EQ(get("c/m/b.json")->etag, "eb");
}

TEST_F(MetadataIndexTest, RemoveTakesTheDirectoryListingDescendantsAndParentRow) {
    put("top", testing::dir_record());
    ASSERT_TRUE(
        index_
            ->replace_listing("top", {{"d", testing::dir_record()}, {"f", file_record(1, "f")}}, 10)
            .is_ok());
    ASSERT_TRUE(index_->replace_listing("top/d", {{"x", file_record(1, "x")}}, 11).is_ok());
    put("top/d/unlisted/deep", file_record(1, "deep"));
    auto removed = index_->remove("top/d");
    ASSERT_TRUE(removed.is_ok());
    EXPECT_NE(*removed, 0u);
    EXPECT_EQ(get("top/d"), std::nullopt);
    EXPECT_EQ(get("top/d/x"), std::nullopt);
    EXPECT_EQ(get("top/d/unlisted/deep"), std::nullopt);
    EXPECT_EQ(*index_->listing("top/d"), std::nullopt);
    auto parent = index_->listing("top");
    ASSERT_TRUE(parent.is_ok() && parent->has_value());
    ASSERT_EQ((*parent)->children.size(), 1u);
    EXPECT_EQ((*parent)->children[0].name, "f");
    EXPECT_TRUE(get("top/f").has_value());
}

TEST_F(MetadataIndexTest, RemovingAFileKeepsLookalikeSiblings) {
    put("a/b", file_record(1, "b"));
    put("a/b2", file_record(1, "b2"));
    put("a/b/c", file_record(1, "c"));  // a blob under a name that is also a file
    ASSERT_TRUE(index_->remove("a/b").is_ok());
    EXPECT_TRUE(get("a/b2").has_value());
    EXPECT_TRUE(get("a/b/c").has_value());  // only directories take their subtree with them
}

TEST_F(MetadataIndexTest, StatsCountEntriesAndListedDirectories) {
    ASSERT_TRUE(
        index_
            ->replace_listing("", {{"c1", testing::dir_record()}, {"c2", testing::dir_record()}}, 1)
            .is_ok());
    ASSERT_TRUE(index_->replace_listing("c1", {{"f", file_record(1, "f")}}, 1).is_ok());
    auto stats = index_->stats();
    ASSERT_TRUE(stats.is_ok()) << stats.status().to_string();
    EXPECT_EQ(stats->entries, 4u);  // root, c1, c2, c1/f
    EXPECT_EQ(stats->listed_dirs, 2u);
}

TEST_F(MetadataIndexTest, ListedDirectoryCountFollowsRelistsRemovalsAndReopen) {
    ASSERT_TRUE(
        index_
            ->replace_listing("", {{"c1", testing::dir_record()}, {"c2", testing::dir_record()}}, 1)
            .is_ok());
    ASSERT_TRUE(index_->replace_listing("c1", {{"d", testing::dir_record()}}, 1).is_ok());
    ASSERT_TRUE(index_->replace_listing("c1/d", {{"f", file_record(1, "f")}}, 1).is_ok());
    ASSERT_TRUE(index_->replace_listing("c1", {{"d", testing::dir_record()}}, 2).is_ok());  // relist
    EXPECT_EQ(index_->stats()->listed_dirs, 3u) << "a relisted directory counts once";
    // Removing c1 takes its listing and its listed descendant c1/d with it.
    ASSERT_TRUE(index_->remove("c1").is_ok());
    EXPECT_EQ(index_->stats()->listed_dirs, 1u);
    ASSERT_TRUE(index_->replace_listing("", {{"c2", testing::dir_record()}}, 3).is_ok());
    EXPECT_EQ(index_->stats()->listed_dirs, 1u);
    reopen();
    EXPECT_EQ(index_->stats()->listed_dirs, 1u) << "the count is stored with the index";
}

TEST(MetadataIndexWithoutEnv, ReportsAnErrorInsteadOfCrashing) {
    auto index = make_metadata_index(nullptr);
    auto rec = index->get("x");
    ASSERT_FALSE(rec.is_ok());
    EXPECT_EQ(rec.status().code(), Code::kInternal);
}

}  // namespace
}  // namespace azblobfs
