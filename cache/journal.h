// The write-back journal: local changes not yet committed to the store, kept in the cache's
// LMDB environment next to the metadata index (DESIGN §4, §5).
//
// A journal record says what one path must become in the store:
//  - kUpload: the blob holds the path's local content (file, symlink target, or a zero-length
//    directory marker with hdi_isfolder=true) and `metadata`. Content is the dirty blocks of
//    `content_id` over the underlay: block i of the local content is its dirty block when there
//    is one (shorter blocks are padded with zeros), else bytes [i*B, min((i+1)*B, underlay_size,
//    size)) of the blob's version `underlay_etag`, zero-padded to the block's length. With an
//    empty underlay_etag non-dirty blocks are zeros. B is BlockCache::kBlockSize.
//    The underlay is a version of the record's own blob, or, when source_path is set (a rename
//    moved the content), of blob source_blob in the same container, the blob of source_path.
//  - A path that is the source_path of other records (its dependents) keeps its blob until
//    they are committed: its own record, whatever its kind, is not uploaded before then. The
//    filesystem keeps these dependencies acyclic (a rename onto a source copies the bytes).
//  - kDelete: the blob must not exist.
// The commit condition is the remote state the local change started from: If-Match
// expect_etag when expect_exists (unconditional when expect_etag is empty, e.g. a "dir/" marker
// of unknown ETag), If-None-Match * otherwise. So a commit never overwrites another writer.
//
// Contract:
//  - apply() is one LMDB write transaction: after it returns, every part of the batch is in
//    the environment (durable for the process; CacheEnv::sync() is the disk barrier).
//  - The journal overrides the store: while a path has a record, MetadataIndex::put() and
//    remove() leave its index entry alone (put() of a kDelete path is NotFound), and
//    replace_listing() keeps journaled children (kUpload) and hides deleted ones (kDelete).
//  - Dropping a record drops the dirty blocks of its content_id, unless a record put in the same
//    batch uses that content_id (a rename moves the content).
//  - Thread-safe. Serialising changes to one path is the caller's job (PathLocks).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "blob/blob_store.h"
#include "cache/cache_env.h"
#include "cache/entry_record.h"
#include "common/status.h"

namespace azblobfs {

enum class JournalKind : uint8_t { kUpload = 1, kDelete = 2 };

struct JournalRecord {
    JournalKind kind = JournalKind::kUpload;
    EntryType type = EntryType::kFile;  // what a kUpload creates
    std::string container;
    std::string blob;
    bool expect_exists = false;
    std::string expect_etag;
    std::string underlay_etag;
    uint64_t underlay_size = 0;
    uint64_t base_size = 0;             // size of version underlay_etag (underlay_size only shrinks)
    uint64_t content_id = 0;            // keys the dirty blocks; 0 for kDelete
    uint64_t size = 0;
    bool content_dirty = false;         // false: only metadata changed (Set Blob Metadata)
    bool content_type_set = false;      // content_type was set locally (a copy would not keep it)
    int64_t modified_ns = 0;            // last local change; the upload waits upload_delay
    uint64_t generation = 0;            // bumped by every change of the record
    std::string content_type;
    Metadata metadata;                  // everything the commit stores (mtime, mode, markers)
    std::string source_path;            // empty: the underlay is this record's own blob
    std::string source_blob;            // the blob of source_path
};

// The commit condition of a record (see above): If-Match expect_etag, none, or If-None-Match *.
Conditions commit_conditions(const JournalRecord& r);

struct DirtyBlockWrite {
    uint64_t content_id = 0;
    uint64_t index = 0;
    std::string data;                   // at most BlockCache::kBlockSize bytes
};

// The committed block list of one version of a blob, as this mount committed it: Azure block g
// of the version is ids[g] and holds cache blocks [g * blocks_per_id, (g + 1) * blocks_per_id)
// (BlockCache::kBlockSize bytes each but the last of the blob). An upload whose underlay is
// this version references unchanged Azure blocks again instead of staging them.
struct CommittedBlocks {
    std::string etag;
    uint64_t size = 0;
    std::vector<std::string> ids;
    uint64_t blocks_per_id = 1;
};

struct JournalBatch {
    std::vector<std::pair<std::string, JournalRecord>> put_records;
    std::vector<std::string> drop_records;
    std::vector<DirtyBlockWrite> put_blocks;
    // (content_id, first index): dirty blocks from that index on are dropped.
    std::vector<std::pair<uint64_t, uint64_t>> trim_blocks;
    // Index entries stored as they are (a new entry gets a file id); each also gets a row in its
    // parent's listing when the parent is listed.
    std::vector<std::pair<std::string, EntryRecord>> put_entries;
    // Index entries removed with their subtree and their row in the parent's listing.
    std::vector<std::string> remove_entries;
    // Directories whose listing becomes "complete and empty", validated at listed_at_ns.
    std::vector<std::string> new_listings;
    int64_t listed_at_ns = 0;
    // Directories whose listing must be re-read from the store (validated_at set to 0).
    std::vector<std::string> expire_listings;
    // Committed block lists to store (an empty id list removes the path's list).
    std::vector<std::pair<std::string, CommittedBlocks>> committed;
    // Directory renames in progress: (from, to) is begun before the first child moves and
    // ended (by `from`) after the last, so a crash in between leaves it for the next mount.
    std::vector<std::pair<std::string, std::string>> begin_dir_renames;
    std::vector<std::string> end_dir_renames;
};

struct JournalStats {
    uint64_t records = 0;
    uint64_t dirty_bytes = 0;           // bytes in dirty blocks
};

class Journal {
public:
    virtual ~Journal() = default;

    virtual Result<std::optional<JournalRecord>> get(const std::string& path) = 0;
    // Every record, in key order.
    virtual Result<std::vector<std::pair<std::string, JournalRecord>>> records() = 0;
    // The dirty block, or nullopt.
    virtual Result<std::optional<std::string>> block(uint64_t content_id, uint64_t index) = 0;
    virtual Result<std::vector<uint64_t>> block_indices(uint64_t content_id) = 0;
    // The paths of the records whose source_path is `path`, in no particular order.
    virtual Result<std::vector<std::string>> dependents(const std::string& path) = 0;
    // The directory renames begun and not ended (JournalBatch), as (from, to), oldest first.
    virtual Result<std::vector<std::pair<std::string, std::string>>> dir_renames() = 0;
    // Applies the batch in one transaction; returns the stored put_entries (file ids set).
    virtual Result<std::vector<EntryRecord>> apply(const JournalBatch& batch) = 0;
    // A fresh id for dirty content (shares the index's never-reused id sequence).
    virtual Result<uint64_t> allocate_content_id() = 0;

    // A new upload id: this cache's instance id + a serial, 32 hex characters. Block ids of one
    // upload are this id + the block index (8 hex characters), so ids never repeat across
    // uploads or mounts and all ids of one blob have the same length.
    virtual Result<std::string> new_upload_id() = 0;

    virtual Result<std::optional<CommittedBlocks>> committed_blocks(const std::string& path) = 0;
    virtual Status put_committed_blocks(const std::string& path, const CommittedBlocks& blocks) = 0;

    virtual JournalStats stats() = 0;
    virtual Status sync() = 0;          // disk barrier (fsync local)
};

std::shared_ptr<Journal> make_journal(std::shared_ptr<CacheEnv> env);

}  // namespace azblobfs
