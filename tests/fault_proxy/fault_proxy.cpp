#include "fault_proxy/fault_proxy.h"

#include <sys/socket.h>

#include <cerrno>

namespace azblobfs::fault_proxy {

namespace {

struct ErrorAnswer {
    int status;
    const char* reason;
    const char* code;
    const char* message;
};

ErrorAnswer error_answer(FaultKind fault) {
    switch (fault) {
        case FaultKind::kServerBusy503:
            return {503, "Service Unavailable", "ServerBusy",
                    "The server is currently unable to receive requests. Please retry your request."};
        case FaultKind::kInternalError500:
            return {500, "Internal Server Error", "InternalError",
                    "The server encountered an internal error. Please retry the request."};
        case FaultKind::kTooManyRequests429:
            return {429, "Too Many Requests", "TooManyRequests", "Too many requests. Please retry later."};
        default:
            return {412, "Precondition Failed", "ConditionNotMet",
                    "The condition specified using HTTP conditional header(s) is not met."};
    }
}

Response bad_gateway(const std::string& why) {
    Response response{502, "Bad Gateway", {{"Content-Type", "text/plain"}}, "fault proxy: " + why};
    return response;
}

}  // namespace

uint64_t FaultCounters::total_faults() const {
    uint64_t total = 0;
    for (size_t i = 1; i < faults.size(); ++i) total += faults[i];
    return total;
}

FaultProxy::FaultProxy(FaultProxyOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<FaultProxy>> FaultProxy::start(FaultProxyOptions options) {
    std::unique_ptr<FaultProxy> proxy(new FaultProxy(std::move(options)));
    std::string error;
    proxy->listener_ = listen_loopback(proxy->options_.listen_port, &proxy->port_, &error);
    if (!proxy->listener_.valid()) return Status(Code::kUnavailable, "fault proxy: " + error);
    proxy->acceptor_ = std::thread([p = proxy.get()] { p->accept_loop(); });
    return proxy;
}

FaultProxy::~FaultProxy() { stop(); }

std::string FaultProxy::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FaultProxy::set_schedule(FaultSchedule schedule) {
    std::lock_guard<std::mutex> lock(mu_);
    schedule_ = std::move(schedule);
}

FaultCounters FaultProxy::counters() const {
    std::lock_guard<std::mutex> lock(mu_);
    return counters_;
}

void FaultProxy::reset_counters() {
    std::lock_guard<std::mutex> lock(mu_);
    counters_ = FaultCounters{};
}

void FaultProxy::stop() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return;
        stopping_ = true;
        for (int fd : client_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    stop_cv_.notify_all();
    if (listener_.valid()) ::shutdown(listener_.get(), SHUT_RDWR);
    if (acceptor_.joinable()) acceptor_.join();
    std::vector<std::thread> clients;
    {
        std::lock_guard<std::mutex> lock(mu_);
        clients.swap(clients_);
    }
    for (auto& thread : clients) thread.join();
    listener_.reset();
}

void FaultProxy::accept_loop() {
    while (true) {
        int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) {
            if (fd >= 0) UniqueFd closing(fd);
            return;
        }
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return;
        }
        client_fds_.insert(fd);
        clients_.emplace_back([this, fd] { serve_client(fd); });
    }
}

void FaultProxy::serve_client(int raw_fd) {
    UniqueFd fd(raw_fd);
    BufferedReader reader(fd.get());
    After after = After::kKeep;
    while (after == After::kKeep) {
        Request request;
        ReadOutcome read = read_request(reader, fd.get(), &request);
        if (read != ReadOutcome::kOk) {
            after = After::kClose;
            break;
        }
        after = handle(fd.get(), request, next_fault());
        if (after == After::kKeep && request.wants_close()) after = After::kClose;
    }
    unregister_client(fd, after);
}

void FaultProxy::unregister_client(UniqueFd& fd, After after) {
    // Removed from the set before closing, so stop() never shuts down a reused fd number.
    std::lock_guard<std::mutex> lock(mu_);
    client_fds_.erase(fd.get());
    if (after == After::kReset) {
        abort_connection(fd);
    } else {
        fd.reset();
    }
}

FaultKind FaultProxy::next_fault() {
    std::lock_guard<std::mutex> lock(mu_);
    FaultKind fault = schedule_.next();
    ++counters_.requests;
    ++counters_.faults[static_cast<size_t>(fault)];
    return fault;
}

FaultProxy::After FaultProxy::handle(int client, const Request& request, FaultKind fault) {
    switch (fault) {
        case FaultKind::kServerBusy503:
        case FaultKind::kInternalError500:
        case FaultKind::kTooManyRequests429:
        case FaultKind::kConditionNotMet412:
            return answer_error(client, request, fault);
        case FaultKind::kResetBeforeForward:
            return After::kReset;
        default:
            break;
    }
    std::optional<Response> response = forward(request);
    if (!response) {
        Response failure = bad_gateway("target unreachable or its answer was malformed");
        send_all(client, serialize_head(failure, false) + failure.body);
        return After::kClose;
    }
    return relay(client, request, *response, fault);
}

FaultProxy::After FaultProxy::answer_error(int client, const Request& request, FaultKind fault) const {
    ErrorAnswer answer = error_answer(fault);
    Response response{answer.status, answer.reason, {}, {}};
    response.headers.emplace_back("Content-Type", "application/xml");
    response.headers.emplace_back("x-ms-error-code", answer.code);
    if (fault != FaultKind::kConditionNotMet412 && options_.retry_after_seconds >= 0) {
        response.headers.emplace_back("Retry-After", std::to_string(options_.retry_after_seconds));
    }
    response.body = std::string("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>") + answer.code +
                    "</Code><Message>" + answer.message + "</Message></Error>";
    bool head = request.method == "HEAD";
    if (head) response.headers.emplace_back("Content-Length", std::to_string(response.body.size()));
    std::string bytes = serialize_head(response, head) + (head ? "" : response.body);
    return send_all(client, bytes) ? After::kKeep : After::kClose;
}

FaultProxy::After FaultProxy::relay(int client, const Request& request, const Response& response,
                                    FaultKind fault) {
    bool head = request.method == "HEAD";
    std::string head_bytes = serialize_head(response, head);
    switch (fault) {
        case FaultKind::kResetAfterForward:
            return After::kReset;
        case FaultKind::kStall:
            wait_stall();
            return After::kReset;
        case FaultKind::kTruncatedBody:
            // Half the body after a head announcing all of it; with no body, the status line
            // and the first bytes of the headers.
            if (response.body.empty()) {
                size_t status_line = head_bytes.find("\r\n") + 2;
                send_all(client, std::string_view(head_bytes).substr(0, status_line + 4));
            } else {
                send_all(client, head_bytes + response.body.substr(0, response.body.size() / 2));
            }
            return After::kClose;
        default:
            return send_all(client, head_bytes + (head ? "" : response.body)) ? After::kKeep : After::kClose;
    }
}

std::optional<Response> FaultProxy::forward(const Request& request) {
    {
        std::lock_guard<std::mutex> lock(mu_);
        ++counters_.forwarded;
    }
    std::string error;
    UniqueFd upstream = connect_tcp(options_.target_host, options_.target_port, &error);
    if (!upstream.valid()) return std::nullopt;
    if (!send_all(upstream.get(), serialize_upstream_request(request))) return std::nullopt;
    BufferedReader reader(upstream.get());
    std::string raw;
    if (!reader.read_to_eof(&raw)) return std::nullopt;
    return parse_response(std::move(raw), request.method == "HEAD");
}

void FaultProxy::wait_stall() {
    std::unique_lock<std::mutex> lock(mu_);
    stop_cv_.wait_for(lock, options_.stall_time, [this] { return stopping_; });
}

}  // namespace azblobfs::fault_proxy
