// Row-level operations of the field index inside one transaction (internal to cache/). The
// metadata index and the journal call on_upsert / on_remove wherever they store or remove an
// entry, so the field rows change in the same LMDB transaction as the entry they describe.
//
// Databases (layout in cache/key_schema.h): fields, fieldnames, docs, pending.
//
// Invariants:
//  - Every file entry (type kFile) has a docs row under its file id naming its path, and
//    exactly the fields rows of derived_fields(rules, path, record) plus, for a sidecar, the
//    rows listed in its docs row. Directories and symlinks have neither.
//  - A sidecar path whose entry ETag differs from the ETag its rows were read from (docs
//    etag) has a pending row, unless the entry has no ETag yet (local, never committed).
//  - Field ids are assigned once per field key and never reused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cache/entry_record.h"
#include "cache/index_rules.h"
#include "cache/lmdb.h"
#include "cache/lmdb_cache_env.h"

namespace azblobfs::field_rows {

enum class DocState : uint8_t { kNotRead = 0, kIndexed = 1, kSkipped = 2 };

struct Doc {
    std::string path;
    DocState state = DocState::kNotRead;
    std::string etag;        // the version the sidecar rows were read from ("" when not read)
    std::string reason;      // why a sidecar was skipped
    std::vector<std::pair<uint32_t, std::string>> rows;  // (field id, encoded value)
};

std::string encode_doc(const Doc& doc);
Result<Doc> decode_doc(std::string_view value);
// Only the path of an encoded docs row (what a query answer needs).
Result<std::string> decode_doc_path(std::string_view value);

Result<std::optional<Doc>> read_doc(const lmdb::Txn& txn, const CacheDbis& dbis, uint64_t file_id);
Result<std::optional<uint32_t>> find_field(const lmdb::Txn& txn, const CacheDbis& dbis,
                                           const std::string& field_key);
Result<std::optional<std::string>> field_name(const lmdb::Txn& txn, const CacheDbis& dbis,
                                              uint32_t field_id);

// Keeps the rows of `path` in step with its entry, stored as `now` over `old`.
Status on_upsert(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& path,
                 const std::optional<EntryRecord>& old, const EntryRecord& now);
// Drops every row of `path`'s removed entry `old`.
Status on_remove(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& path,
                 const EntryRecord& old);

// Replaces the sidecar rows of file `file_id` (path `path`) with `content`'s fields, read from
// version `etag`, and clears its pending row.
Status put_sidecar(lmdb::WriteTxn& txn, const CacheDbis& dbis, uint64_t file_id,
                   const std::string& path, const std::string& etag,
                   const std::variant<std::vector<index::Field>, index::SidecarSkip>& content);

}  // namespace azblobfs::field_rows
