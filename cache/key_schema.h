// The key schema of the cache's LMDB environment: every named database, its keys and values.
//
//   database  key                                        value
//   --------  -----------------------------------------  ------------------------------------
//   meta      "schema_version"                           u32 big-endian (kSchemaVersion)
//             "next_file_id"                             u64 big-endian: the next unused file id
//             "listed_dirs"                              u64 big-endian: number of listing headers
//                                                        in children (kept by every write that
//                                                        adds or deletes a header; counted once
//                                                        at open when absent)
//             "evicted_blocks"                           u64 big-endian: blocks evicted after the
//                                                        map filled up (written in a commit of its
//                                                        own, which also lets LMDB reuse the pages
//                                                        the eviction freed)
//   entries   entry_key(path)                            encode_entry(record, path)
//   children  dir_id (u64 BE, 8 bytes)                   listing header: validated_at_ns, i64 BE
//             dir_id (u64 BE) + name (1..503 bytes)      child row: one byte, the EntryType
//   blocks    file_id (u64 BE) + block index (u64 BE)    the block's bytes (BlockCache)
//   journal   entry_key(path)                            encode_journal(record, path)
//   dirty     content_id (u64 BE) + block index (u64 BE) a dirty block's bytes (Journal)
//   blocklists entry_key(path)                           encode_committed_blocks(blocks)
//   sources   entry_key(path)                            encode_paths(dependents): the paths whose
//                                                        journal record has source_path = path
//   meta      "instance_id"                              16 random hex characters naming this
//                                                        cache in block ids (set at creation)
//             "next_upload"                              u64 BE: the next upload serial
//             "dir_renames"                              encode_paths(from1, to1, from2, to2, ...):
//                                                        directory renames begun and not finished
//                                                        (absent when there are none)
//             "next_field_id"                            u32 BE: the next unused field id (absent: 1)
//             "sidecars_indexed", "sidecars_skipped"     u64 BE: docs rows in state 1 / 2
//             "index_rules"                              IndexRules::to_json() of the rules the
//                                                        field rows were built with
//             "index_incomplete"                         present (value "1") when entries exist
//                                                        that have no field rows (a cache upgraded
//                                                        from schema 3 or changed rules) until
//                                                        `azblobfs index rebuild` ends
//   fields    field id (u32 BE) + encode_value(v)        file ids (u64 BE) that have value v in
//             (MDB_DUPSORT | MDB_DUPFIXED: one key per   that field, one sorted duplicate each
//             distinct value, its files as duplicates)   (cache/index_value.h: the encoding
//                                                        sorts as the values do)
//   fieldnames 'n' + field key ("s:income", "m:x")      u32 BE field id
//             'i' + field id (u32 BE)                    the field key (for output)
//   docs      file_id (u64 BE)                           encode_doc (cache/field_rows.h): the
//                                                        path, and for a sidecar its state, the
//                                                        ETag its rows were read from and its rows
//   pending   file_id (u64 BE)                           empty: a sidecar whose entry ETag is not
//                                                        the one its rows were read from
//
// Invariants:
//  - Keys stay within LMDB's 511-byte key limit (kMaxKeyBytes).
//  - entry_key(path): 'p' + path when that fits (path of at most 510 bytes); otherwise
//    'h' + the first 478 bytes of the path + SHA-256(path) (32 bytes) = 511 bytes. The tag byte
//    keeps the two forms apart. A hashed record stores the full path in its value and a read
//    checks it, so a collision is detected, never served. Both forms begin with the path's
//    leading bytes, so every descendant of a directory lies in two contiguous key ranges
//    ('p' + dir + '/' ... and 'h' + the same prefix ...): subtree removal is a range scan.
//  - File ids are assigned from meta "next_file_id", start at 1 and are never reused (0 means
//    "none"). Every entry has one, directories included: a directory's id keys its children
//    rows, a file's id keys its blocks. Blocks of a removed path are therefore never read
//    again; they leave by LRU eviction or drop_file.
//  - children rows of one directory are contiguous and sorted by name (memcmp order), header
//    first (the 8-byte key is a prefix of its rows' keys). A directory has a header exactly when
//    it has been listed completely (replace_listing); its child rows then mirror that listing,
//    and every child row has an entries record.
//  - blocks keys sort by file, then block index, so one file's blocks are one key range.
//  - dirty keys likewise: one content's dirty blocks are one key range. Content ids come from
//    the same never-reused sequence as file ids. Every dirty block belongs to exactly one journal
//    record's content_id (Journal drops the blocks with the record).
//  - sources mirrors the journal: a path has a row exactly when some record names it as its
//    source_path, and the row lists exactly those records' paths (Journal::apply keeps it).
//    Unlike entries and journal, a row does not repeat its own path: for a hashed key (a path
//    over 510 bytes) two paths would have to share a SHA-256 to be confused.
//  - A path with a journal record: its entries record is the local state (journal.h).
//  - fields, docs and pending follow entries in the same transaction (cache/field_rows.h): a
//    file entry has a docs row and exactly the fields rows its record, path and sidecar give.
//    One field's rows are one key range sorted by value, so an equality or a range on one
//    field is one cursor walk that reads no row of another field.
//
// Value encodings (all integers as noted; "varint" is unsigned LEB128, signed values zigzag):
//  - encode_entry, format 1: u8 format (=1), u8 EntryType, u8 flags (bit0 has_marker, bit1 full
//    path follows), varint size, svarint mtime_ns, svarint ctime_ns, varint file_id, svarint
//    validated_at_ns, string etag, string content_type, string tier, varint metadata count and
//    that many (string key, string value) pairs, then [string path] when flag bit1 is set.
//    A string is a varint byte length followed by the bytes. Trailing bytes are an error.
//    The full path is stored only for hashed keys.
//  - encode_journal, format 2: u8 format, u8 kind, u8 EntryType, u8 flags (bit0 expect_exists,
//    bit1 content_dirty, bit2 content_type_set), string path, string container, string blob, string expect_etag,
//    string underlay_etag, varint underlay_size, varint base_size, varint content_id, varint size, svarint
//    modified_ns, varint generation, string content_type, varint metadata count and pairs,
//    string source_path, string source_blob. Format 1 (schema 2) ends before source_path.
//  - encode_paths: varint count, then count strings.
//  - encode_committed_blocks: string etag, varint size, varint count, then count strings, then
//    varint blocks_per_id (absent in lists written before it existed: 1).
// A different layout must bump kSchemaVersion (a new meta key whose absence means "none", like
// dir_renames, is not one: older code ignores it): open_cache_env refuses other versions, except
// that versions 1 (no journal databases yet) and 2 (no sources database, journal format 1) are
// upgraded in place to 4; version 3 gains the field index databases, empty, and
// "index_incomplete".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cache/entry_record.h"
#include "common/status.h"

namespace azblobfs::keys {

inline constexpr uint32_t kSchemaVersion = 4;
inline constexpr uint32_t kOldestUpgradableSchemaVersion = 1;
inline constexpr std::string_view kMetaSchemaVersion = "schema_version";
inline constexpr std::string_view kMetaNextFileId = "next_file_id";
inline constexpr std::string_view kMetaListedDirs = "listed_dirs";
inline constexpr std::string_view kMetaEvictedBlocks = "evicted_blocks";
inline constexpr std::string_view kMetaInstanceId = "instance_id";
inline constexpr std::string_view kMetaNextUpload = "next_upload";
inline constexpr std::string_view kMetaDirRenames = "dir_renames";
inline constexpr std::string_view kMetaNextFieldId = "next_field_id";
inline constexpr std::string_view kMetaSidecarsIndexed = "sidecars_indexed";
inline constexpr std::string_view kMetaSidecarsSkipped = "sidecars_skipped";
inline constexpr std::string_view kMetaIndexRules = "index_rules";
inline constexpr std::string_view kMetaIndexIncomplete = "index_incomplete";

inline constexpr const char* kDbMeta = "meta";
inline constexpr const char* kDbEntries = "entries";
inline constexpr const char* kDbChildren = "children";
inline constexpr const char* kDbBlocks = "blocks";
inline constexpr const char* kDbJournal = "journal";
inline constexpr const char* kDbDirty = "dirty";
inline constexpr const char* kDbBlockLists = "blocklists";
inline constexpr const char* kDbSources = "sources";
inline constexpr const char* kDbFields = "fields";
inline constexpr const char* kDbFieldNames = "fieldnames";
inline constexpr const char* kDbDocs = "docs";
inline constexpr const char* kDbPending = "pending";

inline constexpr size_t kMaxKeyBytes = 511;  // LMDB's default mdb_env_get_maxkeysize
inline constexpr size_t kSha256Bytes = 32;
inline constexpr size_t kHashedPrefixBytes = kMaxKeyBytes - 1 - kSha256Bytes;  // 478
inline constexpr size_t kMaxNameBytes = kMaxKeyBytes - 8;                      // child name

std::string encode_u64_be(uint64_t v);
std::string encode_u32_be(uint32_t v);
// Decodes exactly 8 (u64) or 4 (u32) bytes; nullopt for any other length.
std::optional<uint64_t> decode_u64_be(std::string_view bytes);
std::optional<uint32_t> decode_u32_be(std::string_view bytes);

// entries
std::string entry_key(std::string_view path);
bool entry_key_is_hashed(std::string_view key);
// The key range holding every descendant of `dir` whose key has tag `tag` ('p' or 'h'): keys
// starting with the returned prefix. For 'h' the candidates' stored paths must still be checked.
std::string descendant_key_prefix(std::string_view dir, char tag);
// The child path "dir/name" ("name" under the root "").
std::string join_path(std::string_view dir, std::string_view name);

std::string encode_entry(const EntryRecord& record, std::string_view path);
struct DecodedEntry {
    EntryRecord record;
    std::optional<std::string> stored_path;  // set for hashed keys only
};
Result<DecodedEntry> decode_entry_value(std::string_view value);
// Decodes a record stored under entry_key(path); a stored full path that differs from `path`
// (a hash collision) is kIoError.
Result<EntryRecord> decode_entry(std::string_view value, std::string_view path);

// children
std::string listing_header_key(uint64_t dir_id);
std::string child_key(uint64_t dir_id, std::string_view name);
// The name of a child row key of `dir_id`, or nullopt for a key of another directory or the
// header itself.
std::optional<std::string_view> child_name(std::string_view key, uint64_t dir_id);
std::string encode_child(EntryType type);
Result<EntryType> decode_child(std::string_view value);
std::string encode_listing_header(int64_t validated_at_ns);
Result<int64_t> decode_listing_header(std::string_view value);

// fieldnames
std::string field_name_key(std::string_view field_key);
std::string field_id_key(uint32_t field_id);

// blocks
struct BlockKey {
    uint64_t file_id = 0;
    uint64_t index = 0;
    bool operator==(const BlockKey&) const = default;
};
std::string block_key(BlockKey key);
std::optional<BlockKey> decode_block_key(std::string_view key);

}  // namespace azblobfs::keys

#include "cache/journal.h"

namespace azblobfs::keys {

// journal
std::string encode_journal(const JournalRecord& record, std::string_view path);
struct DecodedJournal {
    std::string path;
    JournalRecord record;
};
Result<DecodedJournal> decode_journal(std::string_view value);

// sources
std::string encode_paths(const std::vector<std::string>& paths);
Result<std::vector<std::string>> decode_paths(std::string_view value);

// blocklists
std::string encode_committed_blocks(const CommittedBlocks& blocks);
Result<CommittedBlocks> decode_committed_blocks(std::string_view value);

}  // namespace azblobfs::keys
