#include "cache/journal.h"

#include <atomic>
#include <cstdio>
#include <set>

#include "cache/block_cache.h"
#include "cache/index_rows.h"
#include "cache/key_schema.h"
#include "cache/lmdb_cache_env.h"

namespace azblobfs {
namespace {

// Thread-safety: LMDB serialises writers; dirty_bytes_ is atomic and only changed by apply()
// inside its write transaction (so changes never race with each other).
class LmdbJournal final : public Journal {
public:
    LmdbJournal(std::shared_ptr<LmdbCacheEnv> env, uint64_t dirty_bytes, uint64_t records)
        : env_(std::move(env)), dirty_bytes_(dirty_bytes), records_(records) {}

    Result<std::optional<JournalRecord>> get(const std::string& path) override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        return read_record(txn, path);
    }

    Result<std::vector<std::pair<std::string, JournalRecord>>> records() override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, dbis().journal));
        std::vector<std::pair<std::string, JournalRecord>> out;
        AZB_ASSIGN_OR_RETURN(auto item, cursor.first());
        while (item) {
            AZB_ASSIGN_OR_RETURN(auto decoded, keys::decode_journal(item.value));
            out.emplace_back(std::move(decoded.path), std::move(decoded.record));
            AZB_ASSIGN_OR_RETURN(item, cursor.next());
        }
        return out;
    }

    Result<std::optional<std::string>> block(uint64_t content_id, uint64_t index) override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis().dirty, keys::block_key({content_id, index})));
        if (!value) return std::optional<std::string>();
        return std::optional<std::string>(std::string(*value));
    }

    Result<std::vector<uint64_t>> block_indices(uint64_t content_id) override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, dbis().dirty));
        std::vector<uint64_t> out;
        AZB_ASSIGN_OR_RETURN(auto item, cursor.seek(keys::block_key({content_id, 0})));
        while (item) {
            auto key = keys::decode_block_key(item.key);
            if (!key || key->file_id != content_id) break;
            out.push_back(key->index);
            AZB_ASSIGN_OR_RETURN(item, cursor.next());
        }
        return out;
    }

    Result<std::vector<std::string>> dependents(const std::string& path) override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis().sources, keys::entry_key(path)));
        if (!value) return std::vector<std::string>();
        return keys::decode_paths(*value);
    }

    Result<std::vector<std::pair<std::string, std::string>>> dir_renames() override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        return read_dir_renames(txn);
    }

    Result<std::vector<EntryRecord>> apply(const JournalBatch& batch) override;

    Result<uint64_t> allocate_content_id() override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
        AZB_ASSIGN_OR_RETURN(uint64_t id, index_rows::allocate_file_id(txn, dbis()));
        AZB_RETURN_IF_ERROR(txn.commit());
        return id;
    }

    Result<std::string> new_upload_id() override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
        AZB_ASSIGN_OR_RETURN(auto instance, txn.get(dbis().meta, keys::kMetaInstanceId));
        AZB_ASSIGN_OR_RETURN(auto next, txn.get(dbis().meta, keys::kMetaNextUpload));
        uint64_t serial = next ? keys::decode_u64_be(*next).value_or(0) : 0;
        std::string id = instance ? std::string(*instance) : std::string(16, '0');
        AZB_RETURN_IF_ERROR(txn.put(dbis().meta, keys::kMetaNextUpload, keys::encode_u64_be(serial + 1)));
        AZB_RETURN_IF_ERROR(txn.commit());
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(serial));
        return id + hex;
    }

    Result<std::optional<CommittedBlocks>> committed_blocks(const std::string& path) override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis().blocklists, keys::entry_key(path)));
        if (!value) return std::optional<CommittedBlocks>();
        AZB_ASSIGN_OR_RETURN(auto blocks, keys::decode_committed_blocks(*value));
        return std::optional<CommittedBlocks>(std::move(blocks));
    }

    Status put_committed_blocks(const std::string& path, const CommittedBlocks& blocks) override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
        AZB_RETURN_IF_ERROR(write_committed(txn, path, blocks));
        return txn.commit();
    }

    JournalStats stats() override { return JournalStats{records_.load(), dirty_bytes_.load()}; }

    Status sync() override { return env_->sync(); }

private:
    const CacheDbis& dbis() const { return env_->dbis(); }

    Result<std::optional<JournalRecord>> read_record(const lmdb::Txn& txn, const std::string& path) {
        AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis().journal, keys::entry_key(path)));
        if (!value) return std::optional<JournalRecord>();
        AZB_ASSIGN_OR_RETURN(auto decoded, keys::decode_journal(*value));
        if (decoded.path != path) {
            return Status(Code::kIoError, "cache journal: key of " + path + " holds another path");
        }
        return std::optional<JournalRecord>(std::move(decoded.record));
    }

    Result<std::vector<std::pair<std::string, std::string>>> read_dir_renames(const lmdb::Txn& txn) {
        AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis().meta, keys::kMetaDirRenames));
        std::vector<std::pair<std::string, std::string>> out;
        if (!value) return out;
        AZB_ASSIGN_OR_RETURN(std::vector<std::string> flat, keys::decode_paths(*value));
        if (flat.size() % 2 != 0) return Status(Code::kIoError, "cache journal: odd dir_renames list");
        for (size_t i = 0; i < flat.size(); i += 2) out.emplace_back(flat[i], flat[i + 1]);
        return out;
    }

    Status apply_dir_renames(lmdb::WriteTxn& txn, const JournalBatch& batch) {
        if (batch.begin_dir_renames.empty() && batch.end_dir_renames.empty()) return Status::ok();
        AZB_ASSIGN_OR_RETURN(auto renames, read_dir_renames(txn));
        for (const std::string& from : batch.end_dir_renames) {
            std::erase_if(renames, [&](const auto& r) { return r.first == from; });
        }
        renames.insert(renames.end(), batch.begin_dir_renames.begin(), batch.begin_dir_renames.end());
        if (renames.empty()) return txn.del(dbis().meta, keys::kMetaDirRenames).status();
        std::vector<std::string> flat;
        for (const auto& [from, to] : renames) {
            flat.push_back(from);
            flat.push_back(to);
        }
        return txn.put(dbis().meta, keys::kMetaDirRenames, keys::encode_paths(flat));
    }

    Status write_committed(lmdb::WriteTxn& txn, const std::string& path, const CommittedBlocks& blocks) {
        if (blocks.ids.empty()) return txn.del(dbis().blocklists, keys::entry_key(path)).status();
        return txn.put(dbis().blocklists, keys::entry_key(path), keys::encode_committed_blocks(blocks));
    }

    // Deletes dirty blocks of `content_id` from index `first` on; returns the bytes freed.
    Result<uint64_t> drop_blocks(lmdb::WriteTxn& txn, uint64_t content_id, uint64_t first) {
        AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, dbis().dirty));
        AZB_ASSIGN_OR_RETURN(auto item, cursor.seek(keys::block_key({content_id, first})));
        uint64_t freed = 0;
        while (item) {
            auto key = keys::decode_block_key(item.key);
            if (!key || key->file_id != content_id) break;
            freed += item.value.size();
            AZB_RETURN_IF_ERROR(cursor.del());
            AZB_ASSIGN_OR_RETURN(item, cursor.seek(keys::block_key({content_id, key->index + 1})));
        }
        return freed;
    }

    // Adds (add) or removes `dependent` in the sources row of `source` (no-op for "").
    Status link_source(lmdb::WriteTxn& txn, const std::string& source, const std::string& dependent,
                       bool add) {
        if (source.empty()) return Status::ok();
        std::string key = keys::entry_key(source);
        AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis().sources, key));
        std::vector<std::string> paths;
        if (value) {
            AZB_ASSIGN_OR_RETURN(paths, keys::decode_paths(*value));
        }
        std::erase(paths, dependent);
        if (add) paths.push_back(dependent);
        if (paths.empty()) return txn.del(dbis().sources, key).status();
        return txn.put(dbis().sources, key, keys::encode_paths(paths));
    }

    Status apply_records(lmdb::WriteTxn& txn, const JournalBatch& batch, int64_t* record_delta,
                         int64_t* byte_delta);
    Status apply_blocks(lmdb::WriteTxn& txn, const JournalBatch& batch, int64_t* byte_delta);
    Status apply_entries(lmdb::WriteTxn& txn, const JournalBatch& batch,
                         std::vector<EntryRecord>* stored);

    std::shared_ptr<LmdbCacheEnv> env_;
    std::atomic<uint64_t> dirty_bytes_;
    std::atomic<uint64_t> records_;
};

Status LmdbJournal::apply_records(lmdb::WriteTxn& txn, const JournalBatch& batch,
                                  int64_t* record_delta, int64_t* byte_delta) {
    std::set<uint64_t> kept_contents;
    for (const auto& [path, rec] : batch.put_records) kept_contents.insert(rec.content_id);
    for (const std::string& path : batch.drop_records) {
        AZB_ASSIGN_OR_RETURN(auto old, read_record(txn, path));
        if (!old) continue;
        AZB_RETURN_IF_ERROR(txn.del(dbis().journal, keys::entry_key(path)).status());
        AZB_RETURN_IF_ERROR(link_source(txn, old->source_path, path, false));
        --*record_delta;
        if (old->content_id != 0 && kept_contents.count(old->content_id) == 0) {
            AZB_ASSIGN_OR_RETURN(uint64_t freed, drop_blocks(txn, old->content_id, 0));
            *byte_delta -= static_cast<int64_t>(freed);
        }
    }
    for (const auto& [path, rec] : batch.put_records) {
        AZB_ASSIGN_OR_RETURN(auto old, read_record(txn, path));
        if (!old) ++*record_delta;
        if (old) AZB_RETURN_IF_ERROR(link_source(txn, old->source_path, path, false));
        AZB_RETURN_IF_ERROR(link_source(txn, rec.source_path, path, true));
        AZB_RETURN_IF_ERROR(txn.put(dbis().journal, keys::entry_key(path), keys::encode_journal(rec, path)));
    }
    return Status::ok();
}

Status LmdbJournal::apply_blocks(lmdb::WriteTxn& txn, const JournalBatch& batch, int64_t* byte_delta) {
    for (const auto& [content_id, first] : batch.trim_blocks) {
        AZB_ASSIGN_OR_RETURN(uint64_t freed, drop_blocks(txn, content_id, first));
        *byte_delta -= static_cast<int64_t>(freed);
    }
    for (const DirtyBlockWrite& b : batch.put_blocks) {
        if (b.data.size() > BlockCache::kBlockSize) {
            return Status(Code::kInvalidArgument, "cache journal: dirty block over the block size");
        }
        std::string key = keys::block_key({b.content_id, b.index});
        AZB_ASSIGN_OR_RETURN(auto old, txn.get(dbis().dirty, key));
        if (old) *byte_delta -= static_cast<int64_t>(old->size());
        AZB_RETURN_IF_ERROR(txn.put(dbis().dirty, key, b.data));
        *byte_delta += static_cast<int64_t>(b.data.size());
    }
    return Status::ok();
}

Status LmdbJournal::apply_entries(lmdb::WriteTxn& txn, const JournalBatch& batch,
                                  std::vector<EntryRecord>* stored) {
    std::vector<uint64_t> ids;
    for (const std::string& path : batch.remove_entries) {
        AZB_RETURN_IF_ERROR(index_rows::remove_entry_tree(txn, dbis(), path, &ids).status());
        AZB_RETURN_IF_ERROR(index_rows::remove_child_row(txn, dbis(), path));
    }
    for (const auto& [path, rec] : batch.put_entries) {
        AZB_ASSIGN_OR_RETURN(EntryRecord saved, index_rows::upsert_entry(txn, dbis(), path, rec, &ids));
        AZB_RETURN_IF_ERROR(index_rows::add_child_row_if_listed(txn, dbis(), path, saved.type));
        stored->push_back(std::move(saved));
    }
    for (const std::string& dir : batch.new_listings) {
        AZB_ASSIGN_OR_RETURN(auto rec, index_rows::read_entry(txn, dbis(), dir));
        if (!rec) continue;
        AZB_RETURN_IF_ERROR(index_rows::delete_listing_rows(txn, dbis(), rec->file_id));
        AZB_RETURN_IF_ERROR(index_rows::put_listing_header(txn, dbis(), rec->file_id, batch.listed_at_ns));
    }
    for (const std::string& dir : batch.expire_listings) {
        AZB_ASSIGN_OR_RETURN(auto rec, index_rows::read_entry(txn, dbis(), dir));
        if (!rec) continue;
        AZB_ASSIGN_OR_RETURN(auto header, txn.get(dbis().children, keys::listing_header_key(rec->file_id)));
        if (header) AZB_RETURN_IF_ERROR(index_rows::put_listing_header(txn, dbis(), rec->file_id, 0));
    }
    return Status::ok();
}

Result<std::vector<EntryRecord>> LmdbJournal::apply(const JournalBatch& batch) {
    AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
    int64_t record_delta = 0;
    int64_t byte_delta = 0;
    std::vector<EntryRecord> stored;
    AZB_RETURN_IF_ERROR(apply_records(txn, batch, &record_delta, &byte_delta));
    AZB_RETURN_IF_ERROR(apply_blocks(txn, batch, &byte_delta));
    AZB_RETURN_IF_ERROR(apply_entries(txn, batch, &stored));
    for (const auto& [path, blocks] : batch.committed) AZB_RETURN_IF_ERROR(write_committed(txn, path, blocks));
    AZB_RETURN_IF_ERROR(apply_dir_renames(txn, batch));
    AZB_RETURN_IF_ERROR(txn.commit());
    dirty_bytes_ += static_cast<uint64_t>(byte_delta);  // two's complement: adds a negative delta
    records_ += static_cast<uint64_t>(record_delta);
    return stored;
}

}  // namespace

std::shared_ptr<Journal> make_journal(std::shared_ptr<CacheEnv> env) {
    auto lmdb_env = std::dynamic_pointer_cast<LmdbCacheEnv>(std::move(env));
    uint64_t bytes = 0;
    uint64_t records = 0;
    if (lmdb_env) {
        auto txn = lmdb_env->begin_read();
        if (txn.is_ok()) {
            auto count = txn->count(lmdb_env->dbis().journal);
            if (count.is_ok()) records = *count;
            auto cursor = lmdb::Cursor::open(*txn, lmdb_env->dbis().dirty);
            if (cursor.is_ok()) {
                for (auto item = cursor->first(); item.is_ok() && item->found; item = cursor->next()) {
                    bytes += item->value.size();
                }
            }
        }
    }
    return std::make_shared<LmdbJournal>(std::move(lmdb_env), bytes, records);
}

}  // namespace azblobfs
