// Small helpers shared by the benchmark tools: deterministic payloads, numbered names, a
// thread pool loop that stops at the first error, and a monotonic stopwatch.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "blob/blob_store.h"
#include "common/status.h"

namespace azblobfs::bench {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start);

// `size` pseudo-random bytes; the same seed always gives the same bytes.
std::string pattern_bytes(size_t size, uint64_t seed);

// prefix + n as six digits: numbered("item-", 7) == "item-000007".
std::string numbered(const std::string& prefix, int n);

// Runs task(i) for every i in [0, count) on `threads` threads (each i exactly once unless a task
// fails); returns the first error. Workers stop taking new items after their own failure.
Status parallel_for(int count, int threads, const std::function<Status(int)>& task);

// Uploads pattern_bytes blocks of block_bytes (the last one shorter), `threads` in flight, and
// commits them as `container/blob` of `size` bytes. Block i holds pattern_bytes(len, i).
Status put_pattern_blob(BlobStore& store, const std::string& container, const std::string& blob,
                        size_t size, size_t block_bytes, int threads);

}  // namespace azblobfs::bench
