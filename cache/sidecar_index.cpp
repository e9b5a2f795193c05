#include "cache/sidecar_index.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "cache/field_rows.h"
#include "cache/index_rows.h"
#include "cache/key_schema.h"
#include "cache/lmdb_cache_env.h"

namespace azblobfs {
namespace {

uint64_t id_at(std::string_view page, size_t i) {
    uint64_t v = 0;
    std::memcpy(&v, page.data() + i * 8, 8);
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    return v;
}

// Appends the 8-byte big-endian ids of a page of MDB_DUPFIXED values; with `within`, only
// those also in `within` (each found by binary search in the page, so a page no id of `within`
// falls into costs two reads).
Status append_ids(std::string_view page, const std::vector<uint64_t>* within, std::vector<uint64_t>* ids) {
    if (page.size() % 8 != 0) return Status(Code::kIoError, "cache index: corrupt fields values");
    const size_t n = page.size() / 8;
    if (within == nullptr) {
        const size_t first = ids->size();
        ids->resize(first + n);
        std::memcpy(ids->data() + first, page.data(), page.size());
        if constexpr (std::endian::native == std::endian::little) {
            for (size_t i = first; i < ids->size(); ++i) (*ids)[i] = __builtin_bswap64((*ids)[i]);
        }
        return Status::ok();
    }
    if (n == 0) return Status::ok();
    auto from = std::lower_bound(within->begin(), within->end(), id_at(page, 0));
    auto to = std::upper_bound(from, within->end(), id_at(page, n - 1));
    size_t lo = 0;
    for (auto it = from; it != to; ++it) {
        size_t hi = n;  // binary search for *it in [lo, n)
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (id_at(page, mid) < *it) lo = mid + 1; else hi = mid;
        }
        if (lo < n && id_at(page, lo) == *it) ids->push_back(*it);
    }
    return Status::ok();
}

// The evaluator's view of one read transaction.
class TxnFieldSource final : public index::FieldSource {
public:
    TxnFieldSource(const lmdb::Txn& txn, const CacheDbis& dbis) : txn_(txn), dbis_(dbis) {}

    // One walk over the field's keys in [lo, hi); each key's file ids are read a page at a time
    // (MDB_GET_MULTIPLE), so a value shared by many files costs a copy, not a step per file.
    Result<std::vector<uint64_t>> scan(const std::string& field_key, const std::string& lo,
                                       const std::string& hi, const std::vector<uint64_t>* within) override {
        std::vector<uint64_t> ids;
        if (within && within->empty()) return ids;
        size_t keys_seen = 0;
        AZB_RETURN_IF_ERROR(walk(field_key, lo, hi, [&](lmdb::Cursor& cursor, const lmdb::Cursor::Item& item) -> Result<bool> {
            ++keys_seen;
            AZB_ASSIGN_OR_RETURN(auto page, cursor.values_here());
            // A key with one file keeps it inline: LMDB then gives no page, the item holds it.
            if (page && page.value.empty()) page.value = item.value;
            while (page) {
                AZB_RETURN_IF_ERROR(append_ids(page.value, within, &ids));
                AZB_ASSIGN_OR_RETURN(page, cursor.more_values());
            }
            return true;
        }));
        if (keys_seen > 1) {  // each key's ids are sorted; several keys interleave
            std::sort(ids.begin(), ids.end());
            ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        }
        return ids;
    }

    Result<std::optional<uint64_t>> estimate(const std::string& field_key, const std::string& lo,
                                             const std::string& hi, size_t max_keys) override {
        uint64_t total = 0;
        size_t keys_seen = 0;
        AZB_RETURN_IF_ERROR(walk(field_key, lo, hi, [&](lmdb::Cursor& cursor, const lmdb::Cursor::Item&) -> Result<bool> {
            if (++keys_seen > max_keys) return false;
            AZB_ASSIGN_OR_RETURN(uint64_t n, cursor.count_values());
            total += n;
            return true;
        }));
        if (keys_seen > max_keys) return std::optional<uint64_t>();
        return std::optional<uint64_t>(total);
    }

    Result<std::vector<uint64_t>> all_ids() override {
        std::vector<uint64_t> ids;
        AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn_, dbis_.docs));
        AZB_ASSIGN_OR_RETURN(auto item, cursor.first());
        while (item) {
            auto id = keys::decode_u64_be(item.key);
            if (!id) return Status(Code::kIoError, "cache index: corrupt docs key");
            ids.push_back(*id);
            AZB_ASSIGN_OR_RETURN(item, cursor.next());
        }
        return ids;
    }

private:
    // Calls visit(cursor, item) on the first item of each key of `field_key` in [lo, hi), in key
    // order, until it returns false.
    template <typename Visit>
    Status walk(const std::string& field_key, const std::string& lo, const std::string& hi, Visit visit) {
        AZB_ASSIGN_OR_RETURN(auto field, field_rows::find_field(txn_, dbis_, field_key));
        if (!field) return Status::ok();
        const std::string prefix = keys::encode_u32_be(*field);
        const std::string end = hi.empty() ? std::string() : prefix + hi;
        const std::string start = prefix + lo;
        AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn_, dbis_.fields));
        // No stored key is longer than LMDB's limit: seek to the limit, skip what sorts below.
        AZB_ASSIGN_OR_RETURN(auto item, cursor.seek(std::string_view(start).substr(0, keys::kMaxKeyBytes)));
        while (item && item.key < start) {
            AZB_ASSIGN_OR_RETURN(item, cursor.next_key());
        }
        while (item && item.key.substr(0, prefix.size()) == prefix && (end.empty() || item.key < end)) {
            AZB_ASSIGN_OR_RETURN(bool more, visit(cursor, item));
            if (!more) break;
            AZB_ASSIGN_OR_RETURN(item, cursor.next_key());
        }
        return Status::ok();
    }

    const lmdb::Txn& txn_;
    const CacheDbis& dbis_;
};

Result<uint64_t> meta_count(const lmdb::Txn& txn, const CacheDbis& dbis, std::string_view key) {
    AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis.meta, key));
    return value ? keys::decode_u64_be(*value).value_or(0) : 0;
}

class LmdbSidecarIndex final : public SidecarIndex {
public:
    explicit LmdbSidecarIndex(std::shared_ptr<LmdbCacheEnv> env) : env_(std::move(env)) {}

    const index::IndexRules& rules() const override { return env_->rules(); }

    Result<std::vector<QueryMatch>> query(const index::Query& query) override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        TxnFieldSource source(txn, env_->dbis());
        AZB_ASSIGN_OR_RETURN(auto ids, index::evaluate(query, source));
        return matches(txn, ids);
    }

    Result<std::vector<QueryMatch>> equal(const std::string& field_key, const index::Value& value) override {
        AZB_ASSIGN_OR_RETURN(std::string enc, index::encode_value(value));
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        TxnFieldSource source(txn, env_->dbis());
        AZB_ASSIGN_OR_RETURN(auto ids, source.scan(field_key, enc, index::prefix_successor(enc), nullptr));
        return matches(txn, ids);
    }

    Result<std::vector<index::Field>> fields(const QueryMatch& file) override {
        const CacheDbis& dbis = env_->dbis();
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        std::vector<index::Field> out;
        AZB_ASSIGN_OR_RETURN(auto doc, field_rows::read_doc(txn, dbis, file.file_id));
        if (doc) {
            for (const auto& [id, enc] : doc->rows) {
                AZB_ASSIGN_OR_RETURN(auto name, field_rows::field_name(txn, dbis, id));
                size_t used = 0;
                AZB_ASSIGN_OR_RETURN(index::Value v, index::decode_value(enc, &used));
                if (name) out.emplace_back(*name, std::move(v));
            }
        }
        AZB_ASSIGN_OR_RETURN(auto entry, index_rows::read_entry(txn, dbis, file.path));
        if (entry) {
            for (auto& f : index::derived_fields(rules(), file.path, *entry)) out.push_back(std::move(f));
        }
        return out;
    }

    Status index_local(const std::string& path,
                       const std::variant<std::vector<index::Field>, index::SidecarSkip>& fields) override {
        const CacheDbis& dbis = env_->dbis();
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
        AZB_ASSIGN_OR_RETURN(auto entry, index_rows::read_entry(txn, dbis, path));
        if (!entry || entry->type != EntryType::kFile) {
            return Status(Code::kNotFound, "sidecar index: " + path + " has no file entry");
        }
        warn_if_skipped(path, fields);
        AZB_RETURN_IF_ERROR(field_rows::put_sidecar(txn, dbis, entry->file_id, path, entry->etag, fields));
        return txn.commit();
    }

    Result<std::vector<PendingSidecar>> pending(size_t max) override {
        const CacheDbis& dbis = env_->dbis();
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        std::vector<PendingSidecar> out;
        AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, dbis.pending));
        AZB_ASSIGN_OR_RETURN(auto item, cursor.first());
        while (item && out.size() < max) {
            auto id = keys::decode_u64_be(item.key);
            if (!id) return Status(Code::kIoError, "cache index: corrupt pending key");
            AZB_ASSIGN_OR_RETURN(auto doc, field_rows::read_doc(txn, dbis, *id));
            std::optional<EntryRecord> entry;
            if (doc) {
                AZB_ASSIGN_OR_RETURN(entry, index_rows::read_entry(txn, dbis, doc->path));
            }
            if (entry && entry->file_id == *id) {
                out.push_back(PendingSidecar{*id, doc->path, entry->etag, entry->size});
            } else {
                out.push_back(PendingSidecar{*id, doc ? doc->path : std::string(), std::string(), 0});
            }
            AZB_ASSIGN_OR_RETURN(item, cursor.next());
        }
        return out;
    }

    Status store_read(const PendingSidecar& p, const std::string& etag,
                      const std::variant<std::vector<index::Field>, index::SidecarSkip>& content) override {
        const CacheDbis& dbis = env_->dbis();
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
        AZB_ASSIGN_OR_RETURN(auto entry, index_rows::read_entry(txn, dbis, p.path));
        if (!entry || entry->file_id != p.file_id || entry->etag != etag) return Status::ok();
        warn_if_skipped(p.path, content);
        AZB_RETURN_IF_ERROR(field_rows::put_sidecar(txn, dbis, p.file_id, p.path, etag, content));
        return txn.commit();
    }

    Status drop_pending(const PendingSidecar& p) override {
        const CacheDbis& dbis = env_->dbis();
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
        AZB_ASSIGN_OR_RETURN(auto entry, index_rows::read_entry(txn, dbis, p.path));
        if (entry && entry->file_id == p.file_id && entry->etag != p.etag) return Status::ok();
        AZB_RETURN_IF_ERROR(txn.del(dbis.pending, keys::encode_u64_be(p.file_id)).status());
        return txn.commit();
    }

    Result<bool> has_rows(uint64_t file_id) override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto doc, txn.get(env_->dbis().docs, keys::encode_u64_be(file_id)));
        return doc.has_value();
    }

    Result<std::vector<std::pair<std::string, std::string>>> skipped() override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        std::vector<std::pair<std::string, std::string>> out;
        AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, env_->dbis().docs));
        AZB_ASSIGN_OR_RETURN(auto item, cursor.first());
        while (item) {
            AZB_ASSIGN_OR_RETURN(field_rows::Doc doc, field_rows::decode_doc(item.value));
            if (doc.state == field_rows::DocState::kSkipped) out.emplace_back(doc.path, doc.reason);
            AZB_ASSIGN_OR_RETURN(item, cursor.next());
        }
        return out;
    }

    Status mark_complete() override {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
        AZB_RETURN_IF_ERROR(txn.del(env_->dbis().meta, keys::kMetaIndexIncomplete).status());
        return txn.commit();
    }

    Result<SidecarIndexStats> stats() override {
        const CacheDbis& dbis = env_->dbis();
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        SidecarIndexStats s;
        AZB_ASSIGN_OR_RETURN(s.sidecars_indexed, meta_count(txn, dbis, keys::kMetaSidecarsIndexed));
        AZB_ASSIGN_OR_RETURN(s.sidecars_skipped, meta_count(txn, dbis, keys::kMetaSidecarsSkipped));
        AZB_ASSIGN_OR_RETURN(s.sidecars_pending, txn.count(dbis.pending));
        AZB_ASSIGN_OR_RETURN(s.files, txn.count(dbis.docs));
        AZB_ASSIGN_OR_RETURN(s.field_rows, txn.count(dbis.fields));
        AZB_ASSIGN_OR_RETURN(auto incomplete, txn.get(dbis.meta, keys::kMetaIndexIncomplete));
        s.incomplete = incomplete.has_value();
        return s;
    }

private:
    Result<std::vector<QueryMatch>> matches(const lmdb::ReadTxn& txn, const std::vector<uint64_t>& ids) {
        std::vector<QueryMatch> out;
        out.reserve(ids.size());
        for (uint64_t id : ids) {
            AZB_ASSIGN_OR_RETURN(auto value, txn.get(env_->dbis().docs, keys::encode_u64_be(id)));
            if (!value) continue;
            AZB_ASSIGN_OR_RETURN(std::string path, field_rows::decode_doc_path(*value));
            out.push_back(QueryMatch{id, std::move(path)});
        }
        std::sort(out.begin(), out.end(), [](const QueryMatch& a, const QueryMatch& b) { return a.path < b.path; });
        return out;
    }

    static void warn_if_skipped(const std::string& path,
                                const std::variant<std::vector<index::Field>, index::SidecarSkip>& content) {
        if (const auto* skip = std::get_if<index::SidecarSkip>(&content)) {
            spdlog::warn("sidecar index: skipped {}: {}", path, skip->reason);
        }
    }

    std::shared_ptr<LmdbCacheEnv> env_;
};

}  // namespace

std::shared_ptr<SidecarIndex> make_sidecar_index(std::shared_ptr<CacheEnv> env) {
    return std::make_shared<LmdbSidecarIndex>(std::dynamic_pointer_cast<LmdbCacheEnv>(env));
}

}  // namespace azblobfs
