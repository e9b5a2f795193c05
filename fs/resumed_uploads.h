// The paths whose journal records a previous mount left behind (a crash or an interrupted
// unmount). DESIGN §5 / issue 4: the next mount finishes such an upload before it serves a
// change to that path, so a change never lands on top of an upload still in flight from before.
//
// Contract: take(path) is true exactly once per recorded path (the caller then uploads it);
// after every path is taken, take() costs one atomic load. Thread-safe.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace azblobfs {

class ResumedUploads {
public:
    void add(const std::vector<std::string>& paths) {
        std::lock_guard lock(mu_);
        paths_.insert(paths.begin(), paths.end());
        left_.store(paths_.size());
    }

    bool take(const std::string& path) {
        if (left_.load() == 0) return false;
        std::lock_guard lock(mu_);
        bool taken = paths_.erase(path) != 0;
        left_.store(paths_.size());
        return taken;
    }

private:
    std::mutex mu_;  // guards paths_
    std::unordered_set<std::string> paths_;
    std::atomic<size_t> left_{0};
};

}  // namespace azblobfs
