// Row-level operations of the metadata index inside one transaction (internal to cache/).
// MetadataIndex composes them so that every public call is exactly one transaction.
//
// Invariants kept by these helpers (see key_schema.h for the layout):
//  - An entry record, once stored, keeps its file id; new ids come from meta next_file_id,
//    which stays above every id ever stored.
//  - Removing a directory's record removes its listing rows and every descendant's record and
//    listing rows (found by key range, so descendants that were looked up but never listed go
//    too).
#pragma once

#include <cstdint>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cache/entry_record.h"
#include "cache/lmdb.h"
#include "cache/lmdb_cache_env.h"

namespace azblobfs::index_rows {

Result<std::optional<EntryRecord>> read_entry(const lmdb::Txn& txn, const CacheDbis& dbis,
                                              const std::string& path);
Status write_entry(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& path,
                   const EntryRecord& record);

// Every record whose path starts with the bytes of `prefix` ("" for all), with its path, in key
// order per key form (short paths, then hashed ones).
Result<std::vector<std::pair<std::string, EntryRecord>>> entries_with_prefix(const lmdb::Txn& txn,
                                                                             const CacheDbis& dbis,
                                                                             const std::string& prefix);

// Returns a fresh file id and advances meta next_file_id.
Result<uint64_t> allocate_file_id(lmdb::WriteTxn& txn, const CacheDbis& dbis);
// Makes sure next_file_id is above `used_id` (an id supplied by the caller).
Status reserve_file_id(lmdb::WriteTxn& txn, const CacheDbis& dbis, uint64_t used_id);

// Stores `record` for `path`, keeping the stored file id or assigning one. When a directory
// becomes something else, its listing and descendants go; the ids of everything removed (and of
// a file turned directory, whose blocks are stale) are appended to *stale_ids.
Result<EntryRecord> upsert_entry(lmdb::WriteTxn& txn, const CacheDbis& dbis,
                                 const std::string& path, EntryRecord record,
                                 std::vector<uint64_t>* stale_ids);

// Removes the record of `path`; for a directory also its listing and all descendants. Appends
// every removed file id to *removed_ids; returns the id of `path` itself (0 when absent).
Result<uint64_t> remove_entry_tree(lmdb::WriteTxn& txn, const CacheDbis& dbis,
                                   const std::string& path, std::vector<uint64_t>* removed_ids);

// Deletes the listing header and all child rows of directory `dir_id` (and counts the header
// out of meta "listed_dirs").
Status delete_listing_rows(lmdb::WriteTxn& txn, const CacheDbis& dbis, uint64_t dir_id);

// Writes the listing header of `dir_id`, counting it into meta "listed_dirs" when it is new.
Status put_listing_header(lmdb::WriteTxn& txn, const CacheDbis& dbis, uint64_t dir_id,
                          int64_t validated_at_ns);

// meta "listed_dirs"; NotFound-free: an absent counter is an IoError (open_cache_env sets it).
Result<uint64_t> listed_dirs(const lmdb::Txn& txn, const CacheDbis& dbis);

// Counts listing headers by scanning children: one seek per listed directory. Used once at
// open for a cache written before the counter existed.
Result<uint64_t> count_listing_headers(const lmdb::Txn& txn, const CacheDbis& dbis);

// The child rows of `dir_id` (copied), in name order: those whose name sorts after `after` (all
// when it is empty), at most `max`. Rows only: the header is not checked.
Result<std::vector<DirChild>> read_child_rows(const lmdb::Txn& txn, const CacheDbis& dbis,
                                              uint64_t dir_id, const std::string& after = "",
                                              size_t max = SIZE_MAX);

// Adds `path`'s row to its parent's listing when the parent is listed (has a header).
Status add_child_row_if_listed(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& path,
                               EntryType type);
// Deletes `path`'s row from its parent's listing (if any).
Status remove_child_row(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& path);

// Splits "a/b/c" into ("a/b", "c") and "c" into ("", "c").
std::pair<std::string, std::string> split_parent(const std::string& path);

}  // namespace azblobfs::index_rows
