#include "azure/request_executor.h"

#include <gtest/gtest.h>

#include <atomic>

#include "azure/shared_key.h"
#include "azure/xml_parse.h"
#include "scripted_transport.h"

namespace azblobfs {
namespace {

using std::chrono::milliseconds;
using testing::ScriptedTransport;

class ExecutorTest : public ::testing::Test {
protected:
    RequestExecutor make(AccountConfig account) {
        ExecutorOptions o;
        o.retry.max_attempts = 4;
        o.retry.base_delay = milliseconds(100);
        o.retry.max_delay = milliseconds(1000);
        o.retry.max_total = milliseconds(5000);
        o.sleep = [this](milliseconds d) { sleeps.push_back(d); };
        o.jitter = [] { return 0.5; };
        o.now_unix = [this] { return 1'700'000'000 + clock++; };
        return RequestExecutor(std::move(account), transport, o);
    }
    RequestExecutor make() { return make(development_storage_config()); }

    AzureRequest get(std::string url = "http://127.0.0.1:10000/devstoreaccount1/c1/b") {
        return AzureRequest{"GET", std::move(url), {}, {}, "read c1/b", {}};
    }

    std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();
    std::vector<milliseconds> sleeps;
    int64_t clock = 0;
};

TEST_F(ExecutorTest, RetriesTwo503sThenSucceeds) {
    transport->push(503);
    transport->push(503);
    transport->push(200, {}, "ok");
    RequestExecutor ex = make();
    Result<AzureExchange> r = ex.execute(get());
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->response.status, 200);
    EXPECT_EQ(r->response.body, "ok");
    EXPECT_EQ(r->attempts, 3);
    EXPECT_EQ(transport->sent().size(), 3u);
    // Full jitter at 0.5 of caps 100 ms and 200 ms.
    ASSERT_EQ(sleeps.size(), 2u);
    EXPECT_EQ(sleeps[0], milliseconds(50));
    EXPECT_EQ(sleeps[1], milliseconds(100));
}

TEST_F(ExecutorTest, AuthFailureIsSentOnce) {
    transport->push(403, {{"x-ms-error-code", "AuthenticationFailed"}});
    RequestExecutor ex = make();
    Result<AzureExchange> r = ex.execute(get());
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r->attempts, 1);
    EXPECT_TRUE(sleeps.empty());
    Status st = error_from_response(r->response, "read c1/b");
    EXPECT_EQ(st.code(), Code::kAuthFailed);
    EXPECT_NE(st.message().find("read c1/b"), std::string::npos);
}

TEST_F(ExecutorTest, NotFoundAndConflictsAreNotRetried) {
    for (int status : {404, 409, 412, 416, 400}) {
        transport->push(status);
        RequestExecutor ex = make();
        Result<AzureExchange> r = ex.execute(get());
        ASSERT_TRUE(r.is_ok());
        EXPECT_EQ(r->attempts, 1) << status;
    }
    EXPECT_EQ(transport->sent().size(), 5u);
}

TEST_F(ExecutorTest, TransportFailuresAreRetriedUntilMaxAttempts) {
    for (int i = 0; i < 4; ++i) transport->push_reset();
    RequestExecutor ex = make();
    Result<AzureExchange> r = ex.execute(get());
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), Code::kUnavailable);
    EXPECT_NE(r.status().message().find("read c1/b"), std::string::npos);
    EXPECT_EQ(transport->sent().size(), 4u);
    EXPECT_EQ(sleeps.size(), 3u);
}

TEST_F(ExecutorTest, ExhaustedRetryableAnswerIsReturnedForMapping) {
    for (int i = 0; i < 4; ++i) transport->push(503, {{"x-ms-error-code", "ServerBusy"}});
    RequestExecutor ex = make();
    Result<AzureExchange> r = ex.execute(get());
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r->attempts, 4);
    EXPECT_EQ(r->response.status, 503);
    EXPECT_EQ(error_from_response(r->response, "read c1/b").code(), Code::kThrottled);
}

TEST_F(ExecutorTest, HonoursRetryAfter) {
    transport->push(429, {{"retry-after", "2"}});
    transport->push(200);
    RequestExecutor ex = make();
    ASSERT_TRUE(ex.execute(get()).is_ok());
    ASSERT_EQ(sleeps.size(), 1u);
    EXPECT_EQ(sleeps[0], milliseconds(1000));  // 2 s hint capped at max_delay (1 s)
}

TEST_F(ExecutorTest, StopsWhenTheTotalSleepBudgetIsSpent) {
    transport->push(503, {{"retry-after", "1"}});
    transport->push(503, {{"retry-after", "1"}});
    RequestExecutor ex = [&] {
        ExecutorOptions o;
        o.retry.max_attempts = 10;
        o.retry.max_delay = milliseconds(5000);
        o.retry.max_total = milliseconds(1500);
        o.sleep = [this](milliseconds d) { sleeps.push_back(d); };
        return RequestExecutor(development_storage_config(), transport, o);
    }();
    Result<AzureExchange> r = ex.execute(get());
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r->attempts, 2);
    EXPECT_EQ(sleeps, std::vector<milliseconds>{milliseconds(1000)});
}

TEST_F(ExecutorTest, SignsEveryAttemptAfresh) {
    transport->push_reset();
    transport->push(201);
    AccountConfig account = development_storage_config();
    RequestExecutor ex = make(account);
    AzureRequest put{"PUT", account.blob_endpoint + "/c1/b", {{"x-ms-blob-type", "BlockBlob"}}, "data",
                     "put_blob c1/b", {}};
    ASSERT_TRUE(ex.execute(put).is_ok());
    auto sent = transport->sent();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_NE(sent[0].header("x-ms-date"), sent[1].header("x-ms-date"));
    EXPECT_NE(sent[0].header("Authorization"), sent[1].header("Authorization"));
    for (const auto& s : sent) {
        EXPECT_EQ(s.header("x-ms-version"), "2021-08-06");
        EXPECT_EQ(s.body, "data");
        // The Authorization sent is the signature of exactly the request sent.
        HttpRequest replay;
        replay.method = s.method;
        replay.url = s.url;
        replay.body = s.body;
        for (const auto& h : s.headers) {
            if (h.first != "Authorization") replay.headers.push_back(h);
        }
        Result<std::string> expected =
            shared_key_authorization(account.account_name, account.account_key, replay);
        ASSERT_TRUE(expected.is_ok());
        EXPECT_EQ(s.header("Authorization"), *expected);
    }
}

TEST_F(ExecutorTest, SasGoesInTheQueryAndAnonymousSendsNoAuthorization) {
    AccountConfig sas = development_storage_config();
    sas.auth = AuthKind::kSas;
    sas.sas_token = "sv=2021-08-06&sig=abc%2Bdef";
    transport->push(200);
    RequestExecutor ex = make(sas);
    ASSERT_TRUE(ex.execute(get("http://h/devstoreaccount1/c1/b?comp=metadata")).is_ok());
    AccountConfig anon = sas;
    anon.auth = AuthKind::kAnonymous;
    transport->push(200);
    RequestExecutor ex2 = make(anon);
    ASSERT_TRUE(ex2.execute(get()).is_ok());
    auto sent = transport->sent();
    EXPECT_EQ(sent[0].url, "http://h/devstoreaccount1/c1/b?comp=metadata&sv=2021-08-06&sig=abc%2Bdef");
    EXPECT_EQ(sent[0].header("Authorization"), "");
    EXPECT_EQ(sent[1].url, "http://127.0.0.1:10000/devstoreaccount1/c1/b");
    EXPECT_EQ(sent[1].header("Authorization"), "");
}

TEST_F(ExecutorTest, ValidationFailureOfKindUnavailableIsRetried) {
    transport->push(206, {}, "shor");
    transport->push(206, {}, "short");
    RequestExecutor ex = make();
    AzureRequest req = get();
    req.validate = [](const HttpResponse& r) {
        return r.body.size() == 5 ? Status::ok() : Status(Code::kUnavailable, "short body");
    };
    Result<AzureExchange> r = ex.execute(req);
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r->response.body, "short");
    EXPECT_EQ(r->attempts, 2);

    transport->push(200, {}, "x");
    req.validate = [](const HttpResponse&) { return Status(Code::kInternal, "unparsable"); };
    Result<AzureExchange> bad = ex.execute(req);
    ASSERT_FALSE(bad.is_ok());
    EXPECT_EQ(bad.status().code(), Code::kInternal);
    EXPECT_EQ(transport->sent().size(), 3u);
}

}  // namespace
}  // namespace azblobfs
