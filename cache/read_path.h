// The read path: bytes of one version of a blob, through the block cache, with ranged GETs for
// what is missing and sequential read-ahead.
//
// How reads turn into requests (B = BlockCache::kBlockSize = 262,128 bytes):
//  - A read covers blocks [offset / B, (end - 1) / B]. Cached blocks are served from the cache;
//    each run of consecutive missing blocks is fetched with ONE ranged GET (If-Match on the
//    version's ETag), split into blocks, put into the cache and used for the reply. A block
//    another reader or the read-ahead is already fetching is waited for, not fetched again.
//  - The first read of a file fetches only the blocks it covers: a 64 KiB read at offset 0 of a
//    large blob is one GET of 262,128 bytes, and so is a reader that goes on reading inside that
//    block (a header reader, or the kernel's own read-ahead after it): read-ahead starts only
//    when a sequential read needs a block beyond what was fetched.
//  - A read that starts at, or up to 1 MiB past, where the handle's stream got to is sequential;
//    one that starts up to 1 MiB behind it is an out-of-order part of the stream (the kernel's
//    asynchronous reads) and changes nothing; any other read is random and restarts the stream.
//  - A sequential read that reaches the trigger block (at first: the block after those the
//    stream's first read fetched) schedules, on the fetch pool, the blocks of
//    [read end, read end + window) that are not cached, in flight or scheduled, in GETs of up to
//    8 blocks (2 MiB) each, and moves the trigger to the first of them: the next window is
//    scheduled when the reader enters this one. The window is 1 MiB at the first trigger and
//    doubles at each further one up to readahead_max_bytes; a random read resets it. So the
//    read-ahead never runs more than one window ahead of the reader.
//  - Blocks come from one version only: cache access goes through the VersionGate with the
//    version's ETag, and GETs carry If-Match. A changed blob surfaces as PreconditionFailed;
//    the caller refreshes the version and restarts (filesystem_files.cpp).
//  - If the cache refuses a block (e.g. NoSpace), the read is still answered from the fetched
//    bytes; one warning per mount says so.
//
// Thread-safe. No lock is held across a GET.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "blob/blob_store.h"
#include "cache/fetch_pool.h"
#include "cache/inflight_blocks.h"
#include "cache/version_gate.h"

namespace azblobfs {

// One version of one blob, as a handle sees it.
struct FileVersion {
    std::string path;        // mount path, for logs
    std::string container;
    std::string blob;
    uint64_t file_id = 0;
    std::string etag;
    uint64_t size = 0;
};

// Sequential-read detection of one open handle.
struct ReadAheadState {
    std::mutex mu;               // guards the fields below
    bool has_previous = false;
    uint64_t previous_end = 0;   // where the previous read ended
    uint64_t window = 0;         // current read-ahead window; 0 after a random read
    uint64_t next_block = 0;     // first block not yet fetched or scheduled in this stream
    uint64_t trigger_block = 0;  // a sequential read reaching this block schedules read-ahead
};

class ReadPath {
public:
    static constexpr uint64_t kInitialWindow = 1 << 20;
    static constexpr uint64_t kBlocksPerReadAheadGet = 8;
    // How far from the stream's end a read may start and still count as sequential.
    static constexpr uint64_t kSequentialSlack = 1 << 20;

    ReadPath(BlobStore& store, VersionGate& gate, uint64_t readahead_max_bytes, int fetch_threads);

    // Bytes [offset, offset + size) of version v, clamped to v.size.
    Result<std::string> read(const FileVersion& v, uint64_t offset, uint64_t size);

    // Records a successful read of [offset, end) through a handle and schedules read-ahead when
    // it was sequential.
    void after_read(ReadAheadState& state, const FileVersion& v, uint64_t offset, uint64_t end);

    // Waits until no background fetch is queued or running.
    void wait_idle() { pool_.wait_idle(); }

    uint64_t bytes_fetched() const { return bytes_fetched_.load(); }
    uint64_t range_requests() const { return range_requests_.load(); }

private:
    // Fetches blocks [first, first + count) with one GET, caches them and completes their
    // claims; stores the blocks in out[i - out_first] when `out` is not null.
    Status fetch_run(const FileVersion& v, uint64_t first, uint64_t count,
                     std::vector<std::string>* out, uint64_t out_first);
    void fail_claims(const FileVersion& v, const std::vector<uint64_t>& blocks, size_t from,
                     const Status& status);
    void read_ahead(const FileVersion& v, const std::vector<uint64_t>& blocks);
    void cache_block(const FileVersion& v, uint64_t index, std::string_view data);

    BlobStore& store_;
    VersionGate& gate_;
    const uint64_t readahead_max_;
    InflightBlocks inflight_;
    std::atomic<uint64_t> bytes_fetched_{0};
    std::atomic<uint64_t> range_requests_{0};
    std::atomic<bool> warned_cache_full_{false};
    FetchPool pool_;  // last: its threads are joined before the members above go away
};

}  // namespace azblobfs
