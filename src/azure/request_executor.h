// RequestExecutor: turns one logical Azure request into signed HTTP attempts with retries.
//
// Per attempt it stamps x-ms-version and a fresh x-ms-date, authorises the request (SharedKey
// Authorization header, SAS query string, or nothing for anonymous access) and sends it over the
// HttpTransport. Outcomes are retried as retry_policy.h decides. The executor does not interpret
// service errors: it returns the last HTTP response, whatever its status, so the caller can map
// it (error_from_response) or resolve an ambiguous retry with the attempt count.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

#include "azure/azure_blob_store.h"
#include "azure/credentials.h"
#include "azure/http_transport.h"

namespace azblobfs {

inline constexpr const char* kAzureApiVersion = "2021-08-06";

struct AzureRequest {
    std::string method;
    std::string url;          // percent-encoded, without the SAS token
    HttpHeaders headers;      // operation headers; x-ms-version, x-ms-date, Authorization are added
    std::string_view body;    // must outlive execute()
    std::string context;      // "put_blob container/blob": names the operation in messages and logs
    // Optional check of a 2xx response (e.g. body length against Content-Range). A non-ok
    // Status with Code::kUnavailable makes the attempt count as a transport failure (retried);
    // any other non-ok Status is returned as is.
    std::function<Status(const HttpResponse&)> validate;
};

struct AzureExchange {
    HttpResponse response;    // the last response received
    int attempts = 0;         // attempts sent; > 1 means an earlier attempt may have reached the server
};

struct ExecutorOptions {
    RetryOptions retry;
    std::function<void(std::chrono::milliseconds)> sleep;  // empty: std::this_thread::sleep_for
    std::function<double()> jitter;                        // uniform [0, 1); empty: internal RNG
    std::function<int64_t()> now_unix;                     // empty: system clock (for x-ms-date)
};

class RequestExecutor {
public:
    RequestExecutor(AccountConfig account, std::shared_ptr<HttpTransport> transport,
                    ExecutorOptions options);

    // Thread-safe. Returns the last response once no retry is due (non-2xx included). A non-ok
    // Status only when the last attempt failed in transport (kUnavailable), signing failed, or
    // `validate` rejected the response.
    Result<AzureExchange> execute(const AzureRequest& request);

    const AccountConfig& account() const { return account_; }

private:
    Result<HttpRequest> prepare(const AzureRequest& request) const;
    double next_jitter();
    void sleep_for(std::chrono::milliseconds delay) const;

    AccountConfig account_;
    std::shared_ptr<HttpTransport> transport_;
    ExecutorOptions options_;
    std::mutex rng_mu_;        // guards rng_
    std::mt19937_64 rng_;
};

// True for 2xx.
bool is_success(int http_status);

// The Status of a non-2xx response: the Azure error code from the x-ms-error-code header (HEAD
// responses have no body), else from the XML body; the message starts with `context`.
Status error_from_response(const HttpResponse& response, const std::string& context);

}  // namespace azblobfs
