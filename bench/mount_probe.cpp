// mount_probe: the filesystem side of bench/mount_bench.sh, timed in-process so that no
// process start-up is measured. Works on any mounted (or local) path.
//
//   mount_probe read FILE EXPECTED_BYTES   reads FILE to the end with 1 MiB read() calls (as
//                                          dd bs=1M); prints MB/s (10^6 bytes/s)
//   mount_probe stat LISTFILE              lstat() of every path in LISTFILE; prints seconds
//   mount_probe head LISTFILE BYTES        open, read the first BYTES bytes in 8 KiB reads (as
//                                          head -c does), close, for every path in LISTFILE, each
//                                          in a fresh process (a fork per path, as a thumbnailer
//                                          or `file *` run per image); prints seconds
//
// LISTFILE holds one path per line. Any failure (an errno, a short file, a wrong byte count)
// prints one line naming the path and exits 1, so an incomplete run never yields a number.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "common/status.h"

namespace azb = azblobfs;
using azb::bench::Clock;

namespace {

constexpr size_t kReadChunk = 1u << 20;

// Owns one file descriptor; closes it on destruction.
class UniqueFd {
public:
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() {
        if (fd_ >= 0) ::close(fd_);
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

azb::Status errno_status(const std::string& what, const std::string& path) {
    return azb::Status(azb::Code::kInternal, what + " " + path + ": " + std::strerror(errno));
}

// Reads from fd into buf until `limit` bytes or end of file; returns the byte count.
azb::Result<size_t> read_up_to(int fd, std::vector<char>& buf, size_t limit, const std::string& path) {
    size_t total = 0;
    while (total < limit) {
        size_t want = std::min(buf.size(), limit - total);
        ssize_t n = ::read(fd, buf.data(), want);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_status("read", path);
        if (n == 0) break;
        total += static_cast<size_t>(n);
    }
    return total;
}

azb::Result<double> read_file(const std::string& path, size_t expected) {
    std::vector<char> buf(kReadChunk);
    auto start = Clock::now();
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return errno_status("open", path);
    AZB_ASSIGN_OR_RETURN(size_t total, read_up_to(fd.get(), buf, SIZE_MAX, path));
    double elapsed = azb::bench::seconds_since(start);
    if (total != expected) {
        return azb::Status(azb::Code::kInternal, "read " + std::to_string(total) + " bytes of " + path +
                                                     ", expected " + std::to_string(expected));
    }
    return static_cast<double>(total) / 1e6 / elapsed;
}

azb::Result<double> stat_all(const std::vector<std::string>& paths) {
    auto start = Clock::now();
    for (const std::string& path : paths) {
        struct stat st;
        if (::lstat(path.c_str(), &st) != 0) return errno_status("lstat", path);
        if (!S_ISREG(st.st_mode)) return azb::Status(azb::Code::kInternal, "not a regular file: " + path);
    }
    return azb::bench::seconds_since(start);
}

// The child's part of head_all: 0 when it read exactly `bytes` bytes of `path`.
int head_one(const std::string& path, size_t bytes) {
    std::vector<char> buf(8192);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return 1;
    auto got = read_up_to(fd.get(), buf, bytes, path);
    return got.is_ok() && *got == bytes ? 0 : 2;
}

azb::Result<double> head_all(const std::vector<std::string>& paths, size_t bytes) {
    auto start = Clock::now();
    for (const std::string& path : paths) {
        pid_t pid = ::fork();
        if (pid < 0) return errno_status("fork", path);
        if (pid == 0) ::_exit(head_one(path, bytes));
        int status = 0;
        if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            return azb::Status(azb::Code::kInternal, "could not read the first " + std::to_string(bytes) +
                                                         " bytes of " + path);
        }
    }
    return azb::bench::seconds_since(start);
}

azb::Result<std::vector<std::string>> read_lines(const std::string& path) {
    std::ifstream in(path);
    if (!in) return azb::Status(azb::Code::kNotFound, "cannot open list file " + path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

azb::Result<double> run(int argc, char** argv) {
    std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "read" && argc == 4) return read_file(argv[2], std::strtoull(argv[3], nullptr, 10));
    if ((cmd == "stat" && argc == 3) || (cmd == "head" && argc == 4)) {
        AZB_ASSIGN_OR_RETURN(std::vector<std::string> paths, read_lines(argv[2]));
        if (paths.empty()) return azb::Status(azb::Code::kInvalidArgument, std::string("empty list ") + argv[2]);
        if (cmd == "stat") return stat_all(paths);
        size_t bytes = std::strtoull(argv[3], nullptr, 10);
        if (bytes == 0) return azb::Status(azb::Code::kInvalidArgument, "BYTES must be > 0");
        return head_all(paths, bytes);
    }
    return azb::Status(azb::Code::kInvalidArgument,
                       "usage: mount_probe read FILE EXPECTED_BYTES | stat LISTFILE | head LISTFILE BYTES");
}

}  // namespace

int main(int argc, char** argv) {
    azb::Result<double> value = run(argc, argv);
    if (!value) {
        std::fprintf(stderr, "mount_probe: %s\n", value.status().to_string().c_str());
        return 1;
    }
    std::printf("%.3f\n", *value);
    return 0;
}
