#include "cache/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace azblobfs {

Result<DirLock> DirLock::acquire(const std::string& lock_file, const std::string& dir) {
    int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return Status(Code::kIoError, "open " + lock_file + ": " + std::strerror(errno));
    }
    DirLock lock(fd);
    int rc = 0;
    do {
        rc = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc == 0) return lock;
    if (errno == EWOULDBLOCK) {
        return Status(Code::kConflict,
                      "cache directory " + dir + " is used by another azblobfs process");
    }
    return Status(Code::kIoError, "flock " + lock_file + ": " + std::strerror(errno));
}

DirLock::~DirLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace azblobfs
