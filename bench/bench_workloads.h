// Client-side benchmark workloads of the Azure store, for bench/client_bench.sh. Each workload
// returns one measurement (or an error): MB/s, operations per second, or seconds.
#pragma once

#include <cstddef>
#include <string>

#include "blob/blob_store.h"
#include "common/status.h"

namespace azblobfs::bench {

inline constexpr const char* kReadContainer = "bench";
inline constexpr const char* kReadBlob = "big-256m";
inline constexpr const char* kSmallContainer = "small";
inline constexpr const char* kListContainer = "listing";

struct BenchSizes {
    size_t big_blob_bytes = 256u << 20;     // the blob read by ranged GETs
    size_t range_bytes = 8u << 20;          // one ranged GET
    int read_parallelism = 8;               // ranged GETs in flight
    int small_count = 1000;                 // small puts per run
    size_t small_bytes = 10 * 1024;
    int put_parallelism = 8;
    int list_count = 10000;                 // blobs in the listing container
};

// Creates the containers, the big blob and the listing blobs (idempotent, not timed).
Status setup(BlobStore& store, const BenchSizes& sizes);

// Reads the big blob by ranged reads, read_parallelism in flight, checking every length. MB/s.
Result<double> ranged_read(BlobStore& store, const BenchSizes& sizes);

// small_count put_blob calls of small_bytes, under names starting with `prefix`, with
// `parallelism` threads (1: sequential on one connection). Operations per second.
Result<double> small_puts(BlobStore& store, const BenchSizes& sizes, const std::string& prefix,
                          int parallelism);

// Lists the listing container to the end (5,000 per page), checking the count. Seconds.
Result<double> list_all_blobs(BlobStore& store, const BenchSizes& sizes);

}  // namespace azblobfs::bench
