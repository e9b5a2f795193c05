// Value encodings of the journal and blocklists databases (layout in key_schema.h).
#include "cache/key_schema.h"
#include "cache/value_codec.h"

namespace azblobfs::keys {
namespace {

constexpr uint8_t kJournalFormat = 2;
constexpr uint8_t kJournalFormatWithoutSource = 1;
constexpr uint8_t kFlagExpectExists = 1;
constexpr uint8_t kFlagContentDirty = 2;
constexpr uint8_t kFlagContentTypeSet = 4;

Status corrupt_journal(std::string_view what) {
    return Status(Code::kIoError, "cache journal record is corrupt: " + std::string(what));
}

bool valid_kind(uint8_t k) { return k == 1 || k == 2; }
bool valid_entry_type(uint8_t t) { return t >= 1 && t <= 3; }

}  // namespace

std::string encode_journal(const JournalRecord& rec, std::string_view path) {
    Writer w;
    w.byte(kJournalFormat);
    w.byte(static_cast<uint8_t>(rec.kind));
    w.byte(static_cast<uint8_t>(rec.type));
    w.byte((rec.expect_exists ? kFlagExpectExists : 0) | (rec.content_dirty ? kFlagContentDirty : 0) |
           (rec.content_type_set ? kFlagContentTypeSet : 0));
    w.str(path);
    w.str(rec.container);
    w.str(rec.blob);
    w.str(rec.expect_etag);
    w.str(rec.underlay_etag);
    w.varint(rec.underlay_size);
    w.varint(rec.base_size);
    w.varint(rec.content_id);
    w.varint(rec.size);
    w.svarint(rec.modified_ns);
    w.varint(rec.generation);
    w.str(rec.content_type);
    w.varint(rec.metadata.size());
    for (const auto& [k, v] : rec.metadata) {
        w.str(k);
        w.str(v);
    }
    w.str(rec.source_path);
    w.str(rec.source_blob);
    return w.take();
}

Result<DecodedJournal> decode_journal(std::string_view value) {
    Reader r(value);
    uint8_t format = 0, kind = 0, type = 0, flags = 0;
    if (!r.byte(&format) || (format != kJournalFormat && format != kJournalFormatWithoutSource)) {
        return corrupt_journal("unknown format");
    }
    if (!r.byte(&kind) || !valid_kind(kind)) return corrupt_journal("unknown kind");
    if (!r.byte(&type) || !valid_entry_type(type)) return corrupt_journal("unknown type");
    if (!r.byte(&flags)) return corrupt_journal("truncated");
    DecodedJournal out;
    JournalRecord& rec = out.record;
    rec.kind = static_cast<JournalKind>(kind);
    rec.type = static_cast<EntryType>(type);
    rec.expect_exists = (flags & kFlagExpectExists) != 0;
    rec.content_dirty = (flags & kFlagContentDirty) != 0;
    rec.content_type_set = (flags & kFlagContentTypeSet) != 0;
    uint64_t count = 0;
    bool ok = r.str(&out.path) && r.str(&rec.container) && r.str(&rec.blob) &&
              r.str(&rec.expect_etag) && r.str(&rec.underlay_etag) && r.varint(&rec.underlay_size) &&
              r.varint(&rec.base_size) && r.varint(&rec.content_id) && r.varint(&rec.size) && r.svarint(&rec.modified_ns) &&
              r.varint(&rec.generation) && r.str(&rec.content_type) && r.varint(&count);
    for (uint64_t i = 0; ok && i < count; ++i) {
        std::string k, v;
        ok = r.str(&k) && r.str(&v);
        rec.metadata[k] = v;
    }
    if (ok && format == kJournalFormat) ok = r.str(&rec.source_path) && r.str(&rec.source_blob);
    if (!ok || !r.at_end()) return corrupt_journal("truncated or trailing bytes");
    return out;
}

std::string encode_paths(const std::vector<std::string>& paths) {
    Writer w;
    w.varint(paths.size());
    for (const std::string& p : paths) w.str(p);
    return w.take();
}

Result<std::vector<std::string>> decode_paths(std::string_view value) {
    Reader r(value);
    uint64_t count = 0;
    bool ok = r.varint(&count);
    std::vector<std::string> out;
    for (uint64_t i = 0; ok && i < count; ++i) {
        std::string p;
        ok = r.str(&p);
        out.push_back(std::move(p));
    }
    if (!ok || !r.at_end()) return corrupt_journal("source dependents truncated or trailing bytes");
    return out;
}

std::string encode_committed_blocks(const CommittedBlocks& blocks) {
    Writer w;
    w.str(blocks.etag);
    w.varint(blocks.size);
    w.varint(blocks.ids.size());
    for (const std::string& id : blocks.ids) w.str(id);
    w.varint(blocks.blocks_per_id);
    return w.take();
}

Result<CommittedBlocks> decode_committed_blocks(std::string_view value) {
    Reader r(value);
    CommittedBlocks out;
    uint64_t count = 0;
    bool ok = r.str(&out.etag) && r.varint(&out.size) && r.varint(&count);
    for (uint64_t i = 0; ok && i < count; ++i) {
        std::string id;
        ok = r.str(&id);
        out.ids.push_back(std::move(id));
    }
    if (ok && !r.at_end()) ok = r.varint(&out.blocks_per_id) && out.blocks_per_id > 0;
    if (!ok || !r.at_end()) return corrupt_journal("block list truncated or trailing bytes");
    return out;
}

}  // namespace azblobfs::keys
