// The real writable stack for the model tests, built the way the composition root builds it:
// LMDB environment in a cache directory -> metadata index, block cache, journal, path locks,
// flusher (no background threads: uploads run only in fsync, flush_all and drain), sidecar
// index and its refresher (no thread either) -> Filesystem core over a BlobStore with
// container "data". A manual clock drives TTLs and upload delays.
//
// Lifecycle:
//  - open() builds everything and starts the flusher.
//  - remount(): a clean unmount without flushing (open handles are flushed and released the way
//    the kernel releases them, the flusher is stopped, the LMDB environment is synced and closed),
//    then open() on the same cache directory.
//  - crash(): drops every object without releasing handles, stopping the flusher or syncing LMDB
//    (the environment is closed only because the next open needs it free), then open(). What the
//    next mount sees is exactly what committed LMDB transactions hold.
// Not thread-safe: one test thread drives it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "blob/blob_store.h"
#include "cache/block_cache.h"
#include "cache/cache_env.h"
#include "cache/journal.h"
#include "cache/local_cache.h"
#include "cache/metadata_index.h"
#include "cache/sidecar_index.h"
#include "cache/sidecar_refresher.h"
#include "fs/filesystem.h"

namespace azblobfs::testing {

inline constexpr const char* kModelContainer = "data";
inline constexpr int64_t kNsPerSecond = 1000000000LL;
inline constexpr uint64_t kRootInode = 1;

struct StackOptions {
    double upload_delay_s = 0;
    double ttl_s = 1;                  // attr, dir and negative TTL
    uint64_t env_bytes = 256ull << 20;
    uint64_t block_cache_bytes = 160ull << 20;
    bool account_mode = false;         // the root lists containers (kModelContainer is one)
};

class FsStack {
public:
    FsStack(std::shared_ptr<BlobStore> store, std::string cache_dir, StackOptions options);
    ~FsStack();
    FsStack(const FsStack&) = delete;
    FsStack& operator=(const FsStack&) = delete;

    Status open();
    Status remount();
    Status crash();

    Filesystem& fs() { return *fs_; }
    Flusher& flusher() { return *local_->flusher(); }
    Journal& journal() { return *journal_; }
    BlobStore& store() { return *store_; }
    SidecarIndex& sidecars() { return *sidecars_; }
    SidecarRefresher& refresher() { return *refresher_; }

    void advance_ms(int64_t ms) { clock_->fetch_add(ms * 1000000LL); }
    int64_t now_ns() const { return clock_->load(); }

    // Handles the test keeps open across steps; remount() flushes and releases them.
    void remember_handle(uint64_t ino, uint64_t fh) { open_handles_.push_back({ino, fh}); }
    void forget_handle(uint64_t fh);

private:
    struct Handle {
        uint64_t ino = 0;
        uint64_t fh = 0;
    };
    // Drops every object; the environment last. Internal when something still holds it.
    Status close_all(bool graceful);

    std::shared_ptr<BlobStore> store_;
    const std::string cache_dir_;
    const StackOptions options_;
    std::shared_ptr<std::atomic<int64_t>> clock_;
    std::shared_ptr<CacheEnv> env_;
    std::shared_ptr<MetadataIndex> index_;
    std::shared_ptr<BlockCache> cache_;
    std::shared_ptr<Journal> journal_;
    std::shared_ptr<LocalCache> local_;  // the façade fs/ is given: base reader, flusher, locks
    std::shared_ptr<SidecarIndex> sidecars_;
    std::unique_ptr<SidecarRefresher> refresher_;  // no thread: run_once() by the runner
    std::unique_ptr<Filesystem> fs_;
    std::vector<Handle> open_handles_;
};

// Every model file is a sidecar (the glob covers all depths of the pool's trees), so any
// content is indexed or skipped as bad; account-relative, as the mount's flags are.
index::IndexRules model_index_rules();

// Drivers that use the Filesystem the way the FUSE adapter does. Paths are relative to the
// mount root ("" is the root, "a/b" a nested entry).
Result<EntryReply> walk(Filesystem& fs, const std::string& path);
// The inode of an existing path; NotFound when a component is missing.
Result<uint64_t> inode_of(Filesystem& fs, const std::string& path);
// Names of a directory (without "." and ".."), via opendir/readdir/releasedir, `batch` per call.
Result<std::vector<std::string>> list_dir(Filesystem& fs, uint64_t ino, bool plus, size_t batch);
// open(O_RDONLY) + read to the end in `chunk`-byte reads + release.
Result<std::string> read_file(Filesystem& fs, uint64_t ino, uint64_t chunk);
// The parent part and last component of a path ("a/b/c" -> "a/b", "c").
std::pair<std::string, std::string> split_path(const std::string& path);

}  // namespace azblobfs::testing
