#include "bench/bench_util.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace azblobfs::bench {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string pattern_bytes(size_t size, uint64_t seed) {
    std::string out(size, '\0');
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < size; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        for (size_t b = 0; b < 8 && i + b < size; ++b) out[i + b] = static_cast<char>(x >> (8 * b));
    }
    return out;
}

std::string numbered(const std::string& prefix, int n) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%06d", n);
    return prefix + suffix;
}

Status parallel_for(int count, int threads, const std::function<Status(int)>& task) {
    std::atomic<int> next{0};
    std::mutex mu;   // guards first_error
    Status first_error;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            for (int i = next++; i < count; i = next++) {
                Status status = task(i);
                if (status.is_ok()) continue;
                std::lock_guard<std::mutex> lock(mu);
                if (first_error.is_ok()) first_error = status;
                return;
            }
        });
    }
    for (auto& worker : workers) worker.join();
    return first_error;
}

Status put_pattern_blob(BlobStore& store, const std::string& container, const std::string& blob,
                        size_t size, size_t block_bytes, int threads) {
    int blocks = static_cast<int>((size + block_bytes - 1) / block_bytes);
    std::vector<std::string> ids;
    for (int i = 0; i < blocks; ++i) ids.push_back(numbered("blk-", i));
    AZB_RETURN_IF_ERROR(parallel_for(blocks, threads, [&](int i) {
        size_t offset = static_cast<size_t>(i) * block_bytes;
        size_t length = std::min(block_bytes, size - offset);
        return store.put_block(container, blob, ids[static_cast<size_t>(i)],
                               pattern_bytes(length, static_cast<uint64_t>(i)));
    }));
    return store.put_block_list(container, blob, ids).status();
}

}  // namespace azblobfs::bench
