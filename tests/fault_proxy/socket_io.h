// Minimal blocking TCP helpers for the fault proxy: an owning fd, loopback listen/connect, and
// the two ways of ending a connection the proxy needs (orderly close and abortive reset).
#pragma once

#include <string>
#include <string_view>

namespace azblobfs::fault_proxy {

// Owns one file descriptor; closes it on destruction. Move-only.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd();
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    int release();
    void reset();

private:
    int fd_ = -1;
};

// Listens on 127.0.0.1:port (0: any free port). On success *bound_port is the port in use.
// Returns an invalid fd on failure and puts the reason in *error.
UniqueFd listen_loopback(int port, int* bound_port, std::string* error);

// Connects to host:port, where host is a dotted IPv4 address. Invalid fd on failure.
UniqueFd connect_tcp(const std::string& host, int port, std::string* error);

// Writes all of `data`; false when the peer is gone. Never raises SIGPIPE.
bool send_all(int fd, std::string_view data);

// Ends the connection with a TCP RST (SO_LINGER 0) instead of a FIN.
void abort_connection(UniqueFd& fd);

// Reads from a socket with an internal buffer; all reads block.
class BufferedReader {
public:
    explicit BufferedReader(int fd) : fd_(fd) {}
    // Reads up to and including the blank line ending an HTTP head (at most max_bytes).
    // False on EOF, error, or an over-long head. *clean_eof is true when the peer closed
    // before sending any byte of a new head.
    bool read_head(std::string* head, size_t max_bytes, bool* clean_eof);
    // Reads exactly n bytes.
    bool read_exact(size_t n, std::string* out);
    // Reads until the peer closes the connection; false when it ends with an error (reset).
    bool read_to_eof(std::string* out);

private:
    int fill();   // one recv() into buffer_: 1 data, 0 EOF, -1 error

    int fd_;
    std::string buffer_;
};

}  // namespace azblobfs::fault_proxy
