// The flusher: uploads journal records to the store (DESIGN §5).
//
// Contract:
//  - A record is uploaded once upload_delay has passed since its last change (modified_ns), so
//    rewrites within the delay coalesce; commit_now() uploads at once (fsync, --fsync remote).
//  - start() queues every record already in the journal (a remount resumes what a crash or an
//    interrupted unmount left behind).
//  - An upload holds the path's lock (PathLocks) from reading the record to updating the
//    journal, so the commit holds the bytes of one moment of the file.
//  - Uploads are incremental: blocks of a kUpload that are not dirty and whose version this
//    mount committed (Journal::committed_blocks) are referenced again in Put Block List; only
//    dirty blocks, and the rest of a file whose block list is unknown, are staged. A file of at
//    most one block is one Put Blob. A file over 16 MiB without a reusable list is staged in
//    Azure blocks of 16 cache blocks (about 4 MiB), and its later changes re-stage whole groups.
//    Block ids are unique per upload (instance id + upload serial + index, equal length). At
//    most kMaxBlocks blocks (EFBIG beyond).
//  - Every commit is conditional (journal.h). A commit that loses (PreconditionFailed, or
//    AlreadyExists for a new blob) is a conflict: the local content is committed as
//    "<blob>.conflict-<UTC yyyymmddThhmmssZ>" (If-None-Match *), a warning names both blobs,
//    the record is dropped, the path's index entry is removed (the store's version shows from
//    then on) and take_conflict(path) reports it once. A kDelete that loses leaves the blob.
//  - Transient failures (Unavailable, Throttled, IoError) keep the record and retry with
//    exponential backoff (1 s doubling to 60 s); other failures keep it too, retried after 60 s,
//    with one error line per attempt naming the blob.
//  - After a commit, before the record is dropped, the file's cached blocks move to the new
//    ETag inside the cache (VersionGate::commit of `base`, in the file's lineage, so open
//    handles follow it; blocks this mount wrote are cached under it). Nothing outside cache/
//    is called.
//  - A record whose path is the source of other records (journal.h) waits for them: upload_now
//    (and so commit_now, flush_all and the threads) uploads those records first, then the path.
//    A record with a source is a server-side copy of it (If-Match on the source's version) when
//    no byte changed. A copy refused because another writer replaced or deleted the source is a
//    conflict: without changed bytes the record is dropped with no conflict blob (nothing of
//    this mount's is lost); with changed bytes they go to the conflict blob, zeros elsewhere.
//  - Thread-safe. threads == 0 runs no background thread: uploads happen only in commit_now(),
//    flush_all() and drain() (tests drive it step by step).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "blob/blob_store.h"
#include "cache/base_reader.h"
#include "cache/journal.h"
#include "cache/metadata_index.h"
#include "cache/path_locks.h"
#include "common/status.h"

namespace azblobfs {

struct FlusherOptions {
    double upload_delay_s = 1.0;
    int threads = 4;
    // Wall clock in ns since the epoch; empty: the system clock.
    std::function<int64_t()> clock_ns;
};

struct CommitEvent {
    std::string path;
    uint64_t file_id = 0;        // the path's index entry
    std::string old_etag;        // the entry's ETag before the commit ("" for a new blob)
    std::string new_etag;
    JournalRecord record;        // what was committed
};

struct FlusherStats {
    uint64_t pending_records = 0;
    uint64_t dirty_bytes = 0;
    uint64_t uploads = 0;        // commits (blobs, markers, metadata, deletes)
    uint64_t bytes_uploaded = 0;
    uint64_t blocks_staged = 0;
    uint64_t blocks_reused = 0;
    uint64_t conflicts = 0;
    uint64_t failures = 0;       // failed attempts (retried)
};

class Flusher {
public:
    static constexpr uint64_t kMaxBlocks = 50000;

    // `base`: the reader of base versions the filesystem reads through (shared with it).
    Flusher(std::shared_ptr<BlobStore> store, std::shared_ptr<Journal> journal,
            std::shared_ptr<MetadataIndex> index, std::shared_ptr<BaseReader> base,
            std::shared_ptr<PathLocks> locks, FlusherOptions options);
    ~Flusher();
    Flusher(const Flusher&) = delete;
    Flusher& operator=(const Flusher&) = delete;

    void start();
    // Stops the threads; records stay in the journal.
    void stop();

    // The path changed: (re)schedule its upload after upload_delay.
    void schedule(const std::string& path);
    // Uploads the path's record now, in the calling thread. The caller must NOT hold the path's
    // lock. Ok when there is nothing to upload. PreconditionFailed after a conflict.
    Status commit_now(const std::string& path);
    // Uploads every record now, in the calling thread; the first failure is returned (the rest
    // are still attempted).
    Status flush_all();
    // Waits until the journal is empty or `interrupted` becomes true; calls progress about once
    // a second. Uploads due records at once (upload_delay is ignored).
    Status drain(const std::function<void(const FlusherStats&)>& progress,
                 const std::atomic<bool>& interrupted);

    // A conflict recorded for the path since the last call, reported once.
    std::optional<std::string> take_conflict(const std::string& path);

    // Wakes the threads to upload everything now (back-pressure) and waits until the dirty
    // bytes drop or `timeout` passes; true when they dropped.
    bool wait_for_progress(uint64_t dirty_before, std::chrono::milliseconds timeout);

    FlusherStats stats();

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace azblobfs
