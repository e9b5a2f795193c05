#include "bench/bench_workloads.h"

#include "bench/bench_util.h"
#include "bench/raw_workloads.h"

namespace azblobfs::bench {

namespace {

Status setup_big_blob(BlobStore& store, const BenchSizes& sizes) {
    Result<BlobProperties> existing = store.get_properties(kReadContainer, kReadBlob);
    if (existing && existing->size == sizes.big_blob_bytes) return Status::ok();
    return put_pattern_blob(store, kReadContainer, kReadBlob, sizes.big_blob_bytes, sizes.range_bytes, 4);
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
    return read_blob(store, kReadContainer, kReadBlob, sizes.range_bytes, sizes.read_parallelism);
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
