#include "azure/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <mutex>
#include <vector>

#include "common/redact.h"

namespace azblobfs {

namespace {

struct CurlEasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlSlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// Idle easy handles. A handle is owned by exactly one caller between take() and give_back();
// each keeps its own connection cache, so reusing one reuses its keep-alive connection.
class HandlePool {
public:
    CurlEasy take() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (!idle_.empty()) {
                CurlEasy handle = std::move(idle_.back());
                idle_.pop_back();
                return handle;
            }
        }
        return CurlEasy(curl_easy_init());
    }
    void give_back(CurlEasy handle) {
        std::lock_guard<std::mutex> lock(mu_);
        if (idle_.size() < kMaxIdle) idle_.push_back(std::move(handle));
    }

private:
    static constexpr size_t kMaxIdle = 64;
    std::mutex mu_;
    std::vector<CurlEasy> idle_;
};

// Borrows a handle for one request and returns it to the pool on every path.
class PooledHandle {
public:
    explicit PooledHandle(HandlePool& pool) : pool_(pool), handle_(pool.take()) {}
    ~PooledHandle() {
        if (handle_) pool_.give_back(std::move(handle_));
    }
    PooledHandle(const PooledHandle&) = delete;
    PooledHandle& operator=(const PooledHandle&) = delete;
    CURL* get() const { return handle_.get(); }

private:
    HandlePool& pool_;
    CurlEasy handle_;
};

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

std::string lowercase(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// What one curl_easy_perform observed, beyond the response itself.
struct Transfer {
    HttpResponse response;
    bool headers_complete = false;   // the blank line ending the final header block was seen
    int requests_sent = 0;           // request heads written; > 1 when curl re-sent on its own
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    static_cast<Transfer*>(user)->response.body.append(data, size * count);
    return size * count;
}

// Collects the headers of the final response; a status line (e.g. after "100 Continue")
// starts a new response, so earlier headers are dropped.
size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        transfer->response.headers.clear();
        transfer->headers_complete = false;
    } else if (line == "\r\n" || line == "\n") {
        transfer->headers_complete = true;
    } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
        transfer->response.headers.emplace_back(lowercase(trim(line.substr(0, colon))),
                                                trim(line.substr(colon + 1)));
    }
    return size * count;
}

// Counts request heads sent. curl silently re-sends a request once on a fresh connection when
// a reused connection died before answering; the count lets send() see that.
int on_debug(CURL*, curl_infotype type, char*, size_t, void* user) {
    if (type == CURLINFO_HEADER_OUT) ++static_cast<Transfer*>(user)->requests_sent;
    return 0;
}

bool has_header(const HttpHeaders& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& h) {
        return lowercase(h.first) == lowercase(std::string(name));
    });
}

// The header list sent: exactly the request's headers, plus blank overrides that stop curl from
// adding its own defaults (Expect: 100-continue, a form Content-Type, Accept).
Result<CurlSlist> build_header_list(const HttpRequest& request) {
    CurlSlist list;
    auto add = [&](const std::string& line) {
        curl_slist* next = curl_slist_append(list.get(), line.c_str());
        if (next == nullptr) return false;
        (void)list.release();
        list.reset(next);
        return true;
    };
    bool ok = true;
    for (const auto& [name, value] : request.headers) {
        if (lowercase(name) == "content-length") continue;  // curl derives it from the body size
        // "Name;" is curl's syntax for a header sent with an empty value.
        ok = ok && add(value.empty() ? name + ";" : name + ": " + value);
    }
    if (!has_header(request.headers, "Expect")) ok = ok && add("Expect:");
    if (!has_header(request.headers, "Content-Type")) ok = ok && add("Content-Type:");
    if (!has_header(request.headers, "Accept")) ok = ok && add("Accept:");
    if (!ok) return Status(Code::kInternal, "curl_slist_append failed");
    return list;
}

class CurlTransport final : public HttpTransport {
public:
    explicit CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {}
    Result<HttpResponse> send(const HttpRequest& request) override;

private:
    void configure(CURL* curl, const HttpRequest& request, curl_slist* headers, Transfer* transfer,
                   char* error_buffer) const;

    CurlTransportOptions options_;
    HandlePool pool_;
};

void CurlTransport::configure(CURL* curl, const HttpRequest& request, curl_slist* headers,
                              Transfer* transfer, char* error_buffer) const {
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);  // blob names may contain "." segments
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, request.low_speed_bytes);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.low_speed_time.count()));
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, transfer);
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);  // only counts; prints nothing
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, transfer);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
    if (request.method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (request.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
        // Any other method carries its body (possibly empty) with an explicit size, so curl
        // sends Content-Length and never chunks. POSTFIELDS does not copy: the body outlives send().
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
}

// A body shorter than the announced Content-Length means the connection was cut.
bool body_truncated(const HttpRequest& request, const HttpResponse& response) {
    if (request.method == "HEAD" || response.status == 204 || response.status == 304) return false;
    std::string length = response.header("content-length");
    if (length.empty()) return false;
    uint64_t expected = 0;
    auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), expected);
    if (ec != std::errc() || end != length.data() + length.size()) return false;
    return response.body.size() != expected;
}

bool is_read_only(const std::string& method) { return method == "GET" || method == "HEAD"; }

Result<HttpResponse> CurlTransport::send(const HttpRequest& request) {
    std::string what = request.method + " " + redact(request.url);
    PooledHandle handle(pool_);
    if (handle.get() == nullptr) return Status(Code::kInternal, what + ": curl_easy_init failed");
    curl_easy_reset(handle.get());  // keeps the handle's live connections
    AZB_ASSIGN_OR_RETURN(CurlSlist headers, build_header_list(request));
    Transfer transfer;
    char error_buffer[CURL_ERROR_SIZE] = {};
    configure(handle.get(), request, headers.get(), &transfer, error_buffer);
    CURLcode rc = curl_easy_perform(handle.get());
    if (rc != CURLE_OK) {
        std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
        return Status(Code::kUnavailable, what + ": transport error (curl " + std::to_string(rc) +
                                              ": " + redact(detail) + ")");
    }
    HttpResponse& response = transfer.response;
    long status = 0;
    curl_easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    if (!transfer.headers_complete) {
        return Status(Code::kUnavailable, what + ": connection closed inside the response headers");
    }
    if (body_truncated(request, response)) {
        return Status(Code::kUnavailable, what + ": truncated body (" +
                                              std::to_string(response.body.size()) + " of " +
                                              response.header("content-length") + " bytes)");
    }
    // A write that curl re-sent may have been applied by its first copy; its failure answer
    // (e.g. 409 or 412 caused by that first copy) must reach the caller as an ambiguous outcome,
    // which the layer above resolves, never as a genuine refusal.
    if (transfer.requests_sent > 1 && !is_read_only(request.method) &&
        !(response.status >= 200 && response.status < 300)) {
        return Status(Code::kUnavailable, what + ": connection died after the request was sent; the "
                                              "re-sent request answered HTTP " + std::to_string(response.status));
    }
    return response;
}

}  // namespace

std::shared_ptr<HttpTransport> make_curl_transport(const CurlTransportOptions& options) {
    // curl_global_init is process-wide library setup, done once before the first handle.
    static const CURLcode kGlobalInit = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)kGlobalInit;
    return std::make_shared<CurlTransport>(options);
}

}  // namespace azblobfs
