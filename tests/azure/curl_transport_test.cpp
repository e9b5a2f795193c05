#include "azure/curl_transport.h"

#include <gtest/gtest.h>

#include "scripted_http_server.h"
#include "support/azurite_server.h"

namespace azblobfs {
namespace {

using testing::ScriptedHttpServer;
using Conn = ScriptedHttpServer::Connection;

std::string head_of(const std::string& raw) { return raw.substr(0, raw.find("\r\n\r\n") + 2); }

TEST(CurlTransport, SendsHeadersExactlyWithAnExplicitLength) {
    ScriptedHttpServer server({Conn{"HTTP/1.1 201 Created\r\nETag: \"0x1\"\r\nX-Ms-Request-Id: r1\r\n"
                                "Content-Length: 2\r\n\r\nok"}});
    auto transport = make_curl_transport();
    HttpRequest req;
    req.method = "PUT";
    req.url = server.url("/acct/c1/a%20b");
    req.headers = {{"x-ms-blob-type", "BlockBlob"}, {"x-ms-meta-empty", ""}};
    std::string body(3 * 1024 * 1024, 'z');  // large enough for curl to want Expect: 100-continue
    req.body = body;
    Result<HttpResponse> r = transport->send(req);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->body, "ok");
    EXPECT_EQ(r->header("ETag"), "\"0x1\"");
    EXPECT_EQ(r->header("x-ms-request-id"), "r1");
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    std::string head = head_of(requests[0]);
    EXPECT_EQ(head.rfind("PUT /acct/c1/a%20b HTTP/1.1\r\n", 0), 0u) << head;
    EXPECT_NE(head.find("\r\nContent-Length: 3145728\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("\r\nx-ms-blob-type: BlockBlob\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("\r\nx-ms-meta-empty:"), std::string::npos) << head;
    EXPECT_EQ(head.find("Expect"), std::string::npos) << head;
    EXPECT_EQ(head.find("Content-Type"), std::string::npos) << head;
    EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos) << head;
    EXPECT_EQ(requests[0].size() - head.size() - 2, body.size());
}

TEST(CurlTransport, EmptyPutSendsContentLengthZeroAndHeadHasNoBody) {
    ScriptedHttpServer server({Conn{"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
                                "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nx-ms-meta-k: v\r\n\r\n"}});
    auto transport = make_curl_transport();
    HttpRequest put;
    put.method = "PUT";
    put.url = server.url("/acct/c1?restype=container");
    ASSERT_TRUE(transport->send(put).is_ok());
    HttpRequest head;
    head.method = "HEAD";
    head.url = server.url("/acct/c1/b");
    Result<HttpResponse> r = transport->send(head);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("content-length"), "1234");
    EXPECT_EQ(r->header("x-ms-meta-k"), "v");
    auto requests = server.requests();  // both on the one accepted connection: keep-alive reuse
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_NE(requests[0].find("\r\nContent-Length: 0\r\n"), std::string::npos) << requests[0];
    EXPECT_EQ(requests[1].rfind("HEAD /acct/c1/b HTTP/1.1\r\n", 0), 0u);
}

TEST(CurlTransport, TruncatedBodyIsUnavailableAndRedacted) {
    ScriptedHttpServer server({Conn{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123"}});
    auto transport = make_curl_transport();
    HttpRequest get;
    get.method = "GET";
    get.url = server.url("/acct/c1/b?sv=2021-08-06&sig=SECRETSIG");
    Result<HttpResponse> r = transport->send(get);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), Code::kUnavailable);
    EXPECT_NE(r.status().message().find("GET http://127.0.0.1:"), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find("SECRETSIG"), std::string::npos) << r.status().message();
}

TEST(CurlTransport, ConnectionRefusedIsUnavailable) {
    int port = testing::pick_free_port();  // nothing listens there
    auto transport = make_curl_transport();
    HttpRequest get;
    get.method = "GET";
    get.url = "http://127.0.0.1:" + std::to_string(port) + "/acct/c?sig=SECRETSIG";
    Result<HttpResponse> r = transport->send(get);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), Code::kUnavailable);
    EXPECT_NE(r.status().message().find("curl 7"), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find("SECRETSIG"), std::string::npos);
}

TEST(CurlTransport, StalledResponseTimesOut) {
    // The server reads the request and then sends nothing: low-speed detection must end it.
    ScriptedHttpServer server({Conn{std::string()}}, /*hold_open=*/true);
    auto transport = make_curl_transport();
    HttpRequest get;
    get.method = "GET";
    get.url = server.url("/acct/c1/b");
    get.low_speed_time = std::chrono::seconds(1);
    auto start = std::chrono::steady_clock::now();
    Result<HttpResponse> r = transport->send(get);
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), Code::kUnavailable);
    EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(CurlTransport, ResponseCutInsideItsHeadersIsUnavailable) {
    // A status line and part of a header, then the connection closes: not a response.
    ScriptedHttpServer server({Conn{"HTTP/1.1 201 Created\r\nETag: \"0x"}});
    auto transport = make_curl_transport();
    HttpRequest put;
    put.method = "PUT";
    put.url = server.url("/acct/c1/b");
    put.body = "x";
    Result<HttpResponse> r = transport->send(put);
    ASSERT_FALSE(r.is_ok()) << "status " << r->status << " etag '" << r->header("etag") << "'";
    EXPECT_EQ(r.status().code(), Code::kUnavailable);
}

// curl re-sends a request once on a fresh connection when a reused connection dies before
// answering. A write may then have been applied by the first copy, so a failure answer to the
// re-sent copy is reported as a transport failure (ambiguous), not as the service's refusal.
TEST(CurlTransport, FailureAnswerToCurlsSilentResendIsUnavailable) {
    const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    const std::string conflict = "HTTP/1.1 409 Conflict\r\nContent-Length: 0\r\n\r\n";
    ScriptedHttpServer server({Conn{ok, ""}, {conflict}});  // connection 1 dies after the 2nd request
    auto transport = make_curl_transport();
    HttpRequest warm;
    warm.method = "GET";
    warm.url = server.url("/acct/c1/warm");
    ASSERT_TRUE(transport->send(warm).is_ok());
    HttpRequest put;
    put.method = "PUT";
    put.url = server.url("/acct/c1/b");
    put.headers = {{"If-None-Match", "*"}};
    put.body = "data";
    Result<HttpResponse> r = transport->send(put);
    ASSERT_FALSE(r.is_ok()) << "HTTP " << r->status;
    EXPECT_EQ(r.status().code(), Code::kUnavailable);
    EXPECT_NE(r.status().message().find("409"), std::string::npos) << r.status().message();
    EXPECT_EQ(server.requests().size(), 3u);  // warm-up, the lost PUT and curl's re-send
}

TEST(CurlTransport, SuccessAnswerToCurlsSilentResendIsKept) {
    const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    const std::string created = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
    ScriptedHttpServer server({Conn{ok, ""}, {created}});
    auto transport = make_curl_transport();
    HttpRequest warm;
    warm.method = "GET";
    warm.url = server.url("/acct/c1/warm");
    ASSERT_TRUE(transport->send(warm).is_ok());
    HttpRequest put;
    put.method = "PUT";
    put.url = server.url("/acct/c1/b");
    put.body = "data";
    Result<HttpResponse> r = transport->send(put);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->status, 201);
}

}  // namespace
}  // namespace azblobfs
