#include "cache/index_rows.h"

#include "cache/field_rows.h"
#include "cache/key_schema.h"

namespace azblobfs::index_rows {
namespace {

bool is_descendant(std::string_view path, std::string_view dir) {
    if (dir.empty()) return !path.empty();
    return path.size() > dir.size() + 1 && path.substr(0, dir.size()) == dir &&
           path[dir.size()] == '/';
}

// Removes every descendant record of `dir` and their listings.
Status remove_descendants(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& dir,
                          std::vector<uint64_t>* removed_ids) {
    AZB_ASSIGN_OR_RETURN(auto doomed, entries_with_prefix(txn, dbis, dir.empty() ? dir : dir + "/"));
    for (const auto& [path, record] : doomed) {
        if (!is_descendant(path, dir)) continue;  // the root's own record
        AZB_RETURN_IF_ERROR(txn.del(dbis.entries, keys::entry_key(path)).status());
        AZB_RETURN_IF_ERROR(delete_listing_rows(txn, dbis, record.file_id));
        AZB_RETURN_IF_ERROR(field_rows::on_remove(txn, dbis, path, record));
        removed_ids->push_back(record.file_id);
    }
    return Status::ok();
}

}  // namespace

Result<std::vector<std::pair<std::string, EntryRecord>>> entries_with_prefix(const lmdb::Txn& txn,
                                                                             const CacheDbis& dbis,
                                                                             const std::string& prefix) {
    std::vector<std::pair<std::string, EntryRecord>> out;
    for (char tag : {'p', 'h'}) {
        std::string start = tag + prefix;
        // A hashed key holds only the first bytes of its path: its stored path is checked below.
        if (tag == 'h' && start.size() > 1 + keys::kHashedPrefixBytes) start.resize(1 + keys::kHashedPrefixBytes);
        AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, dbis.entries));
        AZB_ASSIGN_OR_RETURN(auto item, cursor.seek(start));
        for (; item && item.key.substr(0, start.size()) == start; ) {
            AZB_ASSIGN_OR_RETURN(keys::DecodedEntry decoded, keys::decode_entry_value(item.value));
            std::string path = decoded.stored_path ? *decoded.stored_path : std::string(item.key.substr(1));
            if (path.compare(0, prefix.size(), prefix) == 0) out.emplace_back(std::move(path), std::move(decoded.record));
            AZB_ASSIGN_OR_RETURN(item, cursor.next());
        }
    }
    return out;
}

Result<std::optional<EntryRecord>> read_entry(const lmdb::Txn& txn, const CacheDbis& dbis,
                                              const std::string& path) {
    AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis.entries, keys::entry_key(path)));
    if (!value) return std::optional<EntryRecord>();
    AZB_ASSIGN_OR_RETURN(EntryRecord rec, keys::decode_entry(*value, path));
    return std::optional<EntryRecord>(std::move(rec));
}

Status write_entry(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& path,
                   const EntryRecord& record) {
    return txn.put(dbis.entries, keys::entry_key(path), keys::encode_entry(record, path));
}

Result<uint64_t> allocate_file_id(lmdb::WriteTxn& txn, const CacheDbis& dbis) {
    AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis.meta, keys::kMetaNextFileId));
    std::optional<uint64_t> next = value ? keys::decode_u64_be(*value) : std::nullopt;
    if (!next || *next == 0) {
        return Status(Code::kIoError, "cache index: meta next_file_id is missing or corrupt");
    }
    AZB_RETURN_IF_ERROR(txn.put(dbis.meta, keys::kMetaNextFileId, keys::encode_u64_be(*next + 1)));
    return *next;
}

Status reserve_file_id(lmdb::WriteTxn& txn, const CacheDbis& dbis, uint64_t used_id) {
    AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis.meta, keys::kMetaNextFileId));
    std::optional<uint64_t> next = value ? keys::decode_u64_be(*value) : std::nullopt;
    if (next && *next > used_id) return Status::ok();
    return txn.put(dbis.meta, keys::kMetaNextFileId, keys::encode_u64_be(used_id + 1));
}

Result<EntryRecord> upsert_entry(lmdb::WriteTxn& txn, const CacheDbis& dbis,
                                 const std::string& path, EntryRecord record,
                                 std::vector<uint64_t>* stale_ids) {
    AZB_ASSIGN_OR_RETURN(auto existing, read_entry(txn, dbis, path));
    if (existing) {
        record.file_id = existing->file_id;
        bool was_dir = existing->type == EntryType::kDirectory;
        bool is_dir = record.type == EntryType::kDirectory;
        if (was_dir && !is_dir) {
            AZB_RETURN_IF_ERROR(delete_listing_rows(txn, dbis, existing->file_id));
            AZB_RETURN_IF_ERROR(remove_descendants(txn, dbis, path, stale_ids));
        } else if (!was_dir && is_dir) {
            stale_ids->push_back(existing->file_id);
        }
    } else if (record.file_id == 0) {
        AZB_ASSIGN_OR_RETURN(record.file_id, allocate_file_id(txn, dbis));
    } else {
        AZB_RETURN_IF_ERROR(reserve_file_id(txn, dbis, record.file_id));
    }
    AZB_RETURN_IF_ERROR(write_entry(txn, dbis, path, record));
    AZB_RETURN_IF_ERROR(field_rows::on_upsert(txn, dbis, path, existing, record));
    return record;
}

Result<uint64_t> remove_entry_tree(lmdb::WriteTxn& txn, const CacheDbis& dbis,
                                   const std::string& path, std::vector<uint64_t>* removed_ids) {
    AZB_ASSIGN_OR_RETURN(auto existing, read_entry(txn, dbis, path));
    if (!existing) return uint64_t{0};
    AZB_RETURN_IF_ERROR(txn.del(dbis.entries, keys::entry_key(path)).status());
    AZB_RETURN_IF_ERROR(delete_listing_rows(txn, dbis, existing->file_id));
    AZB_RETURN_IF_ERROR(field_rows::on_remove(txn, dbis, path, *existing));
    removed_ids->push_back(existing->file_id);
    if (existing->type == EntryType::kDirectory) {
        AZB_RETURN_IF_ERROR(remove_descendants(txn, dbis, path, removed_ids));
    }
    return existing->file_id;
}

namespace {

Status add_listed_dirs(lmdb::WriteTxn& txn, const CacheDbis& dbis, int64_t delta) {
    AZB_ASSIGN_OR_RETURN(uint64_t count, listed_dirs(txn, dbis));
    if (delta < 0 && count == 0) return Status(Code::kIoError, "cache index: listed_dirs underflow");
    uint64_t updated = delta < 0 ? count - 1 : count + static_cast<uint64_t>(delta);
    return txn.put(dbis.meta, keys::kMetaListedDirs, keys::encode_u64_be(updated));
}

}  // namespace

Status delete_listing_rows(lmdb::WriteTxn& txn, const CacheDbis& dbis, uint64_t dir_id) {
    const std::string prefix = keys::listing_header_key(dir_id);
    AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, dbis.children));
    AZB_ASSIGN_OR_RETURN(auto item, cursor.seek(prefix));
    bool had_header = item && item.key == prefix;
    while (item && item.key.substr(0, prefix.size()) == prefix) {
        AZB_RETURN_IF_ERROR(cursor.del());
        AZB_ASSIGN_OR_RETURN(item, cursor.next());
    }
    return had_header ? add_listed_dirs(txn, dbis, -1) : Status::ok();
}

Status put_listing_header(lmdb::WriteTxn& txn, const CacheDbis& dbis, uint64_t dir_id,
                          int64_t validated_at_ns) {
    const std::string key = keys::listing_header_key(dir_id);
    AZB_ASSIGN_OR_RETURN(auto existing, txn.get(dbis.children, key));
    if (!existing) AZB_RETURN_IF_ERROR(add_listed_dirs(txn, dbis, +1));
    return txn.put(dbis.children, key, keys::encode_listing_header(validated_at_ns));
}

Result<uint64_t> listed_dirs(const lmdb::Txn& txn, const CacheDbis& dbis) {
    AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis.meta, keys::kMetaListedDirs));
    std::optional<uint64_t> count = value ? keys::decode_u64_be(*value) : std::nullopt;
    if (!count) return Status(Code::kIoError, "cache index: meta listed_dirs is missing or corrupt");
    return *count;
}

Result<uint64_t> count_listing_headers(const lmdb::Txn& txn, const CacheDbis& dbis) {
    uint64_t headers = 0;
    // Headers are the 8-byte keys; hop from one directory's rows to the next id.
    AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, dbis.children));
    AZB_ASSIGN_OR_RETURN(auto item, cursor.first());
    while (item) {
        auto id = keys::decode_u64_be(item.key.substr(0, 8));
        if (!id) return Status(Code::kIoError, "cache index: corrupt children key");
        if (item.key.size() == 8) ++headers;
        if (*id == UINT64_MAX) break;
        AZB_ASSIGN_OR_RETURN(item, cursor.seek(keys::listing_header_key(*id + 1)));
    }
    return headers;
}

Result<std::vector<DirChild>> read_child_rows(const lmdb::Txn& txn, const CacheDbis& dbis,
                                              uint64_t dir_id, const std::string& after, size_t max) {
    std::vector<DirChild> children;
    AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, dbis.children));
    const std::string start = after.empty() ? keys::listing_header_key(dir_id) : keys::child_key(dir_id, after);
    AZB_ASSIGN_OR_RETURN(auto item, cursor.seek(start));
    // Skip the header, or the row named `after` itself.
    if (item && (item.key.size() == 8 || (!after.empty() && item.key == start))) {
        AZB_ASSIGN_OR_RETURN(item, cursor.next());
    }
    while (item && children.size() < max) {
        auto name = keys::child_name(item.key, dir_id);
        if (!name) break;
        AZB_ASSIGN_OR_RETURN(EntryType type, keys::decode_child(item.value));
        children.push_back(DirChild{std::string(*name), type});
        AZB_ASSIGN_OR_RETURN(item, cursor.next());
    }
    return children;
}

std::pair<std::string, std::string> split_parent(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return {std::string(), path};
    return {path.substr(0, slash), path.substr(slash + 1)};
}

Status add_child_row_if_listed(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& path,
                               EntryType type) {
    if (path.empty()) return Status::ok();
    auto [parent, name] = split_parent(path);
    if (name.size() > keys::kMaxNameBytes) return Status::ok();
    AZB_ASSIGN_OR_RETURN(auto parent_rec, read_entry(txn, dbis, parent));
    if (!parent_rec) return Status::ok();
    AZB_ASSIGN_OR_RETURN(auto header, txn.get(dbis.children, keys::listing_header_key(parent_rec->file_id)));
    if (!header) return Status::ok();
    return txn.put(dbis.children, keys::child_key(parent_rec->file_id, name), keys::encode_child(type));
}

Status remove_child_row(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& path) {
    if (path.empty()) return Status::ok();
    auto [parent, name] = split_parent(path);
    AZB_ASSIGN_OR_RETURN(auto parent_rec, read_entry(txn, dbis, parent));
    if (!parent_rec || name.size() > keys::kMaxNameBytes) return Status::ok();
    return txn.del(dbis.children, keys::child_key(parent_rec->file_id, name)).status();
}

}  // namespace azblobfs::index_rows
