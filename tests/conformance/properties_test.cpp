// Properties: metadata, content type and MD5, copy, tiers, missing blobs, reopening a store.
#include "conformance_fixture.h"

namespace azblobfs::conformance {
namespace {

TEST_P(ConformanceTest, MetadataRoundTrip) {
    PutOptions options;
    options.metadata = {{"owner", "alice"}, {"hdi_isfolder", "true"}};
    std::string v1 = put("meta/blob", "data", options);
    auto props = store().get_properties(container(), "meta/blob");
    ASSERT_OK(props);
    EXPECT_EQ(props->metadata, options.metadata);

    Metadata replaced = {{"mtime", "2025-01-09T10:11:12.123456789Z"}, {"is_symlink", "true"}};
    auto set = store().set_metadata(container(), "meta/blob", replaced);
    ASSERT_OK(set);
    EXPECT_NE(set->etag, v1);
    props = store().get_properties(container(), "meta/blob");
    ASSERT_OK(props);
    EXPECT_EQ(props->metadata, replaced);
    EXPECT_EQ(props->etag, set->etag);
    EXPECT_EQ(read_all("meta/blob"), "data");

    Conditions stale;
    stale.if_match = v1;
    EXPECT_CODE(store().set_metadata(container(), "meta/blob", {}, stale), Code::kPreconditionFailed);

    ListOptions with;
    with.include_metadata = true;
    auto listed = store().list_all(container(), with);
    ASSERT_OK(listed);
    ASSERT_EQ(listed->blobs.size(), 1u);
    EXPECT_EQ(listed->blobs[0].metadata, replaced);
    EXPECT_EQ(listed->blobs[0].etag, set->etag);
    auto plain = store().list_all(container(), ListOptions{});
    ASSERT_OK(plain);
    ASSERT_EQ(plain->blobs.size(), 1u);
    EXPECT_TRUE(plain->blobs[0].metadata.empty());
    EXPECT_EQ(plain->blobs[0].size, 4u);
}

TEST_P(ConformanceTest, ContentTypeAndMd5AreStored) {
    std::string data = random_bytes(5, 10000);
    PutOptions options;
    options.content_type = "text/markdown";
    options.content_md5 = md5_base64(data);
    put("typed.md", data, options);
    auto props = store().get_properties(container(), "typed.md");
    ASSERT_OK(props);
    EXPECT_EQ(props->content_type, "text/markdown");
    EXPECT_EQ(props->content_md5, options.content_md5);
    EXPECT_GT(props->last_modified, 1600000000);

    put("untyped", "x");
    auto untyped = store().get_properties(container(), "untyped");
    ASSERT_OK(untyped);
    EXPECT_EQ(untyped->content_type, "application/octet-stream");
}

TEST_P(ConformanceTest, ServerSideCopy) {
    std::string data = random_bytes(11, 300000);
    PutOptions options;
    options.content_type = "image/png";
    options.metadata = {{"kind", "thumbnail"}};
    std::string src_etag = put("src/image.png", data, options);
    auto copied = store().copy_blob(container(), "src/image.png", container(), "dst/copy of image.png");
    ASSERT_OK(copied);
    EXPECT_NE(copied->etag, src_etag);
    auto props = store().get_properties(container(), "dst/copy of image.png");
    ASSERT_OK(props);
    EXPECT_EQ(props->size, data.size());
    EXPECT_EQ(props->etag, copied->etag);
    EXPECT_EQ(props->content_type, "image/png");
    EXPECT_EQ(props->metadata, options.metadata);
    EXPECT_TRUE(read_all("dst/copy of image.png") == data);

    // The copy is independent of its source.
    ASSERT_OK(store().delete_blob(container(), "src/image.png"));
    EXPECT_TRUE(read_all("dst/copy of image.png") == data);

    EXPECT_CODE(store().copy_blob(container(), "src/image.png", container(), "dst/x"), Code::kNotFound);
    Conditions create_only;
    create_only.if_none_match_any = true;
    put("src/again", "again");
    EXPECT_CODE(store().copy_blob(container(), "src/again", container(), "dst/copy of image.png", create_only),
                Code::kAlreadyExists);
}

// The background upload of a renamed file: copy only the version the rename saw, and store the
// metadata the file has now.
TEST_P(ConformanceTest, ServerSideCopyChecksTheSourceETagAndReplacesMetadata) {
    PutOptions options;
    options.metadata = {{"mtime", "old"}};
    std::string src_etag = put("csrc", "source bytes", options);
    CopyOptions stale;
    stale.source_if_match = "\"0x1234\"";
    EXPECT_CODE(store().copy_blob(container(), "csrc", container(), "cdst", stale), Code::kPreconditionFailed);
    EXPECT_CODE(store().get_properties(container(), "cdst"), Code::kNotFound);

    CopyOptions exact;
    exact.conditions.if_none_match_any = true;
    exact.source_if_match = src_etag;
    exact.metadata = Metadata{{"mtime", "new"}, {"mode", "0600"}};
    ASSERT_OK(store().copy_blob(container(), "csrc", container(), "cdst", exact));
    auto props = store().get_properties(container(), "cdst");
    ASSERT_OK(props);
    EXPECT_EQ(props->metadata, *exact.metadata);
    EXPECT_EQ(read_all("cdst"), "source bytes");
    auto source = store().get_properties(container(), "csrc");
    ASSERT_OK(source);
    EXPECT_EQ(source->metadata, options.metadata);
}

TEST_P(ConformanceTest, MissingBlobsAreNotFound) {
    EXPECT_CODE(store().get_properties(container(), "missing"), Code::kNotFound);
    EXPECT_CODE(store().read(container(), "missing", 0, 0), Code::kNotFound);
    EXPECT_CODE(store().delete_blob(container(), "missing"), Code::kNotFound);
    EXPECT_CODE(store().set_metadata(container(), "missing", {}), Code::kNotFound);
    EXPECT_CODE(store().get_properties("conf-no-such-container", "missing"), Code::kNotFound);
    put("present", "x");
    ASSERT_OK(store().delete_blob(container(), "present"));
    EXPECT_CODE(store().delete_blob(container(), "present"), Code::kNotFound);
}

TEST_P(ConformanceTest, ArchivedBlobsCannotBeRead) {
    put("cold/archived", "frozen");
    Status st = store().set_tier(container(), "cold/archived", "Archive");
    if (st.code() == Code::kNotSupported) GTEST_SKIP() << "store does not support tiers: " << st.to_string();
    ASSERT_OK(st);
    auto props = store().get_properties(container(), "cold/archived");
    ASSERT_OK(props);
    EXPECT_EQ(props->tier, "Archive");
    EXPECT_TRUE(props->is_archived());
    EXPECT_CODE(store().read(container(), "cold/archived", 0, 0), Code::kArchived);
    EXPECT_CODE(store().set_tier(container(), "cold/archived", "Lukewarm"), Code::kInvalidArgument);
}

TEST_P(ConformanceTest, DataSurvivesReopeningTheStore) {
    PutOptions options;
    options.metadata = {{"mtime", "2025-01-01T00:00:00Z"}};
    std::string etag = put("keep/a", "alpha", options);
    ASSERT_OK(store().put_block(container(), "keep/b", "b-1", "beta-1"));
    ASSERT_OK(store().put_block_list(container(), "keep/b", {"b-1"}));
    ASSERT_OK(store().put_block(container(), "keep/b", "b-2", "beta-2"));  // staged, not committed
    Status reopened = reopen();
    if (reopened.code() == Code::kNotSupported) GTEST_SKIP() << reopened.to_string();
    ASSERT_OK(reopened);

    auto props = store().get_properties(container(), "keep/a");
    ASSERT_OK(props);
    EXPECT_EQ(props->etag, etag);
    EXPECT_EQ(props->metadata, options.metadata);
    EXPECT_EQ(read_all("keep/a"), "alpha");
    auto listed = store().list_all(container(), ListOptions{});
    ASSERT_OK(listed);
    EXPECT_EQ(listed->blobs.size(), 2u);
    // Committed and staged blocks both survive.
    ASSERT_OK(store().put_block_list(container(), "keep/b", {"b-1", "b-2"}));
    EXPECT_EQ(read_all("keep/b"), "beta-1beta-2");
    std::string newer = put("keep/a", "alpha 2");
    EXPECT_NE(newer, etag);
}

}  // namespace
}  // namespace azblobfs::conformance
