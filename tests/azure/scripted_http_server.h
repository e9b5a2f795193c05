// A minimal HTTP/1.1 server on 127.0.0.1 for transport tests. It accepts connections one after
// another; on the n-th connection it answers requests with the n-th list of canned raw replies,
// written verbatim (so a test can cut headers or bodies), then closes that connection. An empty
// reply sends nothing. Every raw request (head and body) is recorded. Not a general server: no
// chunked requests, one client at a time.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace azblobfs::testing {

class ScriptedHttpServer {
public:
    using Connection = std::vector<std::string>;  // replies, one per request

    // hold_open: after the last reply of the last connection, keep it open until the client
    // closes it (up to 5 s), e.g. to let a client time out on a silent reply.
    explicit ScriptedHttpServer(std::vector<Connection> connections, bool hold_open = false)
        : connections_(std::move(connections)), hold_open_(hold_open) {
        listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        socklen_t len = sizeof addr;
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        listen(listen_fd_, 4);
        thread_ = std::thread([this] { serve(); });
    }
    ~ScriptedHttpServer() {
        shutdown(listen_fd_, SHUT_RDWR);
        close(listen_fd_);
        if (thread_.joinable()) thread_.join();
    }
    ScriptedHttpServer(const ScriptedHttpServer&) = delete;
    ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    // Raw requests received, in order (waits for the server thread to finish its script).
    std::vector<std::string> requests() {
        if (thread_.joinable()) thread_.join();
        return requests_;
    }

private:
    static bool readable(int fd) {
        pollfd p{fd, POLLIN, 0};
        return poll(&p, 1, 5000) > 0;
    }
    static bool fill(int fd, std::string& pending) {
        char buf[65536];
        if (!readable(fd)) return false;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return false;
        pending.append(buf, static_cast<size_t>(n));
        return true;
    }
    // Reads one request (head + Content-Length body) from `pending` and the socket.
    static bool read_request(int fd, std::string& pending, std::string& out) {
        size_t head_end;
        while ((head_end = pending.find("\r\n\r\n")) == std::string::npos) {
            if (!fill(fd, pending)) return false;
        }
        size_t body_len = 0;
        std::string head = pending.substr(0, head_end);
        for (std::string name : {"\r\nContent-Length: ", "\r\ncontent-length: "}) {
            size_t at = head.find(name);
            if (at != std::string::npos) body_len = std::stoul(head.substr(at + name.size()));
        }
        while (pending.size() < head_end + 4 + body_len) {
            if (!fill(fd, pending)) return false;
        }
        out = pending.substr(0, head_end + 4 + body_len);
        pending.erase(0, out.size());
        return true;
    }
    void serve() {
        for (size_t c = 0; c < connections_.size(); ++c) {
            if (!readable(listen_fd_)) return;
            int fd = accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) return;
            std::string pending;
            for (const auto& reply : connections_[c]) {
                std::string request;
                if (!read_request(fd, pending, request)) break;
                requests_.push_back(request);
                if (!reply.empty()) send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
            }
            if (hold_open_ && c + 1 == connections_.size()) {
                while (fill(fd, pending)) {
                }
            }
            close(fd);
        }
    }

    std::vector<Connection> connections_;
    bool hold_open_ = false;
    std::vector<std::string> requests_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::thread thread_;
};

}  // namespace azblobfs::testing
