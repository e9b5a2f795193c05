#include "bench/bench_workloads.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace azblobfs::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string pattern_bytes(size_t size, uint64_t seed) {
    std::string out(size, '\0');
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i + 8 <= size; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        for (int b = 0; b < 8; ++b) out[i + static_cast<size_t>(b)] = static_cast<char>(x >> (8 * b));
    }
    return out;
}

std::string numbered(const std::string& prefix, int n) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%06d", n);
    return prefix + suffix;
}

// Runs task(i) for i in [0, count) on `threads` threads; returns the first error.
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

Status setup_big_blob(BlobStore& store, const BenchSizes& sizes) {
    Result<BlobProperties> existing = store.get_properties(kReadContainer, kReadBlob);
    if (existing && existing->size == sizes.big_blob_bytes) return Status::ok();
    int blocks = static_cast<int>((sizes.big_blob_bytes + sizes.range_bytes - 1) / sizes.range_bytes);
    std::vector<std::string> ids;
    for (int i = 0; i < blocks; ++i) ids.push_back(numbered("blk-", i));
    AZB_RETURN_IF_ERROR(parallel_for(blocks, 4, [&](int i) {
        size_t offset = static_cast<size_t>(i) * sizes.range_bytes;
        size_t length = std::min(sizes.range_bytes, sizes.big_blob_bytes - offset);
        return store.put_block(kReadContainer, kReadBlob, ids[static_cast<size_t>(i)],
                               pattern_bytes(length, static_cast<uint64_t>(i)));
    }));
    return store.put_block_list(kReadContainer, kReadBlob, ids).status();
}

Status setup_listing(BlobStore& store, const BenchSizes& sizes) {
    ListOptions probe;
    probe.prefix = numbered("item-", sizes.list_count - 1);
    Result<ListPage> last = store.list_blobs(kListContainer, probe);
    if (last && !last->blobs.empty()) return Status::ok();
    return parallel_for(sizes.list_count, 8, [&](int i) {
        return store.put_blob(kListContainer, numbered("item-", i), "listed blob").status();
    });
}

}  // namespace

Status setup(BlobStore& store, const BenchSizes& sizes) {
    for (const char* container : {kReadContainer, kSmallContainer, kListContainer}) {
        AZB_RETURN_IF_ERROR(store.create_container(container));
    }
    AZB_RETURN_IF_ERROR(setup_big_blob(store, sizes));
    return setup_listing(store, sizes);
}

Result<double> ranged_read(BlobStore& store, const BenchSizes& sizes) {
    AZB_ASSIGN_OR_RETURN(BlobProperties props, store.get_properties(kReadContainer, kReadBlob));
    int ranges = static_cast<int>((props.size + sizes.range_bytes - 1) / sizes.range_bytes);
    std::atomic<uint64_t> received{0};
    auto start = Clock::now();
    AZB_RETURN_IF_ERROR(parallel_for(ranges, sizes.read_parallelism, [&](int i) -> Status {
        uint64_t offset = static_cast<uint64_t>(i) * sizes.range_bytes;
        uint64_t expected = std::min<uint64_t>(sizes.range_bytes, props.size - offset);
        Result<ReadResult> read = store.read(kReadContainer, kReadBlob, offset, expected, props.etag);
        if (!read) return read.status();
        if (read->data.size() != expected) return Status(Code::kInternal, "short ranged read");
        received += read->data.size();
        return Status::ok();
    }));
    double elapsed = seconds_since(start);
    if (received != props.size) return Status(Code::kInternal, "read fewer bytes than the blob holds");
    return static_cast<double>(received) / 1e6 / elapsed;
}

Result<double> small_puts(BlobStore& store, const BenchSizes& sizes, const std::string& prefix,
                          int parallelism) {
    std::string data = pattern_bytes(sizes.small_bytes, 42);
    auto start = Clock::now();
    AZB_RETURN_IF_ERROR(parallel_for(sizes.small_count, parallelism, [&](int i) {
        return store.put_blob(kSmallContainer, numbered(prefix, i), data).status();
    }));
    return static_cast<double>(sizes.small_count) / seconds_since(start);
}

Result<double> list_all_blobs(BlobStore& store, const BenchSizes& sizes) {
    auto start = Clock::now();
    ListOptions options;
    options.max_results = 5000;
    AZB_ASSIGN_OR_RETURN(ListAll all, store.list_all(kListContainer, options));
    double elapsed = seconds_since(start);
    if (all.blobs.size() != static_cast<size_t>(sizes.list_count)) {
        return Status(Code::kInternal, "listed " + std::to_string(all.blobs.size()) + " blobs, expected " +
                                           std::to_string(sizes.list_count));
    }
    return elapsed;
}

}  // namespace azblobfs::bench
