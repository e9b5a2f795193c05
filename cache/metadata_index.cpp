#include "cache/metadata_index.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "cache/index_rows.h"
#include "cache/journal.h"
#include "cache/key_schema.h"
#include "cache/lmdb_cache_env.h"

namespace azblobfs {
namespace {

using ChildList = std::vector<std::pair<std::string, EntryRecord>>;

Status check_name(const std::string& dir, const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos || name.size() > keys::kMaxNameBytes) {
        return Status(Code::kInvalidArgument, "cache index: invalid child name \"" + name +
                                                  "\" in directory \"" + dir + "\"");
    }
    return Status::ok();
}

// Thread-safety: no state besides the environment; LMDB serialises writers and gives every
// reader a snapshot.
class LmdbMetadataIndex final : public MetadataIndex {
public:
    explicit LmdbMetadataIndex(std::shared_ptr<LmdbCacheEnv> env) : env_(std::move(env)) {}

    Result<std::optional<EntryRecord>> get(const std::string& path) override {
        AZB_RETURN_IF_ERROR(usable());
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        return index_rows::read_entry(txn, env_->dbis(), path);
    }

    Result<EntryRecord> put(const std::string& path, EntryRecord record) override {
        AZB_RETURN_IF_ERROR(usable());
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
        AZB_ASSIGN_OR_RETURN(auto journaled, journal_kind(txn, path));
        if (journaled == JournalKind::kDelete) {
            return Status(Code::kNotFound, path + " is deleted locally (upload pending)");
        }
        if (journaled) {  // the journal overrides the store (journal.h)
            AZB_ASSIGN_OR_RETURN(auto local, index_rows::read_entry(txn, env_->dbis(), path));
            if (local) return *local;
        }
        std::vector<uint64_t> stale;
        AZB_ASSIGN_OR_RETURN(
            EntryRecord stored,
            index_rows::upsert_entry(txn, env_->dbis(), path, std::move(record), &stale));
        AZB_RETURN_IF_ERROR(txn.commit());
        return stored;
    }

    Result<uint64_t> remove(const std::string& path) override {
        AZB_RETURN_IF_ERROR(usable());
        const CacheDbis& dbis = env_->dbis();
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
        std::vector<uint64_t> removed;
        AZB_ASSIGN_OR_RETURN(auto journaled, journal_kind(txn, path));
        if (journaled) return uint64_t{0};  // the journal overrides the store (journal.h)
        AZB_ASSIGN_OR_RETURN(uint64_t id, index_rows::remove_entry_tree(txn, dbis, path, &removed));
        // Keep the parent's listing true: a listed child always has its record.
        AZB_RETURN_IF_ERROR(index_rows::remove_child_row(txn, dbis, path));
        AZB_RETURN_IF_ERROR(txn.commit());
        return id;
    }

    Result<std::vector<std::pair<std::string, std::string>>> files_with_prefix(const std::string& prefix) override {
        AZB_RETURN_IF_ERROR(usable());
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto all, index_rows::entries_with_prefix(txn, env_->dbis(), prefix));
        std::vector<std::pair<std::string, std::string>> out;
        for (auto& [path, record] : all) {
            if (record.type == EntryType::kFile) out.emplace_back(std::move(path), std::move(record.etag));
        }
        return out;
    }

    Result<bool> remove_if_unchanged(const std::string& path, const std::string& etag,
                                     int64_t validated_before_ns) override {
        AZB_RETURN_IF_ERROR(usable());
        const CacheDbis& dbis = env_->dbis();
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
        AZB_ASSIGN_OR_RETURN(auto journaled, journal_kind(txn, path));
        if (journaled) return false;
        AZB_ASSIGN_OR_RETURN(auto record, index_rows::read_entry(txn, dbis, path));
        if (!record || record->type != EntryType::kFile || record->etag != etag ||
            record->validated_at_ns >= validated_before_ns) {
            return false;
        }
        std::vector<uint64_t> removed;
        AZB_RETURN_IF_ERROR(index_rows::remove_entry_tree(txn, dbis, path, &removed).status());
        AZB_RETURN_IF_ERROR(index_rows::remove_child_row(txn, dbis, path));
        AZB_RETURN_IF_ERROR(txn.commit());
        return true;
    }

    Result<std::optional<DirListing>> listing(const std::string& dir) override {
        return listing_page(dir, "", SIZE_MAX);
    }

    Result<std::optional<DirListing>> listing_page(const std::string& dir, const std::string& after,
                                                   size_t max) override {
        AZB_RETURN_IF_ERROR(usable());
        const CacheDbis& dbis = env_->dbis();
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto dir_rec, index_rows::read_entry(txn, dbis, dir));
        if (!dir_rec) return std::optional<DirListing>();
        AZB_ASSIGN_OR_RETURN(auto header,
                             txn.get(dbis.children, keys::listing_header_key(dir_rec->file_id)));
        if (!header) return std::optional<DirListing>();
        DirListing out;
        AZB_ASSIGN_OR_RETURN(out.validated_at_ns, keys::decode_listing_header(*header));
        AZB_ASSIGN_OR_RETURN(out.children,
                             index_rows::read_child_rows(txn, dbis, dir_rec->file_id, after, max));
        return std::optional<DirListing>(std::move(out));
    }

    Result<std::optional<ListedName>> listed_name(const std::string& dir, const std::string& name) override {
        AZB_RETURN_IF_ERROR(usable());
        const CacheDbis& dbis = env_->dbis();
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto dir_rec, index_rows::read_entry(txn, dbis, dir));
        if (!dir_rec) return std::optional<ListedName>();
        AZB_ASSIGN_OR_RETURN(auto header, txn.get(dbis.children, keys::listing_header_key(dir_rec->file_id)));
        if (!header) return std::optional<ListedName>();
        ListedName out;
        AZB_ASSIGN_OR_RETURN(out.validated_at_ns, keys::decode_listing_header(*header));
        if (!name.empty() && name.size() <= keys::kMaxNameBytes) {
            AZB_ASSIGN_OR_RETURN(auto row, txn.get(dbis.children, keys::child_key(dir_rec->file_id, name)));
            out.listed = row.has_value();
        }
        return std::optional<ListedName>(out);
    }

    Result<std::vector<uint64_t>> replace_listing(const std::string& dir, const ChildList& children,
                                                  int64_t validated_at_ns) override;
    Result<bool> pending(const std::string& path) override {
        AZB_RETURN_IF_ERROR(usable());
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto kind, journal_kind(txn, path));
        return kind.has_value();
    }

    Result<IndexStats> stats() override;

private:
    Status usable() const {
        if (env_) return Status::ok();
        return Status(Code::kInternal, "metadata index needs an environment from open_cache_env");
    }
    Result<uint64_t> directory_id(lmdb::WriteTxn& txn, const std::string& dir);
    Result<std::optional<JournalKind>> journal_kind(const lmdb::Txn& txn, const std::string& path);
    Status overlay_journal(lmdb::WriteTxn& txn, const std::string& dir,
                           std::map<std::string_view, const EntryRecord*>* wanted,
                           std::vector<std::string>* keep);

    std::shared_ptr<LmdbCacheEnv> env_;
};

// The file id of `dir`, creating a bare directory record when it has none (e.g. the root).
Result<uint64_t> LmdbMetadataIndex::directory_id(lmdb::WriteTxn& txn, const std::string& dir) {
    const CacheDbis& dbis = env_->dbis();
    AZB_ASSIGN_OR_RETURN(auto rec, index_rows::read_entry(txn, dbis, dir));
    if (rec) return rec->file_id;
    EntryRecord bare;
    bare.type = EntryType::kDirectory;
    AZB_ASSIGN_OR_RETURN(bare.file_id, index_rows::allocate_file_id(txn, dbis));
    AZB_RETURN_IF_ERROR(index_rows::write_entry(txn, dbis, dir, bare));
    return bare.file_id;
}

Result<std::optional<JournalKind>> LmdbMetadataIndex::journal_kind(const lmdb::Txn& txn,
                                                                   const std::string& path) {
    AZB_ASSIGN_OR_RETURN(auto value, txn.get(env_->dbis().journal, keys::entry_key(path)));
    if (!value) return std::optional<JournalKind>();
    AZB_ASSIGN_OR_RETURN(auto decoded, keys::decode_journal(*value));
    return std::optional<JournalKind>(decoded.record.kind);
}

// Journaled children of `dir` override the store's listing: kDelete names leave `wanted`,
// kUpload names are kept (their entries stay as the journal wrote them; names in *keep), and so
// is a child directory holding a kUpload deeper down.
Status LmdbMetadataIndex::overlay_journal(lmdb::WriteTxn& txn, const std::string& dir,
                                          std::map<std::string_view, const EntryRecord*>* wanted,
                                          std::vector<std::string>* keep) {
    for (char tag : {'p', 'h'}) {
        std::string prefix = keys::descendant_key_prefix(dir, tag);
        AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, env_->dbis().journal));
        AZB_ASSIGN_OR_RETURN(auto item, cursor.seek(prefix));
        for (; item && item.key.substr(0, prefix.size()) == prefix; ) {
            AZB_ASSIGN_OR_RETURN(auto decoded, keys::decode_journal(item.value));
            const std::string& path = decoded.path;
            bool below = dir.empty() || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                                         path[dir.size()] == '/');
            std::string rest = !below ? std::string() : dir.empty() ? path : path.substr(dir.size() + 1);
            size_t slash = rest.find('/');
            if (below && slash == std::string::npos) {
                auto it = wanted->find(rest);
                if (it != wanted->end()) wanted->erase(it);
                if (decoded.record.kind == JournalKind::kUpload) keep->push_back(rest);
            } else if (below && decoded.record.kind == JournalKind::kUpload &&
                       wanted->count(std::string_view(rest).substr(0, slash)) == 0) {
                // A pending upload deeper down keeps the child directory it lies in.
                keep->push_back(rest.substr(0, slash));
            }
            AZB_ASSIGN_OR_RETURN(item, cursor.next());
        }
    }
    return Status::ok();
}

Result<std::vector<uint64_t>> LmdbMetadataIndex::replace_listing(const std::string& dir,
                                                                 const ChildList& children,
                                                                 int64_t validated_at_ns) {
    AZB_RETURN_IF_ERROR(usable());
    std::map<std::string_view, const EntryRecord*>
        wanted;  // name order; a repeated name: last wins
    for (const auto& [name, rec] : children) {
        AZB_RETURN_IF_ERROR(check_name(dir, name));
        wanted[name] = &rec;
    }
    const CacheDbis& dbis = env_->dbis();
    AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
    AZB_ASSIGN_OR_RETURN(uint64_t dir_id, directory_id(txn, dir));
    AZB_ASSIGN_OR_RETURN(auto old_rows, index_rows::read_child_rows(txn, dbis, dir_id));
    std::vector<std::string> keep;
    AZB_RETURN_IF_ERROR(overlay_journal(txn, dir, &wanted, &keep));
    std::vector<uint64_t> removed;
    for (const DirChild& old : old_rows) {
        if (wanted.count(old.name) != 0) continue;
        if (std::find(keep.begin(), keep.end(), old.name) != keep.end()) continue;
        AZB_RETURN_IF_ERROR(
            index_rows::remove_entry_tree(txn, dbis, keys::join_path(dir, old.name), &removed)
                .status());
        AZB_RETURN_IF_ERROR(txn.del(dbis.children, keys::child_key(dir_id, old.name)).status());
    }
    for (const auto& [name, rec] : wanted) {
        std::string path = keys::join_path(dir, name);
        AZB_RETURN_IF_ERROR(index_rows::upsert_entry(txn, dbis, path, *rec, &removed).status());
        AZB_RETURN_IF_ERROR(
            txn.put(dbis.children, keys::child_key(dir_id, name), keys::encode_child(rec->type)));
    }
    for (const std::string& name : keep) {
        AZB_ASSIGN_OR_RETURN(auto local, index_rows::read_entry(txn, dbis, keys::join_path(dir, name)));
        if (!local) continue;
        AZB_RETURN_IF_ERROR(
            txn.put(dbis.children, keys::child_key(dir_id, name), keys::encode_child(local->type)));
    }
    AZB_RETURN_IF_ERROR(index_rows::put_listing_header(txn, dbis, dir_id, validated_at_ns));
    AZB_RETURN_IF_ERROR(txn.commit());
    return removed;
}

Result<IndexStats> LmdbMetadataIndex::stats() {
    AZB_RETURN_IF_ERROR(usable());
    const CacheDbis& dbis = env_->dbis();
    AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
    IndexStats out;
    AZB_ASSIGN_OR_RETURN(out.entries, txn.count(dbis.entries));
    AZB_ASSIGN_OR_RETURN(out.listed_dirs, index_rows::listed_dirs(txn, dbis));
    return out;
}

}  // namespace

std::unique_ptr<MetadataIndex> make_metadata_index(std::shared_ptr<CacheEnv> env) {
    return std::make_unique<LmdbMetadataIndex>(
        std::dynamic_pointer_cast<LmdbCacheEnv>(std::move(env)));
}

}  // namespace azblobfs
