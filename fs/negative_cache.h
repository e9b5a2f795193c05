// Paths the store said do not exist, remembered in memory for negative_ttl (never persisted).
// Thread-safe. Bounded: when it holds more than kMaxEntries, expired entries are pruned, and if
// it is still full the oldest half is dropped (a dropped entry only costs one more round trip).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace azblobfs {

class NegativeCache {
public:
    static constexpr size_t kMaxEntries = 100000;

    explicit NegativeCache(int64_t ttl_ns) : ttl_ns_(ttl_ns) {}

    void remember(const std::string& path, int64_t now_ns);
    // True when `path` was remembered less than ttl ago.
    bool contains(const std::string& path, int64_t now_ns);
    void forget(const std::string& path);

private:
    void prune(int64_t now_ns);  // requires mu_

    const int64_t ttl_ns_;
    std::mutex mu_;  // guards missing_
    std::map<std::string, int64_t> missing_;  // path -> when the store said it is missing
};

}  // namespace azblobfs
