// Raw HTTP workloads for bench/mount_bench.sh: the requests a client that talks to the Blob
// service directly (no filesystem, no cache) needs for each mount workload. They run on the
// Azure store over the curl transport: one keep-alive connection per thread, real signing.
// Every workload checks what it got (byte counts, entry counts) and fails rather than report a
// time for incomplete work.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "blob/blob_store.h"
#include "common/status.h"

namespace azblobfs::bench {

struct BlobRef {
    std::string container;
    std::string blob;
};

// "container/dir/name" -> {container, "dir/name"}; InvalidArgument without a '/'.
Result<BlobRef> parse_blob_ref(const std::string& path);

// Reads the whole blob by ranged GETs of range_bytes, `parallelism` in flight, all with If-Match
// on the ETag of one Get Properties made before the clock starts. MB/s (1 MB = 10^6 bytes).
Result<double> read_blob(BlobStore& store, const std::string& container, const std::string& blob,
                         size_t range_bytes, int parallelism);

// Get Properties (HEAD) of every blob, one after the other on one connection. Seconds.
Result<double> head_blobs(BlobStore& store, const std::vector<BlobRef>& blobs);

// GET of bytes [0, bytes) of every blob, one after the other on one connection; each answer
// must hold min(bytes, blob size) > 0 bytes. Seconds.
Result<double> read_heads(BlobStore& store, const std::vector<BlobRef>& blobs, size_t bytes);

// Lists `prefix` with delimiter '/' and metadata, every page (5,000 per page), as `ls -l` of
// that directory needs. expected_entries >= 0: blobs + prefixes must be exactly that. Seconds.
Result<double> list_prefix(BlobStore& store, const std::string& container, const std::string& prefix,
                           long expected_entries);

}  // namespace azblobfs::bench
