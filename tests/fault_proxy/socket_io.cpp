#include "fault_proxy/socket_io.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace azblobfs::fault_proxy {

UniqueFd::~UniqueFd() { reset(); }

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        reset();
        fd_ = other.release();
    }
    return *this;
}

int UniqueFd::release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

void UniqueFd::reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

namespace {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

UniqueFd listen_loopback(int port, int* bound_port, std::string* error) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
        *error = errno_text("socket");
        return {};
    }
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        *error = errno_text("bind");
        return {};
    }
    if (::listen(fd.get(), 128) != 0) {
        *error = errno_text("listen");
        return {};
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    *bound_port = ntohs(addr.sin_port);
    return fd;
}

UniqueFd connect_tcp(const std::string& host, int port, std::string* error) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
        *error = "not an IPv4 address: " + host;
        return {};
    }
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
        *error = errno_text("socket");
        return {};
    }
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        *error = errno_text("connect");
        return {};
    }
    return fd;
}

bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

void abort_connection(UniqueFd& fd) {
    if (!fd.valid()) return;
    linger lin{};
    lin.l_onoff = 1;
    lin.l_linger = 0;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &lin, sizeof lin);
    fd.reset();
}

int BufferedReader::fill() {
    char chunk[64 * 1024];
    while (true) {
        ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        buffer_.append(chunk, static_cast<size_t>(n));
        return n > 0 ? 1 : 0;
    }
}

bool BufferedReader::read_head(std::string* head, size_t max_bytes, bool* clean_eof) {
    *clean_eof = false;
    size_t searched = 0;
    while (true) {
        size_t end = buffer_.find("\r\n\r\n", searched > 3 ? searched - 3 : 0);
        if (end != std::string::npos) {
            *head = buffer_.substr(0, end + 4);
            buffer_.erase(0, end + 4);
            return true;
        }
        searched = buffer_.size();
        if (searched > max_bytes) return false;
        if (fill() <= 0) {
            *clean_eof = buffer_.empty();
            return false;
        }
    }
}

bool BufferedReader::read_exact(size_t n, std::string* out) {
    while (buffer_.size() < n) {
        if (fill() <= 0) return false;
    }
    *out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return true;
}

bool BufferedReader::read_to_eof(std::string* out) {
    int got = 1;
    while (got > 0) got = fill();
    *out = std::move(buffer_);
    buffer_.clear();
    return got == 0;
}

}  // namespace azblobfs::fault_proxy
