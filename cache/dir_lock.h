// An exclusive, non-blocking flock(2) on a lock file, held for the object's lifetime.
//
// Contract: acquire() fails with Code::kConflict when another open file description holds the
// lock (another process, or another open of the same cache directory in this process). The
// lock is released when the object is destroyed or the process ends (the kernel drops flock
// locks with the last descriptor), so a crashed azblobfs never leaves the directory locked.
#pragma once

#include <string>
#include <utility>

#include "common/status.h"

namespace azblobfs {

class DirLock {
public:
    // Locks `lock_file` (created with mode 0600); `dir` names the cache directory in errors.
    static Result<DirLock> acquire(const std::string& lock_file, const std::string& dir);

    DirLock(DirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    DirLock& operator=(DirLock&&) = delete;
    DirLock(const DirLock&) = delete;
    DirLock& operator=(const DirLock&) = delete;
    ~DirLock();

private:
    explicit DirLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace azblobfs
