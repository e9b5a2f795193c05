#include "cache/key_schema.h"
#include "cache/value_codec.h"

#include <openssl/evp.h>

#include <array>

namespace azblobfs::keys {
namespace {

constexpr uint8_t kEntryFormat = 1;
constexpr uint8_t kFlagMarker = 1;
constexpr uint8_t kFlagPath = 2;
constexpr char kTagPlain = 'p';
constexpr char kTagHashed = 'h';

std::array<unsigned char, kSha256Bytes> sha256(std::string_view data) {
    std::array<unsigned char, kSha256Bytes> digest{};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr);
    return digest;
}

bool valid_type(uint8_t t) {
    return t >= static_cast<uint8_t>(EntryType::kFile) &&
           t <= static_cast<uint8_t>(EntryType::kSymlink);
}

Status corrupt(std::string_view what) {
    return Status(Code::kIoError, "cache index record is corrupt: " + std::string(what));
}

bool read_strings(Reader& r, EntryRecord* rec) {
    if (!r.str(&rec->etag) || !r.str(&rec->content_type) || !r.str(&rec->tier)) return false;
    uint64_t count = 0;
    if (!r.varint(&count)) return false;
    for (uint64_t i = 0; i < count; ++i) {
        std::string k;
        std::string v;
        if (!r.str(&k) || !r.str(&v)) return false;
        rec->metadata.emplace(std::move(k), std::move(v));
    }
    return true;
}

}  // namespace

std::string encode_u64_be(uint64_t v) {
    std::string out(8, '\0');
    for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
    return out;
}

std::string encode_u32_be(uint32_t v) {
    std::string out(4, '\0');
    for (int i = 3; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
    return out;
}

std::string field_name_key(std::string_view field_key) { return "n" + std::string(field_key); }
std::string field_id_key(uint32_t field_id) { return "i" + encode_u32_be(field_id); }

std::optional<uint64_t> decode_u64_be(std::string_view bytes) {
    if (bytes.size() != 8) return std::nullopt;
    uint64_t v = 0;
    for (char c : bytes) v = (v << 8) | static_cast<uint8_t>(c);
    return v;
}

std::optional<uint32_t> decode_u32_be(std::string_view bytes) {
    if (bytes.size() != 4) return std::nullopt;
    uint32_t v = 0;
    for (char c : bytes) v = (v << 8) | static_cast<uint8_t>(c);
    return v;
}

std::string entry_key(std::string_view path) {
    std::string key;
    if (1 + path.size() <= kMaxKeyBytes) {
        key.reserve(1 + path.size());
        key.push_back(kTagPlain);
        key.append(path);
        return key;
    }
    auto digest = sha256(path);
    key.reserve(kMaxKeyBytes);
    key.push_back(kTagHashed);
    key.append(path.substr(0, kHashedPrefixBytes));
    key.append(reinterpret_cast<const char*>(digest.data()), digest.size());
    return key;
}

bool entry_key_is_hashed(std::string_view key) { return !key.empty() && key[0] == kTagHashed; }

std::string descendant_key_prefix(std::string_view dir, char tag) {
    std::string prefix(1, tag);
    if (!dir.empty()) {
        prefix.append(dir);
        prefix.push_back('/');
    }
    if (tag == kTagHashed && prefix.size() > 1 + kHashedPrefixBytes) {
        prefix.resize(1 + kHashedPrefixBytes);
    }
    return prefix;
}

std::string join_path(std::string_view dir, std::string_view name) {
    if (dir.empty()) return std::string(name);
    std::string out;
    out.reserve(dir.size() + 1 + name.size());
    out.append(dir);
    out.push_back('/');
    out.append(name);
    return out;
}

std::string encode_entry(const EntryRecord& rec, std::string_view path) {
    bool store_path = 1 + path.size() > kMaxKeyBytes;
    Writer w;
    w.byte(kEntryFormat);
    w.byte(static_cast<uint8_t>(rec.type));
    w.byte((rec.has_marker ? kFlagMarker : 0) | (store_path ? kFlagPath : 0));
    w.varint(rec.size);
    w.svarint(rec.mtime_ns);
    w.svarint(rec.ctime_ns);
    w.varint(rec.file_id);
    w.svarint(rec.validated_at_ns);
    w.str(rec.etag);
    w.str(rec.content_type);
    w.str(rec.tier);
    w.varint(rec.metadata.size());
    for (const auto& [k, v] : rec.metadata) {
        w.str(k);
        w.str(v);
    }
    if (store_path) w.str(path);
    return w.take();
}

Result<DecodedEntry> decode_entry_value(std::string_view value) {
    Reader r(value);
    uint8_t format = 0;
    uint8_t type = 0;
    uint8_t flags = 0;
    if (!r.byte(&format) || format != kEntryFormat) return corrupt("unknown record format");
    if (!r.byte(&type) || !valid_type(type)) return corrupt("unknown entry type");
    if (!r.byte(&flags)) return corrupt("truncated");
    DecodedEntry out;
    EntryRecord& rec = out.record;
    rec.type = static_cast<EntryType>(type);
    rec.has_marker = (flags & kFlagMarker) != 0;
    bool ok = r.varint(&rec.size) && r.svarint(&rec.mtime_ns) && r.svarint(&rec.ctime_ns) &&
              r.varint(&rec.file_id) && r.svarint(&rec.validated_at_ns) && read_strings(r, &rec);
    if (ok && (flags & kFlagPath) != 0) {
        std::string full_path;
        ok = r.str(&full_path);
        out.stored_path = std::move(full_path);
    }
    if (!ok || !r.at_end()) return corrupt("truncated or trailing bytes");
    return out;
}

Result<EntryRecord> decode_entry(std::string_view value, std::string_view path) {
    AZB_ASSIGN_OR_RETURN(DecodedEntry decoded, decode_entry_value(value));
    if (decoded.stored_path && *decoded.stored_path != path) {
        return Status(Code::kIoError, "cache index: hashed key of path " +
                                          std::string(path.substr(0, 64)) +
                                          "... holds another path (SHA-256 collision?)");
    }
    return std::move(decoded.record);
}

std::string listing_header_key(uint64_t dir_id) { return encode_u64_be(dir_id); }

std::string child_key(uint64_t dir_id, std::string_view name) {
    std::string key = encode_u64_be(dir_id);
    key.append(name);
    return key;
}

std::optional<std::string_view> child_name(std::string_view key, uint64_t dir_id) {
    if (key.size() <= 8 || decode_u64_be(key.substr(0, 8)) != dir_id) return std::nullopt;
    return key.substr(8);
}

std::string encode_child(EntryType type) { return std::string(1, static_cast<char>(type)); }

Result<EntryType> decode_child(std::string_view value) {
    if (value.size() != 1 || !valid_type(static_cast<uint8_t>(value[0]))) {
        return corrupt("child row");
    }
    return static_cast<EntryType>(value[0]);
}

std::string encode_listing_header(int64_t validated_at_ns) {
    return encode_u64_be(static_cast<uint64_t>(validated_at_ns));
}

Result<int64_t> decode_listing_header(std::string_view value) {
    auto v = decode_u64_be(value);
    if (!v) return corrupt("listing header");
    return static_cast<int64_t>(*v);
}

std::string block_key(BlockKey key) {
    return encode_u64_be(key.file_id) + encode_u64_be(key.index);
}

std::optional<BlockKey> decode_block_key(std::string_view key) {
    if (key.size() != 16) return std::nullopt;
    return BlockKey{*decode_u64_be(key.substr(0, 8)), *decode_u64_be(key.substr(8))};
}

}  // namespace azblobfs::keys
