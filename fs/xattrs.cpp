#include "fs/xattrs.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace azblobfs {

namespace {

constexpr std::string_view kUserPrefix = "user.";

// The virtual attributes of a blob-backed entry that have a value.
std::vector<std::pair<std::string, std::string>> virtual_attributes(const EntryRecord& r) {
    std::vector<std::pair<std::string, std::string>> out;
    if (r.type == EntryType::kDirectory) return out;
    if (!r.etag.empty()) out.emplace_back("user.azure.etag", r.etag);
    if (!r.content_type.empty()) out.emplace_back("user.azure.content_type", r.content_type);
    if (!r.tier.empty()) out.emplace_back("user.azure.tier", r.tier);
    return out;
}

Status no_attribute(const std::string& name) {
    return Status(Code::kNoAttribute, "no extended attribute " + name);
}

}  // namespace

Result<std::string> xattr_value(const EntryRecord& record, const std::string& name) {
    for (auto& [key, value] : virtual_attributes(record)) {
        if (key == name) return value;
    }
    if (name.compare(0, kUserPrefix.size(), kUserPrefix) != 0) return no_attribute(name);
    auto it = record.metadata.find(metadata_key(name));
    if (it == record.metadata.end()) return no_attribute(name);
    return it->second;
}

std::string metadata_key(const std::string& xattr_name) {
    std::string key;
    for (char c : xattr_name.substr(std::min(xattr_name.size(), kUserPrefix.size()))) {
        key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return key;
}

std::vector<std::string> xattr_names(const EntryRecord& record) {
    std::vector<std::string> names;
    for (const auto& [key, value] : record.metadata) names.push_back(std::string(kUserPrefix) + key);
    for (auto& [key, value] : virtual_attributes(record)) names.push_back(key);
    return names;
}

}  // namespace azblobfs
