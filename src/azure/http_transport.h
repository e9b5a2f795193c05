// HttpTransport: sends one HTTP request and returns the response, nothing more.
// No retries, no signing, no interpretation of the status code: those live above it
// (azure/request_executor.h). A transport error (connect failure, reset, timeout, truncated
// body) is a non-ok Status with Code::kUnavailable; any HTTP answer, 500 included, is a value.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace azblobfs {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method;            // "GET", "PUT", "HEAD", "DELETE"
    std::string url;               // absolute, already percent-encoded
    HttpHeaders headers;           // sent exactly as given; the transport adds none that are signed
    std::string_view body;         // must outlive send()
    std::chrono::milliseconds connect_timeout{5000};
    // Abort when fewer than low_speed_bytes arrive within low_speed_time (a stalled connection).
    std::chrono::seconds low_speed_time{30};
    long low_speed_bytes = 1;
};

struct HttpResponse {
    int status = 0;
    HttpHeaders headers;           // names lowercased
    std::string body;

    // Case-insensitive lookup; empty when absent.
    std::string header(std::string_view name) const;
};

class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    // Thread-safe. Connections are kept alive and reused across calls and threads.
    virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

}  // namespace azblobfs
