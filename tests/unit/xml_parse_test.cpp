// Parsing of Blob service XML bodies, read from tests/fixtures.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "azure/xml_parse.h"

namespace azblobfs {
namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(FIXTURES_DIR) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in.good()) << "missing fixture " << name;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

TEST(XmlListBlobs, BlobsPrefixesMetadataAndNextMarker) {
    auto page = parse_list_blobs(fixture("list_blobs.xml"));
    ASSERT_TRUE(page.is_ok()) << page.status().to_string();
    ASSERT_EQ(page->blobs.size(), 2u);
    const BlobProperties& a = page->blobs[0];
    EXPECT_EQ(a.name, "2021/a.png");
    EXPECT_EQ(a.size, 1048576u);
    EXPECT_EQ(a.etag, "\"0x8D92B6B2C5A9E10\"");  // unquoted in the body, quoted as in headers
    EXPECT_EQ(a.last_modified, 1623257301);        // date -u -d @1623257301 -R
    EXPECT_EQ(a.content_type, "image/png");
    EXPECT_EQ(a.content_md5, "1B2M2Y8AsgTpgAmY7PhCfg==");
    EXPECT_EQ(a.tier, "Hot");
    EXPECT_FALSE(a.is_archived());
    EXPECT_EQ(a.metadata, (Metadata{{"camera", "Nikon"}, {"taken-at", "2021-06-09"}}));

    const BlobProperties& b = page->blobs[1];
    EXPECT_EQ(b.name, "2021/b & c.txt");
    EXPECT_EQ(b.size, 0u);
    EXPECT_EQ(b.etag, "\"0x8D92B6B2C5A9E11\"");  // already quoted: unchanged
    EXPECT_EQ(b.last_modified, 0);
    EXPECT_TRUE(b.is_archived());
    EXPECT_TRUE(b.metadata.empty());
    EXPECT_TRUE(b.content_md5.empty());

    EXPECT_EQ(page->prefixes, (std::vector<std::string>{"2021/holiday/", "2021/work/"}));
    EXPECT_EQ(page->next_marker, "2!84!MDAwMDE3ITIwMjEvd29yay9hLnBuZyEwMDAwMjgh");
}

TEST(XmlListBlobs, EncodedNamesAreDecoded) {
    auto page = parse_list_blobs(fixture("list_blobs_encoded.xml"));
    ASSERT_TRUE(page.is_ok()) << page.status().to_string();
    ASSERT_EQ(page->blobs.size(), 2u);
    EXPECT_EQ(page->blobs[0].name, std::string("dir/odd\x01name+txt"));
    EXPECT_EQ(page->blobs[1].name, "plain%20name+1");  // Encoded="false": taken literally
    EXPECT_EQ(page->prefixes, (std::vector<std::string>{std::string("odd\x02" "dir/")}));
    EXPECT_EQ(page->next_marker, "");
}

TEST(XmlListBlobs, EmptyListing) {
    auto page = parse_list_blobs(fixture("list_blobs_empty.xml"));
    ASSERT_TRUE(page.is_ok()) << page.status().to_string();
    EXPECT_TRUE(page->blobs.empty());
    EXPECT_TRUE(page->prefixes.empty());
    EXPECT_TRUE(page->next_marker.empty());
}

TEST(XmlListBlobs, MalformedOrIncompleteBodiesAreInternal) {
    for (const char* name : {"malformed.xml", "list_blobs_bad_length.xml", "list_blobs_no_name.xml",
                             "error_not_xml.html", "block_list.xml"}) {
        auto page = parse_list_blobs(fixture(name));
        ASSERT_FALSE(page.is_ok()) << name;
        EXPECT_EQ(page.status().code(), Code::kInternal) << name;
        EXPECT_NE(page.status().message().find("List Blobs"), std::string::npos) << name;
    }
    EXPECT_FALSE(parse_list_blobs("").is_ok());
}

TEST(XmlListContainers, NamesAndNextMarker) {
    auto page = parse_list_containers(fixture("list_containers.xml"));
    ASSERT_TRUE(page.is_ok()) << page.status().to_string();
    EXPECT_EQ(page->names, (std::vector<std::string>{"logs", "photos"}));
    EXPECT_EQ(page->next_marker, "videos");
    EXPECT_FALSE(parse_list_containers(fixture("malformed.xml")).is_ok());
    EXPECT_FALSE(parse_list_containers(fixture("block_list.xml")).is_ok());
}

TEST(XmlBlockList, CommittedAndUncommittedIdsAreDecoded) {
    auto list = parse_block_list(fixture("block_list.xml"));
    ASSERT_TRUE(list.is_ok()) << list.status().to_string();
    EXPECT_EQ(list->committed, (std::vector<std::string>{"block-000", "block-001"}));
    EXPECT_EQ(list->uncommitted, (std::vector<std::string>{"block-002"}));
    auto bad = parse_block_list(fixture("block_list_bad_id.xml"));
    ASSERT_FALSE(bad.is_ok());
    EXPECT_EQ(bad.status().code(), Code::kInternal);
    EXPECT_FALSE(parse_block_list(fixture("list_blobs_empty.xml")).is_ok());
}

TEST(XmlErrorBody, CodeAndFirstLineOfMessage) {
    ServiceError e = parse_error_body(fixture("error_blob_not_found.xml"));
    EXPECT_EQ(e.code, "BlobNotFound");
    EXPECT_EQ(e.message, "The specified blob does not exist.");
    ServiceError auth = parse_error_body(fixture("error_auth.xml"));
    EXPECT_EQ(auth.code, "AuthenticationFailed");
    EXPECT_TRUE(auth.message.starts_with("Server failed to authenticate the request."));
    EXPECT_EQ(auth.message.find("RequestId"), std::string::npos);
}

TEST(XmlErrorBody, UnparsableBodiesGiveEmptyFields) {
    for (std::string body : {std::string(), fixture("error_not_xml.html"), fixture("list_blobs_empty.xml")}) {
        ServiceError e = parse_error_body(body);
        EXPECT_TRUE(e.code.empty());
        EXPECT_TRUE(e.message.empty());
    }
}

TEST(Rfc1123, ParsesAndFormats) {
    EXPECT_EQ(parse_rfc1123("Wed, 09 Jun 2021 16:48:21 GMT"), 1623257301);
    EXPECT_EQ(parse_rfc1123("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
    EXPECT_EQ(parse_rfc1123("Tue, 29 Feb 2000 23:59:59 GMT"), 951868799);  // leap day
    EXPECT_EQ(format_rfc1123(1623257301), "Wed, 09 Jun 2021 16:48:21 GMT");
    EXPECT_EQ(format_rfc1123(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    for (int64_t t : {int64_t{951868799}, int64_t{1700000000}, int64_t{4102444800}}) {
        EXPECT_EQ(parse_rfc1123(format_rfc1123(t)), t);
    }
}

TEST(Rfc1123, MalformedIsMinusOne) {
    for (const char* bad : {"", "Wed, 09 Jun 2021 16:48:21", "Wed, 09 Jun 2021 16:48:21 UTC",
                            "2021-06-09T16:48:21Z", "Wed, 09 Foo 2021 16:48:21 GMT", "Wed, 9 Jun 2021 16:48:21 GMT",
                            "Wed, 09 Jun 2021 24:48:21 GMT", "Xyz, 09 Jun 2021 16:48:21 GMT",
                            "Wed, 32 Jun 2021 16:48:21 GMT", "Wed, 09 Jun 20x1 16:48:21 GMT"}) {
        EXPECT_EQ(parse_rfc1123(bad), -1) << bad;
    }
}

}  // namespace
}  // namespace azblobfs
