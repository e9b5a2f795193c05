// The version gate: which ETag of each file the block cache holds blocks of, and the one door
// every block get/put goes through, so that a block of one version is never served for another.
//
// Invariant (persistent, kept by every caller): the blocks cached for a file_id belong to the
// ETag in that file's index record. Whoever is about to store a record with a different ETag
// calls switch_to() first, which drops the file's blocks. In memory the gate tracks the current
// version per file_id; a file it has not seen yet is taken to be at `record_etag`.
//
// Lineage: each tracked file carries a lineage number, new whenever its version changes for any
// reason but this mount's own commit (commit()). An open handle remembers the lineage it opened
// in; while the file is still in it, every change since was this mount's own and the handle
// follows the current ETag (follow()). The filesystem asks; nothing in cache/ calls it.
//
// get()/put() hold the lock shared and touch the cache only when the caller's ETag is the
// current version (a put for another or an unknown version is silently skipped);
// switch_to()/remove() hold it exclusively, so no block of an old version can be put after its
// drop. The lock is held across local cache calls only, never across network I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cache/block_cache.h"
#include "common/status.h"

namespace azblobfs {

class VersionGate {
public:
    explicit VersionGate(std::shared_ptr<BlockCache> cache) : cache_(std::move(cache)) {}

    // Makes `etag` the current version of file_id; drops its blocks when that changes the
    // version. `record_etag`: the ETag of the file's index record before this change ("" when
    // the record is new).
    Status switch_to(uint64_t file_id, const std::string& record_etag, const std::string& etag);
    // The blob changed from `old_etag` to `new_etag` with the same bytes in every cached block
    // (this mount's own commit): the cached blocks become blocks of new_etag. When the current
    // version is not old_etag, this is switch_to(file_id, old_etag, new_etag).
    Status rebase(uint64_t file_id, const std::string& old_etag, const std::string& new_etag);
    // This mount committed the file: from `old_etag` to `new_etag`, with every cached block's
    // bytes unchanged when `same_bytes` (rebase), else as switch_to. The lineage is kept when
    // the file was at old_etag (or untracked), so open handles follow the commit.
    Status commit(uint64_t file_id, const std::string& old_etag, const std::string& new_etag,
                  bool same_bytes);
    // The file is gone from the index: drop its blocks and forget it.
    Status remove(uint64_t file_id);

    // The file's current lineage when its current version is `etag` (0 otherwise: not tracked,
    // or another version), read with the ETag under one lock, so that no change can slip in
    // between a handle's version and its lineage.
    uint64_t lineage_if(uint64_t file_id, const std::string& etag) const;
    // The file's current ETag when it is still in `lineage` (nullopt otherwise).
    std::optional<std::string> follow(uint64_t file_id, uint64_t lineage) const;

    // Cached block `index` of version `etag`, appended to *out; false when absent or when
    // `etag` is not the current version.
    Result<bool> get(uint64_t file_id, const std::string& etag, uint64_t index, std::string* out);
    Status put(uint64_t file_id, const std::string& etag, uint64_t index, std::string_view data);

    BlockCache& cache() { return *cache_; }

private:
    std::shared_ptr<BlockCache> cache_;
    struct Version {
        std::string etag;      // the ETag of the file's cached blocks
        uint64_t lineage = 0;
    };
    // A new version of a file, not this mount's own commit, in a new lineage (mu_ exclusive).
    void start_lineage(uint64_t file_id, const std::string& etag);

    mutable std::shared_mutex mu_;  // guards current_ and last_lineage_; exclusive for changes
    std::unordered_map<uint64_t, Version> current_;
    uint64_t last_lineage_ = 0;
};

}  // namespace azblobfs
