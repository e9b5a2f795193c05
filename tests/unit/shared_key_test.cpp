// SharedKey signing against vectors derived from the "Authorize with Shared Key" page of the
// Azure Storage REST documentation.
//
// Expected signatures were computed outside this code base with OpenSSL:
//   HEX=$(printf %s "$KEY" | base64 -d | xxd -p -c 256)
//   openssl dgst -sha256 -mac HMAC -macopt hexkey:$HEX -binary < string-to-sign.txt | base64
// where KEY is the published development-storage key (kDevKey below) and string-to-sign.txt
// holds the expected string byte for byte (written with printf '%s', so that '%20' is literal
// and no trailing newline is lost to a command substitution).
#include <gtest/gtest.h>

#include "azure/shared_key.h"

namespace azblobfs {
namespace {

constexpr const char* kDevKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

HttpRequest request(std::string method, std::string url, HttpHeaders headers, std::string_view body = {}) {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.headers = std::move(headers);
    r.body = body;
    return r;
}

// The documented example: Get Container Metadata with a timeout.
TEST(SharedKey, DocumentedGetContainerMetadataExample) {
    HttpRequest r = request("GET",
                            "https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata&timeout=20",
                            {{"x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT"}, {"x-ms-version", "2015-02-21"}});
    EXPECT_EQ(shared_key_string_to_sign("myaccount", r),
              "GET\n\n\n\n\n\n\n\n\n\n\n\n"
              "x-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\nx-ms-version:2015-02-21\n"
              "/myaccount/mycontainer\ncomp:metadata\nrestype:container\ntimeout:20");
    auto auth = shared_key_authorization("myaccount", kDevKey, r);
    ASSERT_TRUE(auth.is_ok()) << auth.status().to_string();
    EXPECT_EQ(*auth, "SharedKey myaccount:1u9lui2jDxj0+fpbHjQ5m5NnastJRSYM+PSmfi8TXx4=");
}

// The documented canonicalized-resource example: a parameter with several values is listed
// once, its values sorted and joined with ','.
TEST(SharedKey, RepeatedQueryParameterValuesAreSortedAndJoined) {
    HttpRequest r = request("GET",
                            "https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=list"
                            "&include=snapshots&include=metadata&include=uncommittedblobs",
                            {});
    std::string s = shared_key_string_to_sign("myaccount", r);
    EXPECT_TRUE(s.ends_with("\n/myaccount/mycontainer\ncomp:list\ninclude:metadata,snapshots,uncommittedblobs"
                            "\nrestype:container"))
        << s;
}

TEST(SharedKey, QueryNamesAreLowercasedAndValuesDecoded) {
    HttpRequest r = request("GET", "http://h/acct/c?Prefix=a%2Fb%20c&MaxResults=10&comp=list&restype=container", {});
    std::string s = shared_key_string_to_sign("acct", r);
    EXPECT_TRUE(s.ends_with("\n/acct/acct/c\ncomp:list\nmaxresults:10\nprefix:a/b c\nrestype:container")) << s;
}

// A Put Blob on the emulator: path-style resource (account twice), standard headers in their
// fixed slots, x-ms-* headers lowercased, sorted and trimmed, Content-Length from the body.
TEST(SharedKey, PutBlobPathStyleWithSortedTrimmedHeaders) {
    std::string_view body = "hello world";  // 11 bytes
    HttpRequest r = request("PUT", "http://127.0.0.1:10000/devstoreaccount1/photos/a%20b.png",
                            {{"x-ms-version", "2021-08-06"},
                             {"X-MS-Meta-Zeta", "last"},
                             {"x-ms-date", "Sun, 01 Jan 2023 00:00:00 GMT"},
                             {"Content-Type", "text/plain"},
                             {"x-ms-meta-alpha", "   one  two  "},
                             {"If-None-Match", "*"},
                             {"x-ms-blob-type", "BlockBlob"},
                             {"User-Agent", "azblobfs"}},
                            body);
    const std::string expected =
        "PUT\n\n\n11\n\ntext/plain\n\n\n\n*\n\n\n"
        "x-ms-blob-type:BlockBlob\nx-ms-date:Sun, 01 Jan 2023 00:00:00 GMT\nx-ms-meta-alpha:one  two\n"
        "x-ms-meta-zeta:last\nx-ms-version:2021-08-06\n"
        "/devstoreaccount1/devstoreaccount1/photos/a%20b.png";
    EXPECT_EQ(shared_key_string_to_sign("devstoreaccount1", r), expected);
    auto auth = shared_key_authorization("devstoreaccount1", kDevKey, r);
    ASSERT_TRUE(auth.is_ok());
    EXPECT_EQ(*auth, "SharedKey devstoreaccount1:tCbBjIR2KSeueNA1Q+NdRRkUrfJxHckM2QT5g06qt4Y=");
}

TEST(SharedKey, ZeroContentLengthIsEmpty) {
    HttpRequest empty_body = request("PUT", "http://h/a/c?restype=container", {});
    EXPECT_EQ(shared_key_string_to_sign("a", empty_body).substr(0, 8), "PUT\n\n\n\n\n");
    HttpRequest explicit_zero = request("PUT", "http://h/a/c?restype=container", {{"Content-Length", "0"}});
    EXPECT_EQ(shared_key_string_to_sign("a", explicit_zero), shared_key_string_to_sign("a", empty_body));
    HttpRequest explicit_len = request("PUT", "http://h/a/c", {{"content-length", "42"}});
    EXPECT_EQ(shared_key_string_to_sign("a", explicit_len).substr(0, 10), "PUT\n\n\n42\n\n");
}

TEST(SharedKey, RangeAndConditionalHeadersTakeTheirSlots) {
    HttpRequest r = request("GET", "http://h/a/c/b",
                            {{"Range", "bytes=0-99"}, {"If-Match", "\"0x1\""}, {"If-Modified-Since", "X"},
                             {"If-Unmodified-Since", "Y"}, {"Content-MD5", "md5"}, {"Content-Encoding", "gzip"},
                             {"Content-Language", "en"}, {"Date", "D"}});
    EXPECT_EQ(shared_key_string_to_sign("a", r),
              "GET\ngzip\nen\n\nmd5\n\nD\nX\n\"0x1\"\n\nY\nbytes=0-99\n/a/a/c/b");
}

TEST(SharedKey, UrlWithoutPathSignsRoot) {
    HttpRequest r = request("GET", "https://acct.blob.core.windows.net?comp=list", {});
    EXPECT_TRUE(shared_key_string_to_sign("acct", r).ends_with("\n/acct/\ncomp:list"));
}

TEST(SharedKey, BadKeyIsInvalidArgumentWithoutTheKey) {
    HttpRequest r = request("GET", "http://h/a/c", {});
    auto auth = shared_key_authorization("a", "not*base64", r);
    ASSERT_FALSE(auth.is_ok());
    EXPECT_EQ(auth.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(auth.status().message().find("not*base64"), std::string::npos);
}

TEST(SharedKey, DifferentKeysGiveDifferentSignatures) {
    HttpRequest r = request("GET", "http://h/a/c", {{"x-ms-date", "D"}});
    auto a = shared_key_authorization("a", kDevKey, r);
    auto b = shared_key_authorization("a", "AAAAAAAAAAAAAAAAAAAAAA==", r);
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    EXPECT_NE(*a, *b);
    EXPECT_TRUE(a->starts_with("SharedKey a:"));
}

}  // namespace
}  // namespace azblobfs
