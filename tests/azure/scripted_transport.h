// A fake HttpTransport for unit tests of the layers above it: it answers from a script of
// responses (or transport failures), in order, and records every request it was sent.
// When the script runs out it fails the test and answers 500.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "azure/http_transport.h"

namespace azblobfs::testing {

struct SentRequest {
    std::string method;
    std::string url;
    HttpHeaders headers;
    std::string body;
    std::string header(const std::string& name) const {
        for (const auto& [k, v] : headers) {
            if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
        }
        return {};
    }
};

inline HttpResponse make_response(int status, HttpHeaders headers = {}, std::string body = {}) {
    HttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    return r;
}

class ScriptedTransport : public HttpTransport {
public:
    void push(Result<HttpResponse> answer) {
        std::lock_guard lock(mu_);
        script_.push_back(std::move(answer));
    }
    void push(int status, HttpHeaders headers = {}, std::string body = {}) {
        push(make_response(status, std::move(headers), std::move(body)));
    }
    void push_reset() { push(Status(Code::kUnavailable, "connection reset by peer (scripted)")); }

    Result<HttpResponse> send(const HttpRequest& request) override {
        std::lock_guard lock(mu_);
        sent_.push_back(SentRequest{request.method, request.url, request.headers, std::string(request.body)});
        if (script_.empty()) {
            ADD_FAILURE() << "unexpected request " << request.method << " " << request.url;
            return make_response(500);
        }
        Result<HttpResponse> answer = std::move(script_.front());
        script_.pop_front();
        return answer;
    }

    std::vector<SentRequest> sent() const {
        std::lock_guard lock(mu_);
        return sent_;
    }
    size_t remaining() const {
        std::lock_guard lock(mu_);
        return script_.size();
    }

private:
    mutable std::mutex mu_;
    std::deque<Result<HttpResponse>> script_;
    std::vector<SentRequest> sent_;
};

}  // namespace azblobfs::testing
