#include "azure/request_executor.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "azure/retry_policy.h"
#include "azure/sas.h"
#include "azure/shared_key.h"
#include "azure/xml_parse.h"
#include "common/redact.h"

namespace azblobfs {

using std::chrono::milliseconds;

namespace {

int64_t system_now_unix() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// What one attempt produced: a final answer, or a failure that may be retried.
struct AttemptOutcome {
    std::optional<HttpResponse> response;      // set when an HTTP answer arrived
    Status failure;                            // non-ok when the attempt should be retried
    std::optional<milliseconds> retry_after;   // the server's hint, if any
};

}  // namespace

bool is_success(int http_status) { return http_status >= 200 && http_status < 300; }

Status error_from_response(const HttpResponse& response, const std::string& context) {
    ServiceError parsed = parse_error_body(response.body);
    std::string code = response.header("x-ms-error-code");
    if (code.empty()) code = parsed.code;
    return status_from_service_error(response.status, code, parsed.message, context);
}

RequestExecutor::RequestExecutor(AccountConfig account, std::shared_ptr<HttpTransport> transport,
                                 ExecutorOptions options)
    : account_(std::move(account)), transport_(std::move(transport)), options_(std::move(options)),
      rng_(std::random_device{}()) {}

Result<HttpRequest> RequestExecutor::prepare(const AzureRequest& request) const {
    HttpRequest http;
    http.method = request.method;
    http.url = request.url;
    http.body = request.body;
    http.headers = request.headers;
    http.low_speed_time = options_.retry.low_speed_time;
    int64_t now = options_.now_unix ? options_.now_unix() : system_now_unix();
    http.headers.emplace_back("x-ms-date", format_rfc1123(now));
    http.headers.emplace_back("x-ms-version", kAzureApiVersion);
    switch (account_.auth) {
        case AuthKind::kSas:
            http.url = append_sas(http.url, account_.sas_token);
            break;
        case AuthKind::kSharedKey: {
            Result<std::string> auth =
                shared_key_authorization(account_.account_name, account_.account_key, http);
            if (!auth) return auth.status().with_context(request.context);
            http.headers.emplace_back("Authorization", std::move(auth).value());
            break;
        }
        case AuthKind::kAnonymous:
            break;
    }
    return http;
}

double RequestExecutor::next_jitter() {
    if (options_.jitter) return options_.jitter();
    std::lock_guard<std::mutex> lock(rng_mu_);
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

void RequestExecutor::sleep_for(milliseconds delay) const {
    if (options_.sleep) {
        options_.sleep(delay);
    } else {
        std::this_thread::sleep_for(delay);
    }
}

Result<AzureExchange> RequestExecutor::execute(const AzureRequest& request) {
    RetryState state;
    auto log = spdlog::default_logger();
    while (true) {
        AZB_ASSIGN_OR_RETURN(HttpRequest http, prepare(request));
        auto started = std::chrono::steady_clock::now();
        Result<HttpResponse> sent = transport_->send(http);
        ++state.attempts_made;
        auto ms = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
        AttemptOutcome outcome;
        if (!sent) {
            log->debug("{} {} -> {} ({} ms)", http.method, redact(http.url), sent.status().message(), ms.count());
            outcome.failure = sent.status().with_context(request.context);
        } else {
            HttpResponse& response = sent.value();
            log->debug("{} {} -> {} ({} ms)", http.method, redact(http.url), response.status, ms.count());
            if (is_success(response.status) && request.validate) {
                Status valid = request.validate(response);
                if (!valid && valid.code() != Code::kUnavailable) return valid;
                outcome.failure = valid;
            } else if (is_retryable_http_status(response.status)) {
                outcome.failure = error_from_response(response, request.context);
                outcome.retry_after = parse_retry_after(response.header("retry-after"));
            }
            outcome.response = std::move(response);
        }
        if (outcome.failure.is_ok()) return AzureExchange{std::move(*outcome.response), state.attempts_made};
        std::optional<milliseconds> delay =
            next_retry_delay(options_.retry, state, outcome.retry_after, next_jitter());
        if (!delay) {
            // Out of budget: a retryable HTTP answer is returned for the caller to map; a
            // transport or validation failure is returned as its Status.
            if (outcome.response && !is_success(outcome.response->status)) {
                return AzureExchange{std::move(*outcome.response), state.attempts_made};
            }
            return outcome.failure;
        }
        // The failure's message starts with request.context.
        log->warn("attempt {} failed: {}; retrying in {} ms", state.attempts_made,
                  redact(outcome.failure.to_string()), delay->count());
        sleep_for(*delay);
        state.slept += *delay;
    }
}

}  // namespace azblobfs
