// FaultProxy: an HTTP/1.1 proxy on 127.0.0.1 that sits between a client and a server (Azurite)
// and injects faults chosen by a FaultSchedule. The client must not know about it: faults are
// never driven by request headers.
//
// Behaviour:
//  - One thread per client connection; client connections are kept alive across requests.
//  - Each request gets one fault from the schedule (kNone: none). Forwarded requests use a fresh
//    upstream connection with "Connection: close"; the response is read to EOF, de-chunked and
//    relayed with Content-Length.
//  - Counters record requests received, requests forwarded, and faults injected per kind.
//  - stop() (or destruction) closes the listener and every client connection, wakes stalls and
//    joins all threads.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "fault_proxy/fault_schedule.h"
#include "fault_proxy/http_message.h"
#include "fault_proxy/socket_io.h"

namespace azblobfs::fault_proxy {

struct FaultProxyOptions {
    std::string target_host = "127.0.0.1";    // dotted IPv4
    int target_port = 0;
    int listen_port = 0;                        // 0: any free port
    std::chrono::milliseconds stall_time{5000}; // how long kStall holds a response
    int retry_after_seconds = 1;                // Retry-After of 503/500/429; negative: omitted
};

struct FaultCounters {
    uint64_t requests = 0;    // requests received from clients
    uint64_t forwarded = 0;   // requests sent to the target (faulted ones included)
    std::array<uint64_t, kFaultKindCount> faults{};  // by FaultKind; [kNone] = unfaulted requests

    uint64_t count(FaultKind kind) const { return faults[static_cast<size_t>(kind)]; }
    uint64_t total_faults() const;
};

class FaultProxy {
public:
    // Binds and starts accepting. Fails with kUnavailable when the port cannot be bound.
    static Result<std::unique_ptr<FaultProxy>> start(FaultProxyOptions options);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    int port() const { return port_; }
    // "http://127.0.0.1:<port>"
    std::string endpoint() const;

    // Replaces the schedule; takes effect from the next request.
    void set_schedule(FaultSchedule schedule);
    FaultCounters counters() const;
    void reset_counters();

    void stop();

private:
    explicit FaultProxy(FaultProxyOptions options);

    void accept_loop();
    void serve_client(int fd);
    // What happens to the client connection after a request.
    enum class After { kKeep, kClose, kReset };

    FaultKind next_fault();
    After handle(int client, const Request& request, FaultKind fault);
    After answer_error(int client, const Request& request, FaultKind fault) const;
    After relay(int client, const Request& request, const Response& response, FaultKind fault);
    std::optional<Response> forward(const Request& request);
    void wait_stall();
    void unregister_client(UniqueFd& fd, After after);

    FaultProxyOptions options_;
    int port_ = 0;
    UniqueFd listener_;
    std::thread acceptor_;

    mutable std::mutex mu_;            // guards everything below
    std::condition_variable stop_cv_;  // signalled by stop(); stalls wait on it
    bool stopping_ = false;
    FaultSchedule schedule_ = FaultSchedule::none();
    FaultCounters counters_;
    std::set<int> client_fds_;         // open client connections, shut down by stop()
    std::vector<std::thread> clients_;
};

}  // namespace azblobfs::fault_proxy
