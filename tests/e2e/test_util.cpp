#include "e2e/test_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace azblobfs::e2e {

ReadOutcome pread_exact(int fd, uint64_t offset, size_t length) {
    ReadOutcome r;
    r.data.resize(length);
    size_t done = 0;
    while (done < length) {
        ssize_t n = pread(fd, r.data.data() + done, length - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            r.error = errno;
            break;
        }
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    r.data.resize(done);
    return r;
}

ReadOutcome read_fd_to_end(int fd, size_t chunk) {
    ReadOutcome r;
    std::string buf(chunk, '\0');
    for (uint64_t offset = 0;;) {
        ssize_t n = pread(fd, buf.data(), chunk, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            r.error = errno;
            return r;
        }
        if (n == 0) return r;
        r.data.append(buf.data(), static_cast<size_t>(n));
        offset += static_cast<uint64_t>(n);
    }
}

ReadOutcome read_whole_file(const std::filesystem::path& path) {
    Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.ok()) return ReadOutcome{errno, {}};
    return read_fd_to_end(fd.get());
}

Fd::~Fd() { reset(); }

void Fd::reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
}

std::string container_for(const std::string& hint) {
    std::string name = "e2e-";
    for (char c : hint) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (ok) name.push_back(c);
        else if (name.back() != '-') name.push_back('-');
    }
    name.resize(std::min<size_t>(name.size(), 63));
    while (name.back() == '-') name.pop_back();
    return name;
}

}  // namespace azblobfs::e2e
