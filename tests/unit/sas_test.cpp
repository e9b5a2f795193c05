// SAS generation: token shape, and a round trip against a real Azurite, which checks the
// signature exactly as Azure does.
#include <gtest/gtest.h>

#include <ctime>
#include <map>

#include "azure/curl_transport.h"
#include "azure/sas.h"
#include "azure/shared_key.h"
#include "azure/url.h"
#include "azure/xml_parse.h"
#include "support/azurite_server.h"

namespace azblobfs {
namespace {

constexpr const char* kAccount = "devstoreaccount1";
constexpr const char* kDevKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

// Token fields as a map (values left percent-encoded).
std::map<std::string, std::string> fields(const std::string& token) {
    std::map<std::string, std::string> out;
    size_t start = 0;
    while (start < token.size()) {
        size_t amp = token.find('&', start);
        std::string pair = token.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        size_t eq = pair.find('=');
        out[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
        start = amp == std::string::npos ? token.size() : amp + 1;
    }
    return out;
}

SasParams fixed_params() {
    SasParams p;
    p.start_unix = 1623257301;   // 2021-06-09T16:48:21Z
    p.expiry_unix = 1623260901;  // one hour later
    return p;
}

TEST(SasToken, AccountSasFields) {
    auto token = make_account_sas(kAccount, kDevKey, fixed_params());
    ASSERT_TRUE(token.is_ok()) << token.status().to_string();
    EXPECT_FALSE(token->starts_with("?"));
    auto f = fields(*token);
    EXPECT_EQ(f["sv"], "2021-08-06");
    EXPECT_EQ(f["ss"], "b");
    EXPECT_EQ(f["srt"], "sco");
    EXPECT_EQ(f["sp"], "rwdlacup");
    EXPECT_EQ(f["st"], "2021-06-09T16%3A48%3A21Z");
    EXPECT_EQ(f["se"], "2021-06-09T17%3A48%3A21Z");
    EXPECT_EQ(f["spr"], "https%2Chttp");
    ASSERT_FALSE(f["sig"].empty());
    // A base64 HMAC-SHA256 is 44 characters; '+', '/' and '=' must appear only percent-encoded.
    EXPECT_EQ(f["sig"].find_first_of("+/="), std::string::npos) << f["sig"];
    EXPECT_NE(f["sig"].find("%3D"), std::string::npos);  // the trailing '=' padding
}

TEST(SasToken, ContainerSasFieldsAndNoStartWhenZero) {
    SasParams p = fixed_params();
    p.start_unix = 0;
    p.permissions = "rl";
    p.protocol = "https";
    auto token = make_container_sas(kAccount, kDevKey, "photos", p);
    ASSERT_TRUE(token.is_ok()) << token.status().to_string();
    auto f = fields(*token);
    EXPECT_EQ(f["sr"], "c");
    EXPECT_EQ(f["sp"], "rl");
    EXPECT_EQ(f["spr"], "https");
    EXPECT_EQ(f.count("st"), 0u);
    EXPECT_EQ(f.count("ss"), 0u);
    EXPECT_EQ(f["sig"].find_first_of("+/="), std::string::npos);
}

TEST(SasToken, SignatureDependsOnEveryInput) {
    SasParams p = fixed_params();
    auto base = fields(*make_account_sas(kAccount, kDevKey, p))["sig"];
    SasParams later = p;
    later.expiry_unix += 1;
    EXPECT_NE(fields(*make_account_sas(kAccount, kDevKey, later))["sig"], base);
    EXPECT_NE(fields(*make_account_sas("otheraccount", kDevKey, p))["sig"], base);
    auto c1 = fields(*make_container_sas(kAccount, kDevKey, "one", p))["sig"];
    auto c2 = fields(*make_container_sas(kAccount, kDevKey, "two", p))["sig"];
    EXPECT_NE(c1, c2);
}

TEST(SasToken, InvalidParameters) {
    SasParams no_expiry;
    EXPECT_EQ(make_account_sas(kAccount, kDevKey, no_expiry).status().code(), Code::kInvalidArgument);
    SasParams p = fixed_params();
    EXPECT_EQ(make_account_sas(kAccount, "bad key!", p).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(make_container_sas(kAccount, kDevKey, "", p).status().code(), Code::kInvalidArgument);
    SasParams backwards = p;
    backwards.start_unix = p.expiry_unix + 10;
    EXPECT_EQ(make_account_sas(kAccount, kDevKey, backwards).status().code(), Code::kInvalidArgument);
    SasParams old = p;
    old.version = "2019-12-12";
    EXPECT_EQ(make_account_sas(kAccount, kDevKey, old).status().code(), Code::kNotSupported);
    SasParams protocol = p;
    protocol.protocol = "http";
    EXPECT_EQ(make_account_sas(kAccount, kDevKey, protocol).status().code(), Code::kInvalidArgument);
}

TEST(SasToken, AppendSas) {
    EXPECT_EQ(append_sas("http://h/a/c/b", "sv=1&sig=x"), "http://h/a/c/b?sv=1&sig=x");
    EXPECT_EQ(append_sas("http://h/a/c/b", "?sv=1&sig=x"), "http://h/a/c/b?sv=1&sig=x");
    EXPECT_EQ(append_sas("http://h/a/c?restype=container", "sv=1"), "http://h/a/c?restype=container&sv=1");
    EXPECT_EQ(append_sas("http://h/a/c?", "sv=1"), "http://h/a/c?sv=1");
    EXPECT_EQ(append_sas("http://h/a/c", ""), "http://h/a/c");
}

// Raw requests against Azurite: SharedKey-signed writes, then reads with each kind of SAS.
class SasAzurite : public ::testing::Test {
protected:
    void SetUp() override {
        transport_ = make_curl_transport();
        account_ = development_storage_config();
        account_.blob_endpoint = azurite_.blob_endpoint();
    }

    HttpResponse send_signed(const std::string& method, const std::string& url, HttpHeaders headers,
                             std::string_view body = {}) {
        HttpRequest r;
        r.method = method;
        r.url = url;
        r.headers = std::move(headers);
        r.headers.emplace_back("x-ms-date", format_rfc1123(std::time(nullptr)));
        r.headers.emplace_back("x-ms-version", "2021-08-06");
        r.body = body;
        auto auth = shared_key_authorization(kAccount, kDevKey, r);
        EXPECT_TRUE(auth.is_ok());
        r.headers.emplace_back("Authorization", *auth);
        return send(r);
    }

    HttpResponse get_with_sas(const std::string& url, const std::string& sas) {
        HttpRequest r;
        r.method = "GET";
        r.url = append_sas(url, sas);
        r.headers = {{"x-ms-version", "2021-08-06"}};
        return send(r);
    }

    HttpResponse send(const HttpRequest& r) {
        auto response = transport_->send(r);
        EXPECT_TRUE(response.is_ok()) << response.status().to_string();
        return response.is_ok() ? *response : HttpResponse{};
    }

    // Creates `container` holding `blob` with `data`, all SharedKey-signed.
    void create_blob(const std::string& container, const std::string& blob, std::string_view data) {
        auto made = send_signed("PUT", with_query(container_url(account_, container), {{"restype", "container"}}), {});
        ASSERT_EQ(made.status, 201) << made.body;
        auto put = send_signed("PUT", blob_url(account_, container, blob),
                               {{"x-ms-blob-type", "BlockBlob"}, {"Content-Type", "text/plain"},
                                {"x-ms-meta-Owner", "  ann  "}},
                               data);
        ASSERT_EQ(put.status, 201) << put.body;
    }

    static SasParams valid_now(const std::string& permissions) {
        SasParams p;
        int64_t now = std::time(nullptr);
        p.start_unix = now - 300;
        p.expiry_unix = now + 3600;
        p.permissions = permissions;
        return p;
    }

    testing::AzuriteServer azurite_;
    std::shared_ptr<HttpTransport> transport_;
    AccountConfig account_;
};

TEST_F(SasAzurite, SharedKeySignedListingWithQueryParameters) {
    ASSERT_NO_FATAL_FAILURE(create_blob("photos", "dir/a b+c.txt", "hello"));
    auto list = send_signed("GET", with_query(container_url(account_, "photos"),
                                              {{"restype", "container"}, {"comp", "list"}, {"prefix", "dir/"},
                                               {"include", "metadata"}}),
                            {});
    ASSERT_EQ(list.status, 200) << list.body;
    auto page = parse_list_blobs(list.body);
    ASSERT_TRUE(page.is_ok()) << page.status().to_string();
    ASSERT_EQ(page->blobs.size(), 1u);
    EXPECT_EQ(page->blobs[0].name, "dir/a b+c.txt");
    EXPECT_EQ(page->blobs[0].size, 5u);
    EXPECT_EQ(page->blobs[0].metadata, (Metadata{{"owner", "ann"}}));
    EXPECT_GT(page->blobs[0].last_modified, 1600000000);
}

TEST_F(SasAzurite, AccountSasReadsBlob) {
    ASSERT_NO_FATAL_FAILURE(create_blob("photos", "dir/a b+c.txt", "hello"));
    auto sas = make_account_sas(kAccount, kDevKey, valid_now("rl"));
    ASSERT_TRUE(sas.is_ok());
    auto got = get_with_sas(blob_url(account_, "photos", "dir/a b+c.txt"), *sas);
    EXPECT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.body, "hello");
    auto listed = get_with_sas(with_query(container_url(account_, "photos"), {{"restype", "container"}, {"comp", "list"}}),
                               *sas);
    EXPECT_EQ(listed.status, 200) << listed.body;
}

TEST_F(SasAzurite, ContainerSasReadsOnlyItsContainer) {
    ASSERT_NO_FATAL_FAILURE(create_blob("photos", "a.txt", "photo-bytes"));
    ASSERT_NO_FATAL_FAILURE(create_blob("private", "a.txt", "secret"));
    auto sas = make_container_sas(kAccount, kDevKey, "photos", valid_now("rl"));
    ASSERT_TRUE(sas.is_ok());
    auto got = get_with_sas(blob_url(account_, "photos", "a.txt"), *sas);
    EXPECT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.body, "photo-bytes");
    auto other = get_with_sas(blob_url(account_, "private", "a.txt"), *sas);
    EXPECT_EQ(other.status, 403) << other.body;
}

TEST_F(SasAzurite, TamperedOrExpiredSasIsRejected) {
    ASSERT_NO_FATAL_FAILURE(create_blob("photos", "a.txt", "x"));
    const std::string url = blob_url(account_, "photos", "a.txt");
    auto sas = make_account_sas(kAccount, kDevKey, valid_now("r"));
    ASSERT_TRUE(sas.is_ok());
    std::string tampered = *sas;
    size_t sig = tampered.find("sig=") + 4;
    tampered[sig] = tampered[sig] == 'A' ? 'B' : 'A';
    auto bad = get_with_sas(url, tampered);
    EXPECT_EQ(bad.status, 403) << bad.body;
    EXPECT_EQ(status_from_service_error(bad.status, bad.header("x-ms-error-code"), "", "GET").code(),
              Code::kAuthFailed);

    SasParams expired = valid_now("r");
    expired.start_unix -= 7200;
    expired.expiry_unix -= 7200;
    auto old = get_with_sas(url, *make_account_sas(kAccount, kDevKey, expired));
    EXPECT_EQ(old.status, 403) << old.body;

    auto write_only = get_with_sas(url, *make_account_sas(kAccount, kDevKey, valid_now("w")));
    EXPECT_EQ(write_only.status, 403) << write_only.body;  // no 'r' permission
}

TEST_F(SasAzurite, WrongSharedKeyIsRejected) {
    auto made = send_signed("PUT", with_query(container_url(account_, "photos"), {{"restype", "container"}}), {});
    ASSERT_EQ(made.status, 201);
    HttpRequest r;
    r.method = "GET";
    r.url = with_query(container_url(account_, "photos"), {{"restype", "container"}});
    r.headers = {{"x-ms-date", format_rfc1123(std::time(nullptr))}, {"x-ms-version", "2021-08-06"}};
    auto auth = shared_key_authorization(kAccount, "AAAAAAAAAAAAAAAAAAAAAA==", r);
    ASSERT_TRUE(auth.is_ok());
    r.headers.emplace_back("Authorization", *auth);
    EXPECT_EQ(send(r).status, 403);
}

}  // namespace
}  // namespace azblobfs
