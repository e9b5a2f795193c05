#include "bench/raw_workloads.h"

#include <algorithm>
#include <atomic>

#include "bench/bench_util.h"

namespace azblobfs::bench {

Result<BlobRef> parse_blob_ref(const std::string& path) {
    size_t slash = path.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == path.size()) {
        return Status(Code::kInvalidArgument, "not CONTAINER/BLOB: " + path);
    }
    return BlobRef{path.substr(0, slash), path.substr(slash + 1)};
}

Result<double> read_blob(BlobStore& store, const std::string& container, const std::string& blob,
                         size_t range_bytes, int parallelism) {
    AZB_ASSIGN_OR_RETURN(BlobProperties props, store.get_properties(container, blob));
    int ranges = static_cast<int>((props.size + range_bytes - 1) / range_bytes);
    std::atomic<uint64_t> received{0};
    auto start = Clock::now();
    AZB_RETURN_IF_ERROR(parallel_for(ranges, parallelism, [&](int i) -> Status {
        uint64_t offset = static_cast<uint64_t>(i) * range_bytes;
        uint64_t expected = std::min<uint64_t>(range_bytes, props.size - offset);
        Result<ReadResult> read = store.read(container, blob, offset, expected, props.etag);
        if (!read) return read.status();
        if (read->data.size() != expected) return Status(Code::kInternal, "short ranged read of " + blob);
        received += read->data.size();
        return Status::ok();
    }));
    double elapsed = seconds_since(start);
    if (received != props.size) return Status(Code::kInternal, "read fewer bytes than " + blob + " holds");
    return static_cast<double>(received) / 1e6 / elapsed;
}

Result<double> head_blobs(BlobStore& store, const std::vector<BlobRef>& blobs) {
    auto start = Clock::now();
    for (const BlobRef& ref : blobs) {
        AZB_RETURN_IF_ERROR(store.get_properties(ref.container, ref.blob).status());
    }
    return seconds_since(start);
}

Result<double> read_heads(BlobStore& store, const std::vector<BlobRef>& blobs, size_t bytes) {
    auto start = Clock::now();
    for (const BlobRef& ref : blobs) {
        AZB_ASSIGN_OR_RETURN(ReadResult read, store.read(ref.container, ref.blob, 0, bytes));
        if (read.data.empty() || read.data.size() != std::min<uint64_t>(bytes, read.blob_size)) {
            return Status(Code::kInternal, "short read of the head of " + ref.blob);
        }
    }
    return seconds_since(start);
}

Result<double> list_prefix(BlobStore& store, const std::string& container, const std::string& prefix,
                           long expected_entries) {
    ListOptions options;
    options.prefix = prefix;
    options.delimiter = "/";
    options.include_metadata = true;
    auto start = Clock::now();
    AZB_ASSIGN_OR_RETURN(ListAll all, store.list_all(container, options));
    double elapsed = seconds_since(start);
    long entries = static_cast<long>(all.blobs.size() + all.prefixes.size());
    if (expected_entries >= 0 && entries != expected_entries) {
        return Status(Code::kInternal, "listed " + std::to_string(entries) + " entries under " + prefix +
                                           ", expected " + std::to_string(expected_entries));
    }
    return elapsed;
}

}  // namespace azblobfs::bench
