#include "cache/field_rows.h"

#include <algorithm>

#include "cache/key_schema.h"
#include "cache/value_codec.h"

namespace azblobfs::field_rows {
namespace {

using EncodedRows = std::vector<std::pair<uint32_t, std::string>>;

std::string field_row_key(uint32_t field_id, std::string_view encoded) {
    return keys::encode_u32_be(field_id) + std::string(encoded);
}

Result<uint32_t> field_id_for(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& key) {
    AZB_ASSIGN_OR_RETURN(auto found, find_field(txn, dbis, key));
    if (found) return *found;
    AZB_ASSIGN_OR_RETURN(auto next_value, txn.get(dbis.meta, keys::kMetaNextFieldId));
    uint32_t id = 1;
    if (next_value) {
        auto next = keys::decode_u32_be(*next_value);
        if (!next) return Status(Code::kIoError, "cache index: meta next_field_id is corrupt");
        id = *next;
    }
    AZB_RETURN_IF_ERROR(txn.put(dbis.meta, keys::kMetaNextFieldId, keys::encode_u32_be(id + 1)));
    AZB_RETURN_IF_ERROR(txn.put(dbis.fieldnames, keys::field_name_key(key), keys::encode_u32_be(id)));
    AZB_RETURN_IF_ERROR(txn.put(dbis.fieldnames, keys::field_id_key(id), key));
    return id;
}

Result<EncodedRows> encode_fields(lmdb::WriteTxn& txn, const CacheDbis& dbis,
                                  const std::vector<index::Field>& fields) {
    EncodedRows rows;
    for (const auto& [key, value] : fields) {
        auto encoded = index::encode_value(value);
        if (!encoded) continue;  // NaN or infinity: not indexable
        if (4 + encoded->size() > keys::kMaxKeyBytes) continue;  // e.g. a string of NULs (escaped twice)
        AZB_ASSIGN_OR_RETURN(uint32_t id, field_id_for(txn, dbis, key));
        rows.emplace_back(id, std::move(encoded).value());
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    return rows;
}

Status put_rows(lmdb::WriteTxn& txn, const CacheDbis& dbis, uint64_t file_id, const EncodedRows& rows) {
    for (const auto& [id, enc] : rows) {
        AZB_RETURN_IF_ERROR(txn.put(dbis.fields, field_row_key(id, enc), keys::encode_u64_be(file_id)));
    }
    return Status::ok();
}

Status del_rows(lmdb::WriteTxn& txn, const CacheDbis& dbis, uint64_t file_id, const EncodedRows& rows) {
    for (const auto& [id, enc] : rows) {
        AZB_RETURN_IF_ERROR(txn.del_item(dbis.fields, field_row_key(id, enc), keys::encode_u64_be(file_id)).status());
    }
    return Status::ok();
}

// The derived rows of a record, with field ids only for fields that already exist (removal).
Result<EncodedRows> existing_rows(const lmdb::Txn& txn, const CacheDbis& dbis,
                                  const std::vector<index::Field>& fields) {
    EncodedRows rows;
    for (const auto& [key, value] : fields) {
        auto encoded = index::encode_value(value);
        if (!encoded) continue;
        AZB_ASSIGN_OR_RETURN(auto id, find_field(txn, dbis, key));
        if (id) rows.emplace_back(*id, std::move(encoded).value());
    }
    return rows;
}

Status count_state(lmdb::WriteTxn& txn, const CacheDbis& dbis, DocState state, int delta) {
    std::string_view key = state == DocState::kIndexed   ? keys::kMetaSidecarsIndexed
                           : state == DocState::kSkipped ? keys::kMetaSidecarsSkipped
                                                         : std::string_view();
    if (key.empty() || delta == 0) return Status::ok();
    AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis.meta, key));
    uint64_t n = value ? keys::decode_u64_be(*value).value_or(0) : 0;
    n = delta < 0 ? (n > 0 ? n - 1 : 0) : n + 1;
    return txn.put(dbis.meta, key, keys::encode_u64_be(n));
}

const index::IndexRules& rules_of(const CacheDbis& dbis) {
    static const index::IndexRules kNone = [] {
        index::IndexRules r;
        r.index_properties = false;
        return r;
    }();
    return dbis.rules ? *dbis.rules : kNone;
}

}  // namespace

std::string encode_doc(const Doc& doc) {
    keys::Writer w;
    w.byte(1);  // format
    w.str(doc.path);
    w.byte(static_cast<uint8_t>(doc.state));
    w.str(doc.etag);
    w.str(doc.reason);
    w.varint(doc.rows.size());
    for (const auto& [id, enc] : doc.rows) {
        w.varint(id);
        w.str(enc);
    }
    return w.take();
}

Result<Doc> decode_doc(std::string_view value) {
    keys::Reader r(value);
    Doc doc;
    uint8_t format = 0, state = 0;
    uint64_t n = 0;
    bool ok = r.byte(&format) && format == 1 && r.str(&doc.path) && r.byte(&state) && state <= 2 &&
              r.str(&doc.etag) && r.str(&doc.reason) && r.varint(&n);
    for (uint64_t i = 0; ok && i < n; ++i) {
        uint64_t id = 0;
        std::string enc;
        ok = r.varint(&id) && id <= UINT32_MAX && r.str(&enc);
        doc.rows.emplace_back(static_cast<uint32_t>(id), std::move(enc));
    }
    if (!ok || !r.at_end()) return Status(Code::kIoError, "cache index: corrupt docs row");
    doc.state = static_cast<DocState>(state);
    return doc;
}

Result<std::string> decode_doc_path(std::string_view value) {
    keys::Reader r(value);
    uint8_t format = 0;
    std::string path;
    if (!r.byte(&format) || format != 1 || !r.str(&path)) return Status(Code::kIoError, "cache index: corrupt docs row");
    return path;
}

Result<std::optional<Doc>> read_doc(const lmdb::Txn& txn, const CacheDbis& dbis, uint64_t file_id) {
    AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis.docs, keys::encode_u64_be(file_id)));
    if (!value) return std::optional<Doc>();
    AZB_ASSIGN_OR_RETURN(Doc doc, decode_doc(*value));
    return std::optional<Doc>(std::move(doc));
}

Result<std::optional<uint32_t>> find_field(const lmdb::Txn& txn, const CacheDbis& dbis,
                                           const std::string& field_key) {
    AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis.fieldnames, keys::field_name_key(field_key)));
    if (!value) return std::optional<uint32_t>();
    auto id = keys::decode_u32_be(*value);
    if (!id) return Status(Code::kIoError, "cache index: corrupt fieldnames row");
    return std::optional<uint32_t>(*id);
}

Result<std::optional<std::string>> field_name(const lmdb::Txn& txn, const CacheDbis& dbis,
                                              uint32_t field_id) {
    AZB_ASSIGN_OR_RETURN(auto value, txn.get(dbis.fieldnames, keys::field_id_key(field_id)));
    if (!value) return std::optional<std::string>();
    return std::optional<std::string>(std::string(*value));
}

Status on_upsert(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& path,
                 const std::optional<EntryRecord>& old, const EntryRecord& now) {
    const index::IndexRules& rules = rules_of(dbis);
    if (now.type != EntryType::kFile) {
        return old ? on_remove(txn, dbis, path, *old) : Status::ok();
    }
    AZB_ASSIGN_OR_RETURN(auto doc, read_doc(txn, dbis, now.file_id));
    auto now_fields = index::derived_fields(rules, path, now);
    bool unchanged = false;
    if (old && old->type == EntryType::kFile && doc) {
        auto old_fields = index::derived_fields(rules, path, *old);
        unchanged = old_fields == now_fields;
        if (!unchanged) {
            AZB_ASSIGN_OR_RETURN(auto old_rows, existing_rows(txn, dbis, old_fields));
            AZB_RETURN_IF_ERROR(del_rows(txn, dbis, now.file_id, old_rows));
        }
    }
    if (!unchanged) {
        AZB_ASSIGN_OR_RETURN(auto rows, encode_fields(txn, dbis, now_fields));
        AZB_RETURN_IF_ERROR(put_rows(txn, dbis, now.file_id, rows));
    }
    if (!doc) {
        Doc fresh;
        fresh.path = path;
        AZB_RETURN_IF_ERROR(txn.put(dbis.docs, keys::encode_u64_be(now.file_id), encode_doc(fresh)));
        doc = fresh;
    }
    if (rules.is_sidecar(path) && !now.etag.empty() && doc->etag != now.etag) {
        AZB_RETURN_IF_ERROR(txn.put(dbis.pending, keys::encode_u64_be(now.file_id), ""));
    }
    return Status::ok();
}

Status on_remove(lmdb::WriteTxn& txn, const CacheDbis& dbis, const std::string& path,
                 const EntryRecord& old) {
    if (old.type != EntryType::kFile) return Status::ok();
    AZB_ASSIGN_OR_RETURN(auto doc, read_doc(txn, dbis, old.file_id));
    if (!doc) return Status::ok();
    AZB_ASSIGN_OR_RETURN(auto rows, existing_rows(txn, dbis, index::derived_fields(rules_of(dbis), path, old)));
    AZB_RETURN_IF_ERROR(del_rows(txn, dbis, old.file_id, rows));
    AZB_RETURN_IF_ERROR(del_rows(txn, dbis, old.file_id, doc->rows));
    AZB_RETURN_IF_ERROR(count_state(txn, dbis, doc->state, -1));
    const std::string id_key = keys::encode_u64_be(old.file_id);
    AZB_RETURN_IF_ERROR(txn.del(dbis.docs, id_key).status());
    return txn.del(dbis.pending, id_key).status();
}

Status put_sidecar(lmdb::WriteTxn& txn, const CacheDbis& dbis, uint64_t file_id,
                   const std::string& path, const std::string& etag,
                   const std::variant<std::vector<index::Field>, index::SidecarSkip>& content) {
    AZB_ASSIGN_OR_RETURN(auto old, read_doc(txn, dbis, file_id));
    Doc doc = old ? *old : Doc{};
    doc.path = path;
    AZB_RETURN_IF_ERROR(del_rows(txn, dbis, file_id, doc.rows));
    AZB_RETURN_IF_ERROR(count_state(txn, dbis, doc.state, -1));
    doc.etag = etag;
    doc.rows.clear();
    doc.reason.clear();
    if (const auto* skip = std::get_if<index::SidecarSkip>(&content)) {
        doc.state = DocState::kSkipped;
        doc.reason = skip->reason;
    } else {
        doc.state = DocState::kIndexed;
        AZB_ASSIGN_OR_RETURN(doc.rows, encode_fields(txn, dbis, std::get<std::vector<index::Field>>(content)));
        AZB_RETURN_IF_ERROR(put_rows(txn, dbis, file_id, doc.rows));
    }
    AZB_RETURN_IF_ERROR(count_state(txn, dbis, doc.state, +1));
    const std::string id_key = keys::encode_u64_be(file_id);
    AZB_RETURN_IF_ERROR(txn.put(dbis.docs, id_key, encode_doc(doc)));
    return txn.del(dbis.pending, id_key).status();
}

}  // namespace azblobfs::field_rows
