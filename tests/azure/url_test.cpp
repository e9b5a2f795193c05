#include "azure/url.h"

#include <gtest/gtest.h>

namespace azblobfs {
namespace {

AccountConfig path_style() {
    AccountConfig a;
    a.account_name = "devstoreaccount1";
    a.blob_endpoint = "http://127.0.0.1:10000/devstoreaccount1";
    a.path_style = true;
    return a;
}

TEST(Url, KeepsUnreservedAndSlashesEncodesTheRest) {
    EXPECT_EQ(encode_blob_path("a/b-c_d.e~f/G9"), "a/b-c_d.e~f/G9");
    EXPECT_EQ(encode_blob_path("dir with space/x+y"), "dir%20with%20space/x%2By");
    EXPECT_EQ(encode_blob_path("100%/#frag?q=1&r"), "100%25/%23frag%3Fq%3D1%26r");
    EXPECT_EQ(encode_blob_path("caf\xC3\xA9/\xE2\x82\xAC"), "caf%C3%A9/%E2%82%AC");
    EXPECT_EQ(encode_blob_path("back\\slash;colon:at@"), "back%5Cslash%3Bcolon%3Aat%40");
    EXPECT_EQ(encode_blob_path("./../x"), "./../x");  // dots stay; curl sends the path as is
    EXPECT_EQ(encode_blob_path("a//b/"), "a//b/");
}

TEST(Url, QueryValuesEncodeSlashesToo) {
    EXPECT_EQ(percent_encode("ab+/="), "ab%2B%2F%3D");
    EXPECT_EQ(with_query("http://h/c", {{"comp", "block"}, {"blockid", "AAE+/w=="}}),
              "http://h/c?comp=block&blockid=AAE%2B%2Fw%3D%3D");
    EXPECT_EQ(with_query("http://h/c?restype=container", {{"prefix", ""}}),
              "http://h/c?restype=container&prefix=");
}

TEST(Url, PathStyleEndpointKeepsTheAccountSegment) {
    AccountConfig a = path_style();
    EXPECT_EQ(service_url(a), "http://127.0.0.1:10000/devstoreaccount1");
    EXPECT_EQ(blob_url(a, "photos", "2025/a b.png"),
              "http://127.0.0.1:10000/devstoreaccount1/photos/2025/a%20b.png");
    a.blob_endpoint = "http://127.0.0.1:10000/";
    EXPECT_EQ(container_url(a, "photos"), "http://127.0.0.1:10000/devstoreaccount1/photos");
}

TEST(Url, HostStyleEndpoint) {
    AccountConfig a;
    a.account_name = "acct";
    a.blob_endpoint = "https://acct.blob.core.windows.net/";
    EXPECT_EQ(service_url(a), "https://acct.blob.core.windows.net");
    EXPECT_EQ(blob_url(a, "c1", "x/y"), "https://acct.blob.core.windows.net/c1/x/y");
}

}  // namespace
}  // namespace azblobfs
