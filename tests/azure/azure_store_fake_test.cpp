// AzureBlobStore over a scripted transport: the requests it builds and how it resolves
// ambiguous retries. The real service is exercised in azurite_smoke_test.cpp.
#include <gtest/gtest.h>

#include "azure/azure_blob_store.h"
#include "azure/azure_headers.h"
#include "common/base64.h"
#include "scripted_transport.h"

namespace azblobfs {
namespace {

using std::chrono::milliseconds;
using testing::ScriptedTransport;

constexpr const char* kBlobUrl = "http://127.0.0.1:10000/devstoreaccount1/cont1/dir/a%20b.txt";

class StoreOverFake : public ::testing::Test {
protected:
    void SetUp() override {
        AzureStoreOptions o;
        o.retry.max_attempts = 4;
        o.sleep = [this](milliseconds d) { sleeps.push_back(d); };
        store = make_azure_blob_store(development_storage_config(), transport, o);
    }
    HttpHeaders written(const std::string& etag) {
        return {{"etag", etag}, {"last-modified", "Wed, 09 Jun 2021 16:48:21 GMT"}};
    }

    std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();
    std::unique_ptr<BlobStore> store;
    std::vector<milliseconds> sleeps;
};

TEST_F(StoreOverFake, PutBlobSendsTypeMd5MetadataAndConditions) {
    transport->push(201, written("\"0x1\""));
    PutOptions opts;
    opts.metadata = {{"Mtime", "2025-01-09T00:00:00.000000000Z"}};
    opts.conditions.if_none_match_any = true;
    Result<WriteResult> r = store->put_blob("cont1", "dir/a b.txt", "hello", opts);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->etag, "\"0x1\"");
    EXPECT_EQ(r->last_modified, 1623257301);
    auto s = transport->sent().at(0);
    EXPECT_EQ(s.method, "PUT");
    EXPECT_EQ(s.url, kBlobUrl);
    EXPECT_EQ(s.body, "hello");
    EXPECT_EQ(s.header("x-ms-blob-type"), "BlockBlob");
    EXPECT_EQ(s.header("x-ms-blob-content-type"), "application/octet-stream");
    EXPECT_EQ(s.header("Content-MD5"), "XUFAKrxLKna5cZ2REBfFkg==");  // MD5("hello")
    EXPECT_EQ(s.header("x-ms-meta-mtime"), "2025-01-09T00:00:00.000000000Z");
    EXPECT_EQ(s.header("If-None-Match"), "*");
    EXPECT_EQ(s.header("If-Match"), "");
}

TEST_F(StoreOverFake, PutBlobConflictOnFirstAttemptIsGenuine) {
    transport->push(409, {{"x-ms-error-code", "BlobAlreadyExists"}});
    PutOptions opts;
    opts.conditions.if_none_match_any = true;
    Result<WriteResult> r = store->put_blob("cont1", "dir/a b.txt", "hello", opts);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), Code::kAlreadyExists);
    EXPECT_NE(r.status().message().find("put_blob cont1/dir/a b.txt"), std::string::npos);
    EXPECT_EQ(transport->sent().size(), 1u);
}

TEST_F(StoreOverFake, PutBlobRetryConflictResolvedByMatchingMd5) {
    transport->push_reset();                                            // answer of attempt 1 lost
    transport->push(409, {{"x-ms-error-code", "BlobAlreadyExists"}});   // attempt 2 sees our blob
    HttpHeaders head = written("\"0x7\"");
    head.emplace_back("content-length", "5");
    head.emplace_back("content-md5", "XUFAKrxLKna5cZ2REBfFkg==");
    transport->push(200, head);
    PutOptions opts;
    opts.conditions.if_none_match_any = true;
    Result<WriteResult> r = store->put_blob("cont1", "dir/a b.txt", "hello", opts);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->etag, "\"0x7\"");
    auto sent = transport->sent();
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(sent[2].method, "HEAD");
}

TEST_F(StoreOverFake, PutBlobRetryConflictWithOtherBytesFails) {
    transport->push_reset();
    transport->push(412, {{"x-ms-error-code", "ConditionNotMet"}});
    HttpHeaders head = written("\"0x8\"");
    head.emplace_back("content-length", "5");
    head.emplace_back("content-md5", base64_encode("0123456789abcdef"));
    transport->push(200, head);
    PutOptions opts;
    opts.conditions.if_match = "\"0x1\"";
    Result<WriteResult> r = store->put_blob("cont1", "dir/a b.txt", "hello", opts);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), Code::kPreconditionFailed);
}

TEST_F(StoreOverFake, PutBlockListRetryResolvedByCommittedList) {
    std::vector<std::string> ids = {std::string("\x00\x01", 2), std::string("\x00\x02", 2)};
    transport->push_reset();
    transport->push(412, {{"x-ms-error-code", "ConditionNotMet"}});
    std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><CommittedBlocks>"
                      "<Block><Name>" + base64_encode(ids[0]) + "</Name><Size>3</Size></Block>"
                      "<Block><Name>" + base64_encode(ids[1]) + "</Name><Size>4</Size></Block>"
                      "</CommittedBlocks><UncommittedBlocks/></BlockList>";
    transport->push(200, {}, xml);
    transport->push(200, written("\"0x9\""));
    PutOptions opts;
    opts.conditions.if_match = "\"0x1\"";
    Result<WriteResult> r = store->put_block_list("cont1", "dir/a b.txt", ids, opts);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->etag, "\"0x9\"");
    auto sent = transport->sent();
    ASSERT_EQ(sent.size(), 4u);
    EXPECT_EQ(sent[0].url, std::string(kBlobUrl) + "?comp=blocklist");
    EXPECT_EQ(sent[0].body, "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><Latest>AAE=</Latest>"
                            "<Latest>AAI=</Latest></BlockList>");
    EXPECT_EQ(sent[0].header("If-Match"), "\"0x1\"");
    EXPECT_EQ(sent[2].url, std::string(kBlobUrl) + "?comp=blocklist&blocklisttype=committed");
}

TEST_F(StoreOverFake, PutBlockEncodesTheBase64IdInTheQuery) {
    transport->push(201);
    ASSERT_TRUE(store->put_block("cont1", "dir/a b.txt", std::string("\xfb\xef\xff", 3), "xyz").is_ok());
    EXPECT_EQ(transport->sent().at(0).url, std::string(kBlobUrl) + "?comp=block&blockid=%2B%2B%2F%2F");
}

TEST_F(StoreOverFake, DeleteNotFoundIsSuccessOnlyOnARetry) {
    transport->push(404, {{"x-ms-error-code", "BlobNotFound"}});
    Status first = store->delete_blob("cont1", "dir/a b.txt");
    EXPECT_EQ(first.code(), Code::kNotFound);
    transport->push_reset();
    transport->push(404, {{"x-ms-error-code", "BlobNotFound"}});
    EXPECT_TRUE(store->delete_blob("cont1", "dir/a b.txt").is_ok());
    EXPECT_EQ(transport->sent().size(), 3u);
}

TEST_F(StoreOverFake, ReadSendsRangeAndRetriesAShortBody) {
    transport->push(206, {{"content-range", "bytes 5-14/100"}, {"etag", "\"0x3\""}}, "01234");
    transport->push(206, {{"content-range", "bytes 5-14/100"}, {"etag", "\"0x3\""}}, "0123456789");
    Result<ReadResult> r = store->read("cont1", "dir/a b.txt", 5, 10, std::string("\"0x3\""));
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->data, "0123456789");
    EXPECT_EQ(r->blob_size, 100u);
    EXPECT_EQ(r->etag, "\"0x3\"");
    auto sent = transport->sent();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].header("x-ms-range"), "bytes=5-14");
    EXPECT_EQ(sent[0].header("If-Match"), "\"0x3\"");
    EXPECT_EQ(sleeps.size(), 1u);
}

TEST_F(StoreOverFake, ReadOfAnEmptyBlobWithARangeIsEmpty) {
    transport->push(416, {{"x-ms-error-code", "InvalidRange"}});
    HttpHeaders head = written("\"0x4\"");
    head.emplace_back("content-length", "0");
    transport->push(200, head);
    Result<ReadResult> r = store->read("cont1", "dir/a b.txt", 0, 10);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->data, "");
    EXPECT_EQ(r->blob_size, 0u);
    EXPECT_EQ(r->etag, "\"0x4\"");

    transport->push(416, {{"x-ms-error-code", "InvalidRange"}});
    Result<ReadResult> past = store->read("cont1", "dir/a b.txt", 1, 10);
    EXPECT_EQ(past.status().code(), Code::kInvalidRange);
}

TEST_F(StoreOverFake, CopyPollsWhilePending) {
    transport->push(202, {{"x-ms-copy-status", "pending"}});
    transport->push(200, {{"x-ms-copy-status", "pending"}});
    HttpHeaders done = written("\"0x5\"");
    done.emplace_back("x-ms-copy-status", "success");
    transport->push(200, done);
    Result<WriteResult> r = store->copy_blob("cont1", "src", "cont2", "dst");
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->etag, "\"0x5\"");
    auto sent = transport->sent();
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(sent[0].header("x-ms-copy-source"), "http://127.0.0.1:10000/devstoreaccount1/cont1/src");
    EXPECT_EQ(sleeps.size(), 1u);  // one poll interval between the two HEADs
}

TEST_F(StoreOverFake, ListBlobsBuildsTheQuery) {
    transport->push(200, {}, "<?xml version=\"1.0\"?><EnumerationResults><Blobs/><NextMarker/></EnumerationResults>");
    ListOptions o;
    o.prefix = "dir/a b";
    o.delimiter = "/";
    o.marker = "m+1";
    o.max_results = 10;
    o.include_metadata = true;
    Result<ListPage> page = store->list_blobs("cont1", o);
    ASSERT_TRUE(page.is_ok()) << page.status().to_string();
    EXPECT_EQ(transport->sent().at(0).url,
              "http://127.0.0.1:10000/devstoreaccount1/cont1?restype=container&comp=list&prefix=dir%2Fa%20b"
              "&delimiter=%2F&marker=m%2B1&maxresults=10&include=metadata");
}

TEST_F(StoreOverFake, InvalidInputIsRejectedBeforeAnyRequest) {
    EXPECT_EQ(store->create_container("AB").code(), Code::kInvalidName);
    EXPECT_EQ(store->put_blob("cont1", std::string(1025, 'x'), "x").status().code(), Code::kNameTooLong);
    EXPECT_EQ(store->get_properties("cont1", "").status().code(), Code::kInvalidName);
    EXPECT_EQ(store->set_tier("cont1", "b", "Lukewarm").code(), Code::kInvalidArgument);
    EXPECT_EQ(store->put_block("cont1", "b", "", "x").code(), Code::kInvalidArgument);
    ListOptions o;
    o.max_results = 5001;
    EXPECT_EQ(store->list_blobs("cont1", o).status().code(), Code::kInvalidArgument);
    EXPECT_TRUE(transport->sent().empty());
}

}  // namespace
}  // namespace azblobfs
