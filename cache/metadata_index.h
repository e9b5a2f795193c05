// The persistent metadata index: entries (path -> EntryRecord) and children (directory ->
// names and types), kept in the LMDB environment across remounts.
//
// Contract:
//  - Every method is thread-safe, one LMDB transaction per call, never throws.
//  - Paths are as in entry_record.h and may be up to 4 KiB of UTF-8 (longer than an LMDB key;
//    the key schema in the implementation handles that).
//  - put() keeps the file_id already stored for the path; it assigns a fresh, never reused id
//    when the path has none and the record's file_id is 0.
//  - replace_listing() is atomic: after it, listing(dir) returns exactly `children` (name
//    order), every child has its record, and records of children that disappeared are removed
//    (their descendants' records too, when they were directories). It returns the file_ids of
//    removed files so the caller can drop their blocks.
//
// Details of the LMDB implementation (cache/metadata_index.cpp, layout in cache/key_schema.h):
//  - remove() of a directory also removes every descendant's record and listing (listed or
//    only looked up), and remove() of any path deletes its row from the parent's listing.
//    Descendants' ids are not returned; their blocks leave by LRU eviction.
//  - put() never changes listings, except that a directory put as a file loses its listing and
//    descendants.
//  - replace_listing() on a directory without a record (e.g. the root "") first stores a bare
//    directory record for it: its file_id keys the listing. Child names must be non-empty,
//    without '/', and at most 503 bytes (InvalidArgument otherwise, nothing changed). The
//    returned ids are those of every removed record, directories included (drop_file on them
//    is a no-op), plus the id of a child that changed from file to directory.
//  - MAP_FULL (the cache directory's size limit) is Code::kNoSpace; the call changes nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cache/cache_env.h"
#include "cache/entry_record.h"
#include "common/status.h"

namespace azblobfs {

struct IndexStats {
    uint64_t entries = 0;
    uint64_t listed_dirs = 0;
};

class MetadataIndex {
public:
    virtual ~MetadataIndex() = default;

    virtual Result<std::optional<EntryRecord>> get(const std::string& path) = 0;
    // Stores the record; returns it with file_id filled in.
    virtual Result<EntryRecord> put(const std::string& path, EntryRecord record) = 0;
    // Removes the record of `path` (and its children row if it was a listed directory).
    // Returns the removed file_id (0 when there was none).
    virtual Result<uint64_t> remove(const std::string& path) = 0;

    // The files (path and ETag) whose path starts with the bytes of `prefix`.
    virtual Result<std::vector<std::pair<std::string, std::string>>> files_with_prefix(
        const std::string& prefix) = 0;
    // Removes the file record of `path` when it still has ETag `etag`, was last validated
    // before `validated_before_ns` and the journal holds no record for it: what a crawl that
    // started at validated_before_ns and did not find the blob may drop. A record the mount
    // stored, revalidated or committed since the crawl began, or a local change, stays. True if
    // removed.
    virtual Result<bool> remove_if_unchanged(const std::string& path, const std::string& etag,
                                             int64_t validated_before_ns) = 0;

    virtual Result<std::optional<DirListing>> listing(const std::string& dir) = 0;
    // Part of the listing of `dir`: the children whose name sorts after `after` ("" from the
    // start), at most `max`, with the listing's time; nullopt when `dir` has no listing. What a
    // directory stream reads a page at a time, so memory does not grow with the directory.
    virtual Result<std::optional<DirListing>> listing_page(const std::string& dir, const std::string& after,
                                                           size_t max) = 0;
    // Whether `name` is in the complete listing of `dir`, and when that listing was taken; nullopt
    // when `dir` has none. One point lookup, whatever the size of the directory.
    virtual Result<std::optional<ListedName>> listed_name(const std::string& dir, const std::string& name) = 0;
    // Whether the journal holds a record for `path`: its entry is then the journal's, and
    // replace_listing leaves it as it is.
    virtual Result<bool> pending(const std::string& path) = 0;
    virtual Result<std::vector<uint64_t>> replace_listing(
        const std::string& dir, const std::vector<std::pair<std::string, EntryRecord>>& children,
        int64_t validated_at_ns) = 0;

    virtual Result<IndexStats> stats() = 0;
};

std::unique_ptr<MetadataIndex> make_metadata_index(std::shared_ptr<CacheEnv> env);

}  // namespace azblobfs
