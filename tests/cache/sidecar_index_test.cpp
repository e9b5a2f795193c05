// The sidecar index over a real LMDB: rows follow entries in the same transaction, pending
// sidecars, bad sidecars, removal of subtrees, persistence, and the query answers.
#include "cache/sidecar_index.h"

#include <gtest/gtest.h>

#include "cache/metadata_index.h"
#include "cache_test_util.h"

namespace azblobfs {
namespace {

using testing::open_env_or_die;
using testing::TempDir;

const std::string kSidecar = "digital-twins/metadata/lead-1.json";
const std::string kTwin = "digital-twins/2025/01/09/lead-1.md";

EntryRecord file(uint64_t size, const std::string& etag, Metadata metadata = {}) {
    EntryRecord r;
    r.type = EntryType::kFile;
    r.size = size;
    r.etag = etag;
    r.ctime_ns = 1700000000LL * 1000000000LL;
    r.content_type = "application/json";
    r.metadata = std::move(metadata);
    return r;
}

class SidecarIndexTest : public ::testing::Test {
protected:
    void SetUp() override { open(); }
    void open() {
        env_ = open_env_or_die(dir_.path().string());
        ASSERT_NE(env_, nullptr);
        entries_ = make_metadata_index(env_);
        index_ = make_sidecar_index(env_);
    }
    void reopen() {
        index_.reset();
        entries_.reset();
        env_.reset();
        open();
    }
    void put(const std::string& path, EntryRecord r) {
        auto st = entries_->put(path, std::move(r));
        ASSERT_TRUE(st.is_ok()) << st.status().to_string();
    }
    std::vector<std::string> query(const std::string& text) {
        auto parsed = index::parse_query(text);
        if (auto* err = std::get_if<index::QueryError>(&parsed)) {
            ADD_FAILURE() << "query " << text << ": " << err->message;
            return {};
        }
        auto got = index_->query(std::get<index::Query>(parsed));
        EXPECT_TRUE(got.is_ok()) << got.status().to_string();
        std::vector<std::string> paths;
        if (got.is_ok()) {
            for (const auto& m : *got) paths.push_back(m.path);
        }
        return paths;
    }
    SidecarIndexStats stats() {
        auto s = index_->stats();
        EXPECT_TRUE(s.is_ok()) << s.status().to_string();
        return s.is_ok() ? *s : SidecarIndexStats{};
    }
    // Reads every pending sidecar from `contents` (path -> bytes), as the refresher does.
    void read_pending(const std::map<std::string, std::string>& contents) {
        auto pending = index_->pending(100);
        ASSERT_TRUE(pending.is_ok());
        for (const auto& p : *pending) {
            auto it = contents.find(p.path);
            ASSERT_NE(it, contents.end()) << p.path;
            ASSERT_TRUE(index_->store_read(p, p.etag, index::flatten_sidecar(it->second, 1 << 20)).is_ok());
        }
    }

    TempDir dir_;
    std::shared_ptr<CacheEnv> env_;
    std::shared_ptr<MetadataIndex> entries_;
    std::shared_ptr<SidecarIndex> index_;
};

TEST_F(SidecarIndexTest, BlobMetadataAndPropertiesAreIndexedWithTheEntry) {
    put("persona-images/lead-1/full.png", file(2048, "\"e1\"", {{"classification", "hot"}}));
    put("persona-images/lead-2/full.png", file(10, "\"e2\"", {{"classification", "cold"}}));
    EXPECT_EQ(query("meta.classification = hot"), std::vector<std::string>{"persona-images/lead-1/full.png"});
    EXPECT_EQ(query("sys.size > 100"), std::vector<std::string>{"persona-images/lead-1/full.png"});
    EXPECT_EQ(query("sys.content_type = 'application/json'").size(), 2u);
    EXPECT_EQ(query("sys.last_modified = 1700000000").size(), 2u);
    // A rewrite of the entry replaces its rows: the old value no longer matches.
    put("persona-images/lead-1/full.png", file(2048, "\"e3\"", {{"classification", "warm"}}));
    EXPECT_TRUE(query("meta.classification = hot").empty());
    EXPECT_EQ(query("meta.classification = warm"), std::vector<std::string>{"persona-images/lead-1/full.png"});
}

TEST_F(SidecarIndexTest, ASidecarIsPendingUntilReadThenAnswersItsFields) {
    put(kSidecar, file(100, "\"v1\""));
    EXPECT_EQ(stats().sidecars_pending, 1u);
    EXPECT_TRUE(query("income >= 100000").empty());
    read_pending({{kSidecar, R"({"income": 120000, "classification": "hot", "search_tags": ["a", "b"],
                                "address": {"city": "Oslo"}, "vip": true})"}});
    EXPECT_EQ(stats().sidecars_pending, 0u);
    EXPECT_EQ(stats().sidecars_indexed, 1u);
    EXPECT_EQ(query("classification = hot and income >= 100000"), std::vector<std::string>{kSidecar});
    EXPECT_EQ(query("search_tags = b"), std::vector<std::string>{kSidecar});
    EXPECT_EQ(query("address.city = Oslo"), std::vector<std::string>{kSidecar});
    EXPECT_EQ(query("vip = true"), std::vector<std::string>{kSidecar});
    EXPECT_TRUE(query("income < 100000").empty());
}

TEST_F(SidecarIndexTest, ANewETagQueuesTheSidecarAgainAndTheNewContentReplacesTheOld) {
    put(kSidecar, file(100, "\"v1\""));
    read_pending({{kSidecar, R"({"income": 120000})"}});
    put(kSidecar, file(100, "\"v2\""));
    EXPECT_EQ(stats().sidecars_pending, 1u);
    EXPECT_EQ(query("income = 120000"), std::vector<std::string>{kSidecar}) << "old fields answer until re-read";
    read_pending({{kSidecar, R"({"income": 50000})"}});
    EXPECT_TRUE(query("income = 120000").empty());
    EXPECT_EQ(query("income = 50000"), std::vector<std::string>{kSidecar});
    // The same ETag again (a listing that saw nothing new) queues nothing.
    put(kSidecar, file(100, "\"v2\""));
    EXPECT_EQ(stats().sidecars_pending, 0u);
}

TEST_F(SidecarIndexTest, AReadOfAVersionTheEntryNoLongerHasIsNotStored) {
    put(kSidecar, file(100, "\"v1\""));
    auto pending = index_->pending(10);
    ASSERT_TRUE(pending.is_ok());
    ASSERT_EQ(pending->size(), 1u);
    put(kSidecar, file(100, "\"v2\""));  // changed while the GET was in flight
    ASSERT_TRUE(index_->store_read((*pending)[0], "\"v1\"", index::flatten_sidecar(R"({"income": 1})", 1 << 20)).is_ok());
    EXPECT_TRUE(query("income = 1").empty());
    EXPECT_EQ(stats().sidecars_pending, 1u);
}

TEST_F(SidecarIndexTest, RemovingAnEntryOrItsDirectoryRemovesEveryRow) {
    put(kSidecar, file(100, "\"v1\"", {{"k", "v"}}));
    put("digital-twins/metadata/lead-2.json", file(100, "\"v2\""));
    read_pending({{kSidecar, R"({"income": 1})"}, {"digital-twins/metadata/lead-2.json", R"({"income": 2})"}});
    ASSERT_TRUE(entries_->remove(kSidecar).is_ok());
    EXPECT_EQ(query("income exists"), std::vector<std::string>{"digital-twins/metadata/lead-2.json"});
    EXPECT_TRUE(query("meta.k = v").empty());
    EntryRecord dir;
    dir.type = EntryType::kDirectory;
    put("digital-twins/metadata", dir);  // a file's parent stored as a directory, then removed
    ASSERT_TRUE(entries_->remove("digital-twins/metadata").is_ok());
    EXPECT_TRUE(query("income exists").empty());
    EXPECT_EQ(stats().files, 0u);
    EXPECT_EQ(stats().field_rows, 0u);
    EXPECT_EQ(stats().sidecars_indexed, 0u);
}

TEST_F(SidecarIndexTest, ContentWrittenThroughTheMountIsIndexedAtOnce) {
    put(kSidecar, file(0, ""));  // a new local file: no ETag yet, nothing to fetch
    EXPECT_EQ(stats().sidecars_pending, 0u);
    ASSERT_TRUE(index_->index_local(kSidecar, index::flatten_sidecar(R"({"classification": "hot"})", 1 << 20)).is_ok());
    EXPECT_EQ(query("classification = hot"), std::vector<std::string>{kSidecar});
}

TEST_F(SidecarIndexTest, BadSidecarsAreSkippedWithAReasonAndCounted) {
    const std::map<std::string, std::string> bad = {
        {"digital-twins/metadata/a.json", "not json at all"},
        {"digital-twins/metadata/b.json", "[1, 2, 3]"},
        {"digital-twins/metadata/c.json", "{\"name\": \"\xff\xfe\"}"},
        {"digital-twins/metadata/d.json", "{\"bad\\u0001name\": 1}"},
        {"digital-twins/metadata/e.json", std::string("{\"x\": \"") + std::string(2 << 20, 'a') + "\"}"},
    };
    for (const auto& [path, bytes] : bad) put(path, file(bytes.size(), "\"" + path + "\""));
    put(kSidecar, file(10, "\"good\""));
    auto contents = bad;
    contents[kSidecar] = R"({"income": 7})";
    read_pending(contents);
    EXPECT_EQ(stats().sidecars_skipped, 5u);
    EXPECT_EQ(stats().sidecars_indexed, 1u);
    auto skipped = index_->skipped();
    ASSERT_TRUE(skipped.is_ok());
    ASSERT_EQ(skipped->size(), 5u);
    std::map<std::string, std::string> reasons(skipped->begin(), skipped->end());
    EXPECT_NE(reasons["digital-twins/metadata/a.json"].find("not JSON"), std::string::npos);
    EXPECT_NE(reasons["digital-twins/metadata/b.json"].find("not a JSON object"), std::string::npos);
    EXPECT_NE(reasons["digital-twins/metadata/c.json"].find("UTF-8"), std::string::npos);
    EXPECT_NE(reasons["digital-twins/metadata/d.json"].find("control character"), std::string::npos);
    EXPECT_NE(reasons["digital-twins/metadata/e.json"].find("over the limit"), std::string::npos);
    EXPECT_EQ(query("income = 7"), std::vector<std::string>{kSidecar}) << "bad sidecars break nothing";
}

TEST_F(SidecarIndexTest, TheIndexSurvivesAReopen) {
    put(kSidecar, file(100, "\"v1\""));
    put(kTwin, file(100, "\"t1\""));
    read_pending({{kSidecar, R"({"income": 120000})"}});
    reopen();
    EXPECT_EQ(query("income >= 100000"), std::vector<std::string>{kSidecar});
    auto lead = index_->equal("v:lead", index::Value::of_string("lead-1"));
    ASSERT_TRUE(lead.is_ok());
    ASSERT_EQ(lead->size(), 2u);
    EXPECT_EQ((*lead)[0].path, kTwin);
    EXPECT_EQ((*lead)[1].path, kSidecar);
}

TEST_F(SidecarIndexTest, FieldsOfAMatchCombineSidecarAndDerivedRows) {
    put(kSidecar, file(100, "\"v1\"", {{"owner", "ops"}}));
    read_pending({{kSidecar, R"({"income": 120000, "tags": ["x", "y"]})"}});
    auto parsed = index::parse_query("income exists");
    ASSERT_TRUE(std::holds_alternative<index::Query>(parsed));
    auto matches = index_->query(std::get<index::Query>(parsed));
    ASSERT_TRUE(matches.is_ok());
    ASSERT_EQ(matches->size(), 1u);
    auto fields = index_->fields((*matches)[0]);
    ASSERT_TRUE(fields.is_ok()) << fields.status().to_string();
    std::multimap<std::string, index::Value> got(fields->begin(), fields->end());
    EXPECT_EQ(got.count("s:income"), 1u);
    EXPECT_EQ(got.count("s:tags"), 2u);
    EXPECT_EQ(got.find("m:owner")->second, index::Value::of_string("ops"));
    EXPECT_EQ(got.find("y:size")->second, index::Value::of_number(100));
    EXPECT_EQ(got.find("v:lead")->second, index::Value::of_string("lead-1"));
}

TEST(IndexRulesTest, ViewTemplatesCaptureTheLeadAndNameTheMatch) {
    auto rules = index::IndexRules::defaults();
    auto twin = rules.view_match("digital-twins/2025/01/09/c82e.md");
    ASSERT_TRUE(twin);
    EXPECT_EQ(twin->lead, "c82e");
    EXPECT_EQ(twin->name, "twin.md");
    auto image = rules.view_match("persona-images/c82e/full.png");
    ASSERT_TRUE(image);
    EXPECT_EQ(image->name, "images/full.png");
    EXPECT_FALSE(rules.view_match("digital-twins/2025/01/c82e.md"));
    EXPECT_FALSE(rules.view_match("persona-images/c82e/deep/full.png"));
    EXPECT_TRUE(rules.is_sidecar("digital-twins/metadata/x.json"));
    EXPECT_FALSE(rules.is_sidecar("digital-twins/metadata/sub/x.json"));
    auto one = rules.for_mount(std::string("digital-twins"));
    EXPECT_TRUE(one.is_sidecar("metadata/x.json"));
    EXPECT_FALSE(one.is_sidecar("digital-twins/metadata/x.json"));
    ASSERT_TRUE(one.view_match("2025/01/09/c82e.md"));
    EXPECT_FALSE(one.view_match("persona-images/c82e/full.png")) << "other containers' templates are dropped";
    auto round = index::IndexRules::from_json(rules.to_json());
    ASSERT_TRUE(round);
    EXPECT_EQ(round->to_json(), rules.to_json());
}

TEST(IndexRulesTest, FlattenIndexesScalarsNestedPathsAndArraysOfScalars) {
    auto out = index::flatten_sidecar(R"({"a": 1.5, "b": "x", "c": false, "d": null,
                                          "e": {"f": {"g": -2}}, "h": [1, "two", [3], {"i": 4}]})", 1 << 20);
    auto* fields = std::get_if<std::vector<index::Field>>(&out);
    ASSERT_NE(fields, nullptr);
    std::vector<index::Field> want = {
        {"s:a", index::Value::of_number(1.5)}, {"s:b", index::Value::of_string("x")},
        {"s:c", index::Value::of_bool(false)}, {"s:e.f.g", index::Value::of_number(-2)},
        {"s:h", index::Value::of_number(1)},   {"s:h", index::Value::of_string("two")}};
    EXPECT_EQ(*fields, want);
}

}  // namespace
}  // namespace azblobfs
