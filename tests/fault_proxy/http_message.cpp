#include "fault_proxy/http_message.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace azblobfs::fault_proxy {

namespace {

constexpr size_t kMaxHead = 64 * 1024;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Splits a head (ending in CRLF CRLF) into its start line and headers.
bool parse_head(std::string_view head, std::string* start_line, HeaderList* headers) {
    size_t eol = head.find("\r\n");
    if (eol == std::string_view::npos) return false;
    *start_line = std::string(head.substr(0, eol));
    size_t pos = eol + 2;
    while (pos < head.size()) {
        size_t next = head.find("\r\n", pos);
        if (next == std::string_view::npos || next == pos) break;
        std::string_view line = head.substr(pos, next - pos);
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) return false;
        headers->emplace_back(std::string(trim(line.substr(0, colon))),
                              std::string(trim(line.substr(colon + 1))));
        pos = next + 2;
    }
    return true;
}

std::optional<size_t> parse_size(std::string_view text, int base) {
    text = trim(text);
    size_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc() || end == text.data()) return std::nullopt;
    return value;
}

// Decodes a chunked body (chunk extensions and trailers ignored).
std::optional<std::string> dechunk(std::string_view data) {
    std::string out;
    size_t pos = 0;
    while (true) {
        size_t eol = data.find("\r\n", pos);
        if (eol == std::string_view::npos) return std::nullopt;
        std::string_view size_line = data.substr(pos, eol - pos);
        size_line = size_line.substr(0, size_line.find(';'));
        std::optional<size_t> size = parse_size(size_line, 16);
        if (!size) return std::nullopt;
        pos = eol + 2;
        if (*size == 0) return out;
        if (data.size() < pos + *size) return std::nullopt;
        out.append(data.substr(pos, *size));
        pos += *size + 2;  // chunk data, then CRLF
    }
}

bool is_hop_by_hop(std::string_view name) {
    return iequals(name, "connection") || iequals(name, "keep-alive") ||
           iequals(name, "transfer-encoding") || iequals(name, "content-length");
}

}  // namespace

std::optional<std::string> find_header(const HeaderList& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return std::nullopt;
}

void remove_header(HeaderList& headers, std::string_view name) {
    std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
}

bool Request::wants_close() const {
    std::optional<std::string> connection = find_header(headers, "connection");
    return connection && iequals(*connection, "close");
}

ReadOutcome read_request(BufferedReader& reader, int fd, Request* request) {
    std::string head;
    bool clean_eof = false;
    if (!reader.read_head(&head, kMaxHead, &clean_eof)) {
        return clean_eof ? ReadOutcome::kClosed : ReadOutcome::kMalformed;
    }
    std::string start_line;
    if (!parse_head(head, &start_line, &request->headers)) return ReadOutcome::kMalformed;
    size_t sp1 = start_line.find(' ');
    size_t sp2 = start_line.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) return ReadOutcome::kMalformed;
    request->method = start_line.substr(0, sp1);
    request->target = start_line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (find_header(request->headers, "transfer-encoding")) return ReadOutcome::kMalformed;
    size_t length = 0;
    if (auto value = find_header(request->headers, "content-length")) {
        std::optional<size_t> parsed = parse_size(*value, 10);
        if (!parsed) return ReadOutcome::kMalformed;
        length = *parsed;
    }
    std::optional<std::string> expect = find_header(request->headers, "expect");
    if (expect && iequals(*expect, "100-continue") && length > 0) {
        if (!send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return ReadOutcome::kClosed;
    }
    if (length > 0 && !reader.read_exact(length, &request->body)) return ReadOutcome::kMalformed;
    return ReadOutcome::kOk;
}

std::string serialize_upstream_request(const Request& request) {
    std::string out = request.method + " " + request.target + " HTTP/1.1\r\n";
    for (const auto& [name, value] : request.headers) {
        if (is_hop_by_hop(name) || iequals(name, "expect")) continue;
        out += name + ": " + value + "\r\n";
    }
    out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
    out += "Connection: close\r\n\r\n";
    out += request.body;
    return out;
}

std::optional<Response> parse_response(std::string raw, bool head_request) {
    size_t end = raw.find("\r\n\r\n");
    if (end == std::string::npos) return std::nullopt;
    Response response;
    std::string status_line;
    if (!parse_head(std::string_view(raw).substr(0, end + 4), &status_line, &response.headers)) {
        return std::nullopt;
    }
    size_t sp1 = status_line.find(' ');
    if (sp1 == std::string::npos) return std::nullopt;
    std::optional<size_t> status = parse_size(status_line.substr(sp1 + 1, 3), 10);
    if (!status) return std::nullopt;
    response.status = static_cast<int>(*status);
    size_t sp2 = status_line.find(' ', sp1 + 1);
    response.reason = sp2 == std::string::npos ? "" : status_line.substr(sp2 + 1);
    std::string_view body = std::string_view(raw).substr(end + 4);
    std::optional<std::string> encoding = find_header(response.headers, "transfer-encoding");
    if (head_request) {
        response.body.clear();
    } else if (encoding && iequals(*encoding, "chunked")) {
        std::optional<std::string> decoded = dechunk(body);
        if (!decoded) return std::nullopt;
        response.body = std::move(*decoded);
    } else {
        response.body = std::string(body);
    }
    return response;
}

std::string serialize_head(const Response& response, bool head_request) {
    std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + response.reason + "\r\n";
    for (const auto& [name, value] : response.headers) {
        bool keep_length = head_request && iequals(name, "content-length");
        if (is_hop_by_hop(name) && !keep_length) continue;
        out += name + ": " + value + "\r\n";
    }
    if (!head_request) out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    out += "\r\n";
    return out;
}

}  // namespace azblobfs::fault_proxy
