// HTTP/1.1 messages as the fault proxy sees them: parsed from the client connection or from an
// upstream response read to EOF, and serialised back with an exact Content-Length (never chunked).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fault_proxy/socket_io.h"

namespace azblobfs::fault_proxy {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; nullopt when absent.
std::optional<std::string> find_header(const HeaderList& headers, std::string_view name);
// Removes every header with this name (case-insensitive).
void remove_header(HeaderList& headers, std::string_view name);

struct Request {
    std::string method;
    std::string target;         // origin-form, e.g. "/devstoreaccount1/c/b?comp=block"
    HeaderList headers;
    std::string body;
    bool wants_close() const;   // the client sent "Connection: close"
};

struct Response {
    int status = 0;
    std::string reason;
    HeaderList headers;
    std::string body;
};

enum class ReadOutcome { kOk, kClosed, kMalformed };

// Reads one request with a Content-Length body (or none). Answers "Expect: 100-continue" with
// an interim 100 on `fd` before reading the body. Chunked request bodies are kMalformed.
ReadOutcome read_request(BufferedReader& reader, int fd, Request* request);

// Request bytes for the upstream: same method, target and headers, but "Connection: close",
// no Expect, and Content-Length equal to the body size.
std::string serialize_upstream_request(const Request& request);

// Parses a complete response as read to EOF; de-chunks a chunked body. With head_request the
// body is empty whatever the headers say. nullopt when malformed.
std::optional<Response> parse_response(std::string raw, bool head_request);

// Response head for the client: hop-by-hop headers removed, Content-Length set to the body
// size, or kept as the upstream sent it for a HEAD request (whose body is always empty).
std::string serialize_head(const Response& response, bool head_request);

}  // namespace azblobfs::fault_proxy
