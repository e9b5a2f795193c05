#include "fs/negative_cache.h"

#include <algorithm>
#include <vector>

namespace azblobfs {

void NegativeCache::remember(const std::string& path, int64_t now_ns) {
    if (ttl_ns_ <= 0) return;
    std::lock_guard lock(mu_);
    missing_[path] = now_ns;
    if (missing_.size() > kMaxEntries) prune(now_ns);
}

bool NegativeCache::contains(const std::string& path, int64_t now_ns) {
    std::lock_guard lock(mu_);
    auto it = missing_.find(path);
    if (it == missing_.end()) return false;
    if (now_ns - it->second < ttl_ns_) return true;
    missing_.erase(it);
    return false;
}

void NegativeCache::forget(const std::string& path) {
    std::lock_guard lock(mu_);
    missing_.erase(path);
}

void NegativeCache::prune(int64_t now_ns) {
    std::erase_if(missing_, [&](const auto& kv) { return now_ns - kv.second >= ttl_ns_; });
    if (missing_.size() <= kMaxEntries) return;
    std::vector<int64_t> times;
    times.reserve(missing_.size());
    for (const auto& kv : missing_) times.push_back(kv.second);
    auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
    std::nth_element(times.begin(), middle, times.end());
    int64_t cutoff = *middle;
    std::erase_if(missing_, [&](const auto& kv) { return kv.second < cutoff; });
}

}  // namespace azblobfs
