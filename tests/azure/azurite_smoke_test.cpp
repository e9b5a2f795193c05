// AzureBlobStore over libcurl against a real Azurite: the end-to-end path (URLs, signing,
// headers, parsing, error mapping). The conformance suite covers the full contract; these
// tests pin what is specific to the REST client.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <atomic>
#include <memory>
#include <thread>

#include "azure/azure_blob_store.h"
#include "azure/credentials.h"
#include "azure/curl_transport.h"
#include "azure/sas.h"
#include "support/azurite_server.h"

namespace azblobfs {
namespace {

class AzuriteSmoke : public ::testing::Test {
protected:
    static void SetUpTestSuite() { server_ = new testing::AzuriteServer(/*in_memory=*/true); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    static AccountConfig shared_key_account() {
        Result<AccountConfig> account = parse_connection_string(server_->connection_string());
        EXPECT_TRUE(account.is_ok()) << account.status().to_string();
        return account.value();
    }
    static std::unique_ptr<BlobStore> open(AccountConfig account) {
        AzureStoreOptions options;
        options.retry.max_attempts = 2;
        return make_azure_blob_store(std::move(account), make_curl_transport(), options);
    }
    void SetUp() override {
        store = open(shared_key_account());
        ASSERT_TRUE(store->create_container(container).is_ok());
    }

    static testing::AzuriteServer* server_;
    std::unique_ptr<BlobStore> store;
    // One container per test, named after it (lowercase letters only, as Azure requires).
    std::string container = [] {
        std::string name = "t-";
        for (char c : std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())) {
            if (std::isalpha(static_cast<unsigned char>(c))) name.push_back(static_cast<char>(std::tolower(c)));
        }
        return name.substr(0, 63);
    }();
};

testing::AzuriteServer* AzuriteSmoke::server_ = nullptr;

TEST_F(AzuriteSmoke, CreatePutReadListDelete) {
    EXPECT_TRUE(store->create_container(container).is_ok()) << "second create is not an error";
    Result<std::vector<std::string>> containers = store->list_containers();
    ASSERT_TRUE(containers.is_ok()) << containers.status().to_string();
    EXPECT_NE(std::find(containers->begin(), containers->end(), container), containers->end());

    PutOptions opts;
    opts.content_type = "text/plain";
    opts.metadata = {{"mtime", "2025-01-09T10:00:00.123456789Z"}, {"hdi_isfolder", "false"}};
    Result<WriteResult> put = store->put_blob(container, "dir/hello.txt", "hello, azure blob", opts);
    ASSERT_TRUE(put.is_ok()) << put.status().to_string();
    EXPECT_FALSE(put->etag.empty());
    EXPECT_GT(put->last_modified, 1'600'000'000);

    Result<BlobProperties> props = store->get_properties(container, "dir/hello.txt");
    ASSERT_TRUE(props.is_ok()) << props.status().to_string();
    EXPECT_EQ(props->size, 17u);
    EXPECT_EQ(props->etag, put->etag);
    EXPECT_EQ(props->content_type, "text/plain");
    EXPECT_FALSE(props->content_md5.empty());
    EXPECT_EQ(props->metadata.at("mtime"), "2025-01-09T10:00:00.123456789Z");

    Result<ReadResult> part = store->read(container, "dir/hello.txt", 7, 5, put->etag);
    ASSERT_TRUE(part.is_ok()) << part.status().to_string();
    EXPECT_EQ(part->data, "azure");
    EXPECT_EQ(part->blob_size, 17u);
    EXPECT_EQ(part->etag, put->etag);
    Result<ReadResult> tail = store->read(container, "dir/hello.txt", 13, 100);
    ASSERT_TRUE(tail.is_ok());
    EXPECT_EQ(tail->data, "blob");
    EXPECT_EQ(store->read(container, "dir/hello.txt", 17, 1).status().code(), Code::kInvalidRange);
    EXPECT_EQ(store->read(container, "dir/hello.txt", 0, 1, std::string("\"0xdead\"")).status().code(),
              Code::kPreconditionFailed);

    ASSERT_TRUE(store->put_blob(container, "top.bin", "x").is_ok());
    ListOptions lo;
    lo.delimiter = "/";
    Result<ListPage> page = store->list_blobs(container, lo);
    ASSERT_TRUE(page.is_ok()) << page.status().to_string();
    ASSERT_EQ(page->blobs.size(), 1u);
    EXPECT_EQ(page->blobs[0].name, "top.bin");
    EXPECT_EQ(page->prefixes, std::vector<std::string>{"dir/"});

    ASSERT_TRUE(store->delete_blob(container, "dir/hello.txt").is_ok());
    EXPECT_EQ(store->get_properties(container, "dir/hello.txt").status().code(), Code::kNotFound);
    EXPECT_EQ(store->delete_blob(container, "dir/hello.txt").code(), Code::kNotFound);
}

TEST_F(AzuriteSmoke, HostileNamesRoundTrip) {
    std::vector<std::string> names = {"with space/and+plus", "100%/#hash?q=1&r=2", "caf\xC3\xA9/\xE2\x82\xAC.bin",
                                      "semi;colon:at@=eq", "tilde~under_score-dash.dot"};
    for (const auto& name : names) {
        Result<WriteResult> put = store->put_blob(container, name, "data of " + name);
        ASSERT_TRUE(put.is_ok()) << name << ": " << put.status().to_string();
        Result<ReadResult> got = store->read(container, name, 0, 0);
        ASSERT_TRUE(got.is_ok()) << name << ": " << got.status().to_string();
        EXPECT_EQ(got->data, "data of " + name);
    }
    Result<ListAll> all = store->list_all(container, ListOptions{});
    ASSERT_TRUE(all.is_ok()) << all.status().to_string();
    std::vector<std::string> listed;
    for (const auto& b : all->blobs) listed.push_back(b.name);
    std::vector<std::string> expected = names;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(listed, expected);
}

TEST_F(AzuriteSmoke, EmptyBlobReads) {
    Result<WriteResult> put = store->put_blob(container, "empty", "");
    ASSERT_TRUE(put.is_ok()) << put.status().to_string();
    for (uint64_t length : {0u, 10u}) {
        Result<ReadResult> r = store->read(container, "empty", 0, length);
        ASSERT_TRUE(r.is_ok()) << length << ": " << r.status().to_string();
        EXPECT_EQ(r->data, "");
        EXPECT_EQ(r->blob_size, 0u);
        EXPECT_EQ(r->etag, put->etag);
    }
    EXPECT_EQ(store->read(container, "empty", 1, 0).status().code(), Code::kInvalidRange);
}

TEST_F(AzuriteSmoke, BlocksConditionsCopyMetadataTier) {
    ASSERT_TRUE(store->put_block(container, "big", "id-0001", "first-").is_ok());
    ASSERT_TRUE(store->put_block(container, "big", "id-0002", "second").is_ok());
    Result<WriteResult> committed = store->put_block_list(container, "big", {"id-0001", "id-0002"});
    ASSERT_TRUE(committed.is_ok()) << committed.status().to_string();
    EXPECT_EQ(store->read(container, "big", 0, 0)->data, "first-second");

    PutOptions create_only;
    create_only.conditions.if_none_match_any = true;
    EXPECT_EQ(store->put_blob(container, "big", "x", create_only).status().code(), Code::kAlreadyExists);
    PutOptions stale;
    stale.conditions.if_match = "\"0x8D000000DEADBEEF\"";
    EXPECT_EQ(store->put_blob(container, "big", "x", stale).status().code(), Code::kPreconditionFailed);
    EXPECT_EQ(store->put_blob(container, "absent", "x", stale).status().code(), Code::kPreconditionFailed);
    EXPECT_EQ(store->delete_blob(container, "big", Conditions{stale.conditions.if_match, false}).code(),
              Code::kPreconditionFailed);

    Result<WriteResult> copied = store->copy_blob(container, "big", container, "copy of big");
    ASSERT_TRUE(copied.is_ok()) << copied.status().to_string();
    EXPECT_EQ(store->read(container, "copy of big", 0, 0)->data, "first-second");
    EXPECT_EQ(store->copy_blob(container, "nope", container, "x").status().code(), Code::kNotFound);

    Result<WriteResult> meta = store->set_metadata(container, "copy of big", {{"Is_Symlink", "true"}},
                                                   Conditions{copied->etag, false});
    ASSERT_TRUE(meta.is_ok()) << meta.status().to_string();
    EXPECT_NE(meta->etag, copied->etag);
    EXPECT_EQ(store->get_properties(container, "copy of big")->metadata, (Metadata{{"is_symlink", "true"}}));

    ASSERT_TRUE(store->set_tier(container, "copy of big", "Cool").is_ok());
    EXPECT_EQ(store->get_properties(container, "copy of big")->tier, "Cool");
    ASSERT_TRUE(store->set_tier(container, "copy of big", "Archive").is_ok());
    EXPECT_EQ(store->read(container, "copy of big", 0, 0).status().code(), Code::kArchived);
}

TEST_F(AzuriteSmoke, ListingFollowsMarkers) {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->put_blob(container, "p/" + std::to_string(i), "x").is_ok());
    ListOptions lo;
    lo.max_results = 2;
    lo.include_metadata = true;
    int pages = 0;
    std::vector<std::string> names;
    do {
        Result<ListPage> page = store->list_blobs(container, lo);
        ASSERT_TRUE(page.is_ok()) << page.status().to_string();
        for (const auto& b : page->blobs) names.push_back(b.name);
        lo.marker = page->next_marker;
        ++pages;
    } while (!lo.marker.empty() && pages < 10);
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(names, (std::vector<std::string>{"p/0", "p/1", "p/2", "p/3", "p/4"}));
    EXPECT_EQ(store->list_blobs("no-such-container", ListOptions{}).status().code(), Code::kNotFound);
}

TEST_F(AzuriteSmoke, SasAuthorisedStoreWorks) {
    AccountConfig key = shared_key_account();
    SasParams params;
    params.expiry_unix = std::time(nullptr) + 3600;
    Result<std::string> token = make_account_sas(key.account_name, key.account_key, params);
    ASSERT_TRUE(token.is_ok()) << token.status().to_string();
    AccountConfig sas = key;
    sas.auth = AuthKind::kSas;
    sas.account_key.clear();
    sas.sas_token = *token;
    std::unique_ptr<BlobStore> sas_store = open(sas);
    ASSERT_TRUE(sas_store->put_blob(container, "via sas", "signed by token").is_ok());
    EXPECT_EQ(sas_store->read(container, "via sas", 0, 0)->data, "signed by token");
    Result<WriteResult> copied = sas_store->copy_blob(container, "via sas", container, "via sas copy");
    ASSERT_TRUE(copied.is_ok()) << copied.status().to_string();
    EXPECT_EQ(store->read(container, "via sas copy", 0, 0)->data, "signed by token");
}

TEST_F(AzuriteSmoke, WrongKeyIsAuthFailed) {
    AccountConfig bad = shared_key_account();
    bad.account_key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    std::unique_ptr<BlobStore> bad_store = open(bad);
    Status st = bad_store->put_blob(container, "x", "y").status();
    EXPECT_EQ(st.code(), Code::kAuthFailed) << st.to_string();
    EXPECT_NE(st.message().find("put_blob " + container + "/x"), std::string::npos) << st.message();
}

TEST_F(AzuriteSmoke, OneStoreServesManyThreads) {
    constexpr int kThreads = 4;
    constexpr int kPerThread = 15;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                std::string name = "t" + std::to_string(t) + "/" + std::to_string(i);
                std::string data(1000 + 97 * i, static_cast<char>('a' + t));
                Result<WriteResult> put = store->put_blob(container, name, data);
                Result<ReadResult> got = store->read(container, name, 0, 0);
                if (!put.is_ok() || !got.is_ok() || got->data != data || got->etag != put->etag) ++failures;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    Result<ListAll> all = store->list_all(container, ListOptions{});
    ASSERT_TRUE(all.is_ok());
    EXPECT_EQ(all->blobs.size(), static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace azblobfs
