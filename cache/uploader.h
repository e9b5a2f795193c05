// One upload: makes the store hold what one journal record says (internal to cache/; the
// Flusher schedules it). See flusher.h for the rules; this file holds the mechanics.
//
// Contract:
//  - upload() is called with the path's lock held and reads the record itself; no other
//    change of the record can happen meanwhile.
//  - Outcomes: kNothing (no record), kDone (committed or deleted; record dropped, index entry
//    updated), kConflict (lost a race; local content kept as the conflict blob, record dropped,
//    entry removed so the store's version shows). Any other failure is an error Status and
//    leaves the record as it was.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "blob/blob_store.h"
#include "cache/base_reader.h"
#include "cache/journal.h"
#include "cache/metadata_index.h"
#include "common/status.h"

namespace azblobfs {

struct CommitEvent;

struct UploadOutcome {
    // kWaiting: a directory's tombstone waits for changes below it, or the path's blob is the
    // source of records not yet committed (waits_for).
    enum class Kind { kNothing, kDone, kConflict, kWaiting };
    Kind kind = Kind::kNothing;
    std::string conflict_blob;         // kConflict: where the local content went (empty: nothing
                                       // local was left to keep)
    std::vector<std::string> waits_for;  // kWaiting: the records that must be committed first
    std::string released;              // kDone/kConflict: a source path that may wait no more
    uint64_t bytes = 0;                // bytes sent
    uint64_t staged = 0;               // blocks staged
    uint64_t reused = 0;               // committed blocks referenced again
};

class Uploader {
public:
    static constexpr int kStageThreads = 8;  // blocks of one file staged in parallel
    // A file of more cache blocks than this (16 MiB) without a reusable block list is staged in
    // Azure blocks of kBlocksPerLargeId cache blocks (about 4 MiB).
    static constexpr uint64_t kLargeFileBlocks = 64;
    static constexpr uint64_t kBlocksPerLargeId = 16;

    // Unchanged blocks of a file's base version are read through `base` (the block cache
    // first, then a ranged GET with If-Match), as the filesystem reads them.
    Uploader(BlobStore& store, Journal& journal, MetadataIndex& index, BaseReader& base,
             std::function<int64_t()> clock_ns)
        : store_(store), journal_(journal), index_(index), base_(base), clock_ns_(std::move(clock_ns)) {}

    Result<UploadOutcome> upload(const std::string& path);

    // "<blob>.conflict-<UTC yyyymmddThhmmssZ>" at time `now_ns`.
    static std::string conflict_name(const std::string& blob, int64_t now_ns);

private:
    struct Commit {
        std::string etag;
        int64_t last_modified = 0;
        CommittedBlocks blocks;        // ids empty for a single Put Blob
    };

    // The version the record's unchanged bytes come from (its underlay). file_id is the path's
    // entry when the underlay is the path's own blob (its cached blocks may serve), else 0.
    Result<FileVersion> base_version(const std::string& path, const JournalRecord& r);
    // Block i of the record's local content (journal.h), unchanged bytes read from `base`. A
    // failure reading the underlay is returned as is (PreconditionFailed when it changed).
    Result<std::string> content_block(const JournalRecord& r, const FileVersion& base, uint64_t index);
    Result<Commit> put_content(const std::string& path, const JournalRecord& r,
                               const std::string& blob, const Conditions& conditions,
                               bool reuse, UploadOutcome* outcome);
    // Stages Azure blocks `groups` (group g = cache blocks [g * per_id, (g + 1) * per_id)).
    Status stage_blocks(const JournalRecord& r, const FileVersion& base, const std::string& blob,
                        const std::vector<uint64_t>& groups, const std::vector<std::string>& ids,
                        uint64_t per_id, UploadOutcome* outcome);
    Result<UploadOutcome> upload_content(const std::string& path, const JournalRecord& r);
    // Commits the content of a record whose bytes are exactly its source's underlay version.
    Result<Commit> copy_content(const JournalRecord& r, const Conditions& conditions);
    Result<UploadOutcome> upload_delete(const std::string& path, const JournalRecord& r);
    Result<UploadOutcome> keep_as_conflict(const std::string& path, const JournalRecord& r,
                                           const Status& cause, UploadOutcome outcome);
    Status record_commit(const std::string& path, const JournalRecord& r, const Commit& commit);
    // Moves the file's cached blocks to the commit's ETag: kept when the base bytes stayed
    // (this mount's own commit over the version it started from), dropped otherwise; then the
    // blocks this mount wrote are cached under the new ETag.
    Status rekey_blocks(const CommitEvent& event);
    Status cache_committed_blocks(const CommitEvent& event, bool kept_base);
    Status forget_local(const std::string& path);
    // After a lost race: whether the store already holds exactly this record's version.
    bool is_own_commit(const JournalRecord& r);

    BlobStore& store_;
    Journal& journal_;
    MetadataIndex& index_;
    BaseReader& base_;
    std::function<int64_t()> clock_ns_;
};


}  // namespace azblobfs
