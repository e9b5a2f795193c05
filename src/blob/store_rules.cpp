#include "blob/store_rules.h"

#include <cctype>
#include <map>

#include "blob/names.h"
#include "common/base64.h"

namespace azblobfs {

std::string blob_path(const std::string& container, const std::string& blob) {
    return container + "/" + blob;
}

Status validate_names(const std::string& container, const std::string& blob) {
    AZB_RETURN_IF_ERROR(validate_container_name(container));
    Status st = validate_blob_name(blob);
    if (!st) return st.with_context("blob in container " + container);
    return Status::ok();
}

Status check_write_conditions(const std::string* current_etag, const Conditions& conditions,
                              const std::string& path) {
    if (conditions.if_none_match_any && current_etag != nullptr) {
        return Status(Code::kAlreadyExists, "blob " + path + " already exists (If-None-Match: *)");
    }
    if (conditions.if_match) {
        if (current_etag == nullptr) {
            return Status(Code::kPreconditionFailed,
                          "blob " + path + " does not exist (If-Match " + *conditions.if_match + ")");
        }
        if (*current_etag != *conditions.if_match) {
            return Status(Code::kPreconditionFailed, "blob " + path + " has ETag " + *current_etag +
                                                         ", not " + *conditions.if_match);
        }
    }
    return Status::ok();
}

Status check_copy_source(const std::string& source_etag, const CopyOptions& options,
                         const std::string& path) {
    if (options.source_if_match && *options.source_if_match != source_etag) {
        return Status(Code::kPreconditionFailed, "copy source " + path + " has ETag " + source_etag +
                                                     ", not " + *options.source_if_match);
    }
    return Status::ok();
}

Result<ByteRange> clamp_read_range(uint64_t size, uint64_t offset, uint64_t length,
                                   const std::string& path) {
    if (size == 0 && offset == 0) return ByteRange{0, 0};
    if (offset >= size) {
        return Status(Code::kInvalidRange, "blob " + path + ": offset " + std::to_string(offset) +
                                               " is past the end (size " + std::to_string(size) + ")");
    }
    uint64_t available = size - offset;
    return ByteRange{offset, (length == 0 || length > available) ? available : length};
}

Result<Metadata> normalize_metadata(const Metadata& metadata, const std::string& path) {
    Metadata out;
    for (const auto& [key, value] : metadata) {
        bool ok = !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0]));
        std::string lower;
        for (char c : key) {
            auto u = static_cast<unsigned char>(c);
            ok = ok && (std::isalnum(u) || c == '_');
            lower.push_back(static_cast<char>(std::tolower(u)));
        }
        if (!ok) return Status(Code::kInvalidArgument, "blob " + path + ": invalid metadata key '" + key + "'");
        if (value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
            return Status(Code::kInvalidArgument, "blob " + path + ": metadata value of '" + key +
                                                      "' contains CR, LF or NUL");
        }
        if (!out.emplace(lower, value).second) {
            return Status(Code::kInvalidArgument, "blob " + path + ": metadata key '" + lower + "' given twice");
        }
    }
    return out;
}

Status validate_tier(const std::string& tier) {
    if (tier == "Hot" || tier == "Cool" || tier == "Cold" || tier == "Archive") return Status::ok();
    return Status(Code::kInvalidArgument, "unknown access tier '" + tier + "'");
}

Status validate_block_id(const std::string& block_id, const std::string& path) {
    if (block_id.empty() || block_id.size() > kMaxBlockIdBytes) {
        return Status(Code::kInvalidArgument, "blob " + path + ": block id must be 1-64 bytes, got " +
                                                  std::to_string(block_id.size()));
    }
    return Status::ok();
}

Result<std::vector<BlockSource>> resolve_block_list(
    const std::vector<std::string>& ids, const std::function<bool(const std::string&)>& is_staged,
    const std::vector<CommittedBlock>& committed, const std::string& path) {
    std::map<std::string, const CommittedBlock*> by_id;
    for (const auto& b : committed) by_id.emplace(b.id, &b);
    std::vector<BlockSource> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
        if (id.size() != ids.front().size()) {
            return Status(Code::kInvalidArgument, "blob " + path + ": block ids differ in length (" +
                                                      base64_encode(ids.front()) + ", " +
                                                      base64_encode(id) + ")");
        }
        if (is_staged(id)) {
            out.push_back(BlockSource{true, id, 0, 0});
            continue;
        }
        auto it = by_id.find(id);
        if (it == by_id.end()) {
            return Status(Code::kInvalidArgument, "blob " + path + ": block id " + base64_encode(id) +
                                                      " is neither staged nor committed");
        }
        out.push_back(BlockSource{false, id, it->second->offset, it->second->length});
    }
    return out;
}

Status validate_list_options(const ListOptions& options) {
    if (options.max_results < 1 || options.max_results > kMaxListResults) {
        return Status(Code::kInvalidArgument,
                      "max_results must be 1-5000, got " + std::to_string(options.max_results));
    }
    return Status::ok();
}

std::string effective_content_type(const std::string& content_type) {
    return content_type.empty() ? "application/octet-stream" : content_type;
}

}  // namespace azblobfs
