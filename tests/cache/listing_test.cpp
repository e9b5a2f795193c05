// MetadataIndex listings: replace_listing semantics, subtree removal, persistence, atomicity.
#include <gtest/gtest.h>

#include <algorithm>

#include "cache/metadata_index.h"
#include "cache_test_util.h"

namespace azblobfs {
namespace {

using testing::dir_record;
using testing::file_record;
using testing::open_env_or_die;
using testing::TempDir;
using Children = std::vector<std::pair<std::string, EntryRecord>>;

class ListingTest : public ::testing::Test {
protected:
    void SetUp() override { open(); }
    void open(uint64_t map_size = 64 * testing::kMiB) {
        env_ = open_env_or_die(dir_.path().string(), map_size);
        ASSERT_NE(env_, nullptr);
        index_ = make_metadata_index(env_);
    }
    void reopen(uint64_t map_size = 64 * testing::kMiB) {
        index_.reset();
        env_.reset();
        open(map_size);
    }
    std::vector<uint64_t> replace(const std::string& dir, const Children& children,
                                  int64_t at = 100) {
        auto removed = index_->replace_listing(dir, children, at);
        EXPECT_TRUE(removed.is_ok()) << removed.status().to_string();
        return removed.is_ok() ? *removed : std::vector<uint64_t>{};
    }
    std::vector<std::string> names(const std::string& dir) {
        auto listing = index_->listing(dir);
        EXPECT_TRUE(listing.is_ok() && listing->has_value()) << dir;
        std::vector<std::string> out;
        if (listing.is_ok() && listing->has_value()) {
            for (const auto& c : (*listing)->children) out.push_back(c.name);
        }
        return out;
    }
    uint64_t id_of(const std::string& path) {
        auto rec = index_->get(path);
        EXPECT_TRUE(rec.is_ok() && rec->has_value()) << path;
        return rec.is_ok() && rec->has_value() ? (*rec)->file_id : 0;
    }
    bool has(const std::string& path) {
        auto rec = index_->get(path);
        EXPECT_TRUE(rec.is_ok());
        return rec.is_ok() && rec->has_value();
    }

    TempDir dir_{"azb-listing"};
    std::shared_ptr<CacheEnv> env_;
    std::unique_ptr<MetadataIndex> index_;
};

TEST_F(ListingTest, UnlistedDirectoryHasNoListing) {
    auto listing = index_->listing("never");
    ASSERT_TRUE(listing.is_ok());
    EXPECT_FALSE(listing->has_value());
    index_->put("known", dir_record());
    listing = index_->listing("known");
    ASSERT_TRUE(listing.is_ok());
    EXPECT_FALSE(listing->has_value());
}

TEST_F(ListingTest, ListedNameAnswersOneNameWithTheListingsTime) {
    auto none = index_->listed_name("d", "a");
    ASSERT_TRUE(none.is_ok());
    EXPECT_FALSE(none->has_value()) << "no listing, no answer";
    replace("d", {{"a", file_record(1, "a")}, {"b", dir_record()}}, 42);
    for (const auto& [name, want] : std::vector<std::pair<std::string, bool>>{
             {"a", true}, {"b", true}, {"c", false}, {"", false}, {std::string(600, 'x'), false}}) {
        auto got = index_->listed_name("d", name);
        ASSERT_TRUE(got.is_ok() && got->has_value()) << name.size();
        EXPECT_EQ((*got)->listed, want) << name.substr(0, 8);
        EXPECT_EQ((*got)->validated_at_ns, 42);
    }
    replace("", {{"top", file_record(1, "t")}}, 7);
    auto root = index_->listed_name("", "top");
    ASSERT_TRUE(root.is_ok() && root->has_value());
    EXPECT_TRUE((*root)->listed);
}

TEST_F(ListingTest, ListingPageReadsTheNamesAfterAGivenOneAtMostMax) {
    replace("d", {{"a", file_record(1, "a")}, {"b", dir_record()}, {"c", file_record(1, "c")},
                  {"d", file_record(1, "d")}}, 9);
    auto page = [&](const std::string& after, size_t max) {
        std::vector<std::string> out;
        auto got = index_->listing_page("d", after, max);
        EXPECT_TRUE(got.is_ok() && got->has_value());
        if (got.is_ok() && got->has_value()) {
            EXPECT_EQ((*got)->validated_at_ns, 9);
            for (const auto& c : (*got)->children) out.push_back(c.name);
        }
        return out;
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(page("", 2), (V{"a", "b"}));
    EXPECT_EQ(page("b", 2), (V{"c", "d"}));
    EXPECT_EQ(page("bb", 10), (V{"c", "d"})) << "a name that is not listed continues after it";
    EXPECT_EQ(page("d", 10), V{});
    auto none = index_->listing_page("nowhere", "", 10);
    ASSERT_TRUE(none.is_ok());
    EXPECT_FALSE(none->has_value());
}

TEST_F(ListingTest, ReplaceListingStoresChildrenInNameOrderWithTypesAndRecords) {
    replace("",
            {{"zeta", file_record(3, "z")}, {"alpha", dir_record()}, {"mid", file_record(1, "m")}},
            777);
    auto listing = index_->listing("");
    ASSERT_TRUE(listing.is_ok() && listing->has_value());
    const DirListing& l = **listing;
    EXPECT_EQ(l.validated_at_ns, 777);
    ASSERT_EQ(l.children.size(), 3u);
    EXPECT_EQ(l.children[0].name, "alpha");
    EXPECT_EQ(l.children[0].type, EntryType::kDirectory);
    EXPECT_EQ(l.children[1].name, "mid");
    EXPECT_EQ(l.children[2].name, "zeta");
    EXPECT_EQ(l.children[2].type, EntryType::kFile);
    auto zeta = index_->get("zeta");
    ASSERT_TRUE(zeta.is_ok() && zeta->has_value());
    EXPECT_EQ((*zeta)->etag, "z");
    EXPECT_EQ((*zeta)->size, 3u);
}

TEST_F(ListingTest, ReplaceRemovesVanishedChildrenWithDescendantsAndReturnsTheirIds) {
    replace("d", {{"a", file_record(1, "a")}, {"b", dir_record()}, {"c", file_record(1, "c1")}});
    replace("d/b", {{"x", dir_record()}, {"y", file_record(1, "y")}});
    replace("d/b/x", {{"leaf", file_record(1, "leaf")}});
    index_->put("d/b/looked-up-only", file_record(1, "l"));
    index_->put("d/bb", file_record(1, "not a descendant of d/b"));
    const std::vector<uint64_t> doomed = {id_of("d/b"), id_of("d/b/x"), id_of("d/b/y"),
                                          id_of("d/b/x/leaf"), id_of("d/b/looked-up-only")};
    const uint64_t c_id = id_of("d/c");
    const uint64_t a_id = id_of("d/a");

    auto removed = replace(
        "d", {{"a", file_record(1, "a")}, {"c", file_record(2, "c2")}, {"e", file_record(1, "e")}});
    std::sort(removed.begin(), removed.end());
    std::vector<uint64_t> expected = doomed;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(removed, expected);

    EXPECT_EQ(names("d"), (std::vector<std::string>{"a", "c", "e"}));
    for (const char* gone : {"d/b", "d/b/x", "d/b/y", "d/b/x/leaf", "d/b/looked-up-only"}) {
        EXPECT_FALSE(has(gone)) << gone;
    }
    EXPECT_FALSE(index_->listing("d/b")->has_value());
    EXPECT_FALSE(index_->listing("d/b/x")->has_value());
    EXPECT_TRUE(has("d/bb"));
    EXPECT_EQ(id_of("d/c"), c_id);  // kept child keeps its id, takes the new record
    EXPECT_EQ(id_of("d/a"), a_id);
    EXPECT_EQ((*index_->get("d/c"))->etag, "c2");
    EXPECT_NE(id_of("d/e"), 0u);
}

TEST_F(ListingTest, EmptyReplacementEmptiesTheListingButKeepsIt) {
    replace("d", {{"a", file_record(1, "a")}});
    auto removed = replace("d", {}, 5);
    ASSERT_EQ(removed.size(), 1u);
    auto listing = index_->listing("d");
    ASSERT_TRUE(listing.is_ok() && listing->has_value());
    EXPECT_TRUE((*listing)->children.empty());
    EXPECT_EQ((*listing)->validated_at_ns, 5);
}

TEST_F(ListingTest, DirectoryTurnedFileLosesItsSubtree) {
    replace("", {{"p", dir_record()}});
    replace("p", {{"q", file_record(1, "q")}});
    const uint64_t p_id = id_of("p");
    const uint64_t q_id = id_of("p/q");
    auto removed = replace("", {{"p", file_record(9, "now a file")}});
    EXPECT_EQ(removed, std::vector<uint64_t>{q_id});
    EXPECT_EQ(id_of("p"), p_id);
    EXPECT_FALSE(has("p/q"));
    EXPECT_FALSE(index_->listing("p")->has_value());
}

TEST_F(ListingTest, ListingsAndEntriesSurviveCloseAndReopen) {
    replace("", {{"c", dir_record()}}, 1);
    replace("c", {{"f1", file_record(10, "e1")}, {"sub", dir_record()}}, 2);
    replace("c/sub", {{"f2", file_record(20, "e2")}}, 3);
    const uint64_t f1 = id_of("c/f1");
    ASSERT_TRUE(env_->sync().is_ok());
    reopen();
    EXPECT_EQ(names(""), std::vector<std::string>{"c"});
    EXPECT_EQ(names("c"), (std::vector<std::string>{"f1", "sub"}));
    EXPECT_EQ(names("c/sub"), std::vector<std::string>{"f2"});
    EXPECT_EQ((*index_->listing("c/sub"))->validated_at_ns, 3);
    EXPECT_EQ(id_of("c/f1"), f1);
    EXPECT_EQ((*index_->get("c/sub/f2"))->size, 20u);
}

TEST_F(ListingTest, DeepDirectoriesBeyondTheKeyLimitListAndRemove) {
    const std::string deep = testing::long_path("c", 4000, 'k');
    replace(deep, {{"x", dir_record()}, {"y", file_record(1, "y")}});
    replace(deep + "/x", {{"z", file_record(1, "z")}});
    const std::string twin = deep.substr(0, 3000) + "-twin";  // shares the hashed key prefix
    index_->put(twin, file_record(1, "twin"));
    EXPECT_EQ(names(deep), (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(names(deep + "/x"), std::vector<std::string>{"z"});
    auto removed = replace(deep, {{"y", file_record(1, "y")}});
    EXPECT_EQ(removed.size(), 2u);  // x and x/z
    EXPECT_FALSE(has(deep + "/x/z"));
    EXPECT_TRUE(has(deep + "/y"));
    EXPECT_TRUE(has(twin));
}

TEST_F(ListingTest, InvalidChildNamesAreRejectedAndChangeNothing) {
    replace("d", {{"a", file_record(1, "a")}});
    for (const std::string& bad :
         std::vector<std::string>{"", "has/slash", std::string(600, 'n')}) {
        auto r = index_->replace_listing(
            "d", {{"b", file_record(1, "b")}, {bad, file_record(1, "x")}}, 9);
        ASSERT_FALSE(r.is_ok());
        EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    }
    EXPECT_EQ(names("d"), std::vector<std::string>{"a"});
    EXPECT_FALSE(has("d/b"));
}

TEST_F(ListingTest, AFailedReplacementLeavesTheOldListingWhole) {
    reopen(1 * testing::kMiB);
    replace("d", {{"old", file_record(1, "old")}}, 1);
    Children huge;
    EntryRecord fat = file_record(1, "fat");
    fat.metadata["blob"] = std::string(2000, 'm');
    for (int i = 0; i < 2000; ++i) huge.emplace_back("n" + std::to_string(i), fat);
    auto r = index_->replace_listing("d", huge, 2);
    ASSERT_FALSE(r.is_ok()) << "4 MB of records cannot fit a 1 MiB map";
    EXPECT_EQ(r.status().code(), Code::kNoSpace);
    EXPECT_EQ(names("d"), std::vector<std::string>{"old"});
    EXPECT_EQ((*index_->listing("d"))->validated_at_ns, 1);
    EXPECT_FALSE(has("d/n0"));
}

}  // namespace
}  // namespace azblobfs
