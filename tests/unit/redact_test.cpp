// redact(): secrets never reach logs.
#include <gtest/gtest.h>

#include "common/redact.h"

namespace azblobfs {
namespace {

constexpr const char* kDevKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

TEST(Redact, SasSignatureInUrls) {
    EXPECT_EQ(redact("GET http://h/a/c/b?sv=2021-08-06&sp=r&sig=AbC%2Bd%2Fe%3D HTTP/1.1"),
              "GET http://h/a/c/b?sv=2021-08-06&sp=r&sig=REDACTED HTTP/1.1");
    EXPECT_EQ(redact("http://h/a/c?sig=abc&sv=1"), "http://h/a/c?sig=REDACTED&sv=1");
    EXPECT_EQ(redact("sig=abc"), "sig=REDACTED");
    EXPECT_EQ(redact("x-ms-copy-source: https://src/c/b?sv=1&SIG=xyz"), "x-ms-copy-source: https://src/c/b?sv=1&sig=REDACTED");
    // Two URLs on one line: both masked.
    EXPECT_EQ(redact("from http://a?sig=one to http://b?sv=1&sig=two"), "from http://a?sig=REDACTED to http://b?sv=1&sig=REDACTED");
}

TEST(Redact, LeavesLookalikesAlone) {
    EXPECT_EQ(redact("http://h/a/c?design=1&signal=2"), "http://h/a/c?design=1&signal=2");
    EXPECT_EQ(redact("blob photos/a.png not found"), "blob photos/a.png not found");
}

TEST(Redact, AuthorizationHeaders) {
    EXPECT_EQ(redact("Authorization: SharedKey devstoreaccount1:tCbBjIR2KSeueNA1Q+NdRRkUrfJxHckM2QT5g06qt4Y="),
              "Authorization: REDACTED");
    EXPECT_EQ(redact("authorization=Bearer eyJ0eXAi.abc.def\nx-ms-version: 2021-08-06"),
              "authorization=REDACTED\nx-ms-version: 2021-08-06");
    std::string out = redact("headers: Authorization: SharedKey a:SIGNATURE; x-ms-date: D");
    EXPECT_EQ(out.find("SIGNATURE"), std::string::npos) << out;
    EXPECT_NE(out.find("x-ms-date: D"), std::string::npos) << out;
}

TEST(Redact, AccountKeyInConnectionStrings) {
    std::string cs = std::string("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=") + kDevKey +
                     ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
    EXPECT_EQ(redact(cs), "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=REDACTED;"
                          "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;");
    EXPECT_EQ(redact(std::string("accountkey = ") + kDevKey), "accountkey = REDACTED");
    std::string sas_cs = "BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1&sig=SECRET";
    EXPECT_EQ(redact(sas_cs).find("SECRET"), std::string::npos) << redact(sas_cs);
}

// Structured logs (JSON, or header lists printed as quoted pairs) put a quote between the
// header name and the ':' / ',' separator, and redact.cpp does not mask these today: a known
// defect, reported with the fix below (rules 2 and 3 of redact.cpp, which this helper does not own):
//   R"((authorization["']?\s*[:=,]\s*["']?)[^\r\n,;"']*)"   -> "$1REDACTED"
//   R"((AccountKey["']?\s*[:=]\s*["']?)[^;\s"']*)"          -> "$1REDACTED"
TEST(Redact, AuthorizationInQuotedForms) {
    std::string json = R"({"Authorization":"SharedKey a:SIGNATURE","x-ms-version":"2021-08-06"})";
    EXPECT_EQ(redact(json).find("SIGNATURE"), std::string::npos) << redact(json);
    std::string pairs = R"([("Authorization", "SharedKey a:SIGNATURE"), ("x-ms-date", "D")])";
    EXPECT_EQ(redact(pairs).find("SIGNATURE"), std::string::npos) << redact(pairs);
    std::string json_key = std::string(R"({"AccountKey":")") + kDevKey + R"("})";
    EXPECT_EQ(redact(json_key).find(std::string(kDevKey).substr(0, 20)), std::string::npos) << redact(json_key);
}

}  // namespace
}  // namespace azblobfs
