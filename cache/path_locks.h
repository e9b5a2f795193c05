// Per-path mutual exclusion for changes of one path: the filesystem's mutations of a path and the
// flusher's upload of it never interleave. Paths hash onto a fixed set of mutexes (two paths may
// share one).
//
// Lock order (outermost first): a path lock, or two taken with lock_pair() (which orders the
// mutexes, so two renames never deadlock); then FilesystemImpl::handles_mu_; then a handle's
// FileHandle::mu. LMDB's writer lock is taken inside any of them, and none of them is taken
// while waiting for it.
//
// No FUSE operation holds a path lock while it waits for the network: a write that keeps bytes
// of a block not cached yet reads that block before it takes the lock
// (FilesystemImpl::prefetch_edges). The one exception is the flusher: it holds the lock of a
// path across the upload of that path's blob, so writers of that file wait while it is being
// committed and every commit holds exactly the bytes of one moment of the file. No other lock is
// ever held across network I/O.
#pragma once

#include <array>
#include <functional>
#include <mutex>
#include <string>

namespace azblobfs {

class PathLocks {
public:
    static constexpr size_t kStripes = 257;

    std::unique_lock<std::mutex> lock(const std::string& path) {
        return std::unique_lock<std::mutex>(stripes_[stripe(path)]);
    }

    // Locks of two paths (one lock when they share a stripe), taken in stripe order.
    struct Pair {
        std::unique_lock<std::mutex> first;
        std::unique_lock<std::mutex> second;
    };
    Pair lock_pair(const std::string& a, const std::string& b) {
        size_t sa = stripe(a), sb = stripe(b);
        if (sa == sb) return Pair{std::unique_lock<std::mutex>(stripes_[sa]), {}};
        if (sa > sb) std::swap(sa, sb);
        std::unique_lock<std::mutex> first(stripes_[sa]);
        std::unique_lock<std::mutex> second(stripes_[sb]);
        return Pair{std::move(first), std::move(second)};
    }

private:
    static size_t stripe(const std::string& path) { return std::hash<std::string>{}(path) % kStripes; }
    std::array<std::mutex, kStripes> stripes_;
};

}  // namespace azblobfs
