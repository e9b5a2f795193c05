#include "fs/name_mapping.h"

namespace azblobfs {

BlobLocation NameMapping::locate(const std::string& path) const {
    BlobLocation loc;
    if (container_) {
        loc.container = *container_;
        loc.blob = path;
        return loc;
    }
    if (path.empty()) {
        loc.account_root = true;
        return loc;
    }
    size_t slash = path.find('/');
    if (slash == std::string::npos) {
        loc.container = path;
    } else {
        loc.container = path.substr(0, slash);
        loc.blob = path.substr(slash + 1);
    }
    return loc;
}

std::string NameMapping::child_prefix(const BlobLocation& dir) {
    std::string prefix = dir.blob;
    if (!prefix.empty()) prefix.push_back('/');  // (not operator+: GCC 12 -Wrestrict false positive)
    return prefix;
}

std::string NameMapping::join(const std::string& dir, std::string_view name) {
    if (dir.empty()) return std::string(name);
    std::string out = dir;
    out += '/';
    out += name;
    return out;
}

std::string NameMapping::parent_of(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string_view NameMapping::base_name(const std::string& path) {
    size_t slash = path.rfind('/');
    std::string_view view(path);
    return slash == std::string::npos ? view : view.substr(slash + 1);
}

std::optional<std::string> NameMapping::unfit_component(std::string_view name) {
    if (name.empty()) return "empty path component";
    if (name == "." || name == "..") return "'" + std::string(name) + "' path component";
    if (name.size() > kMaxNameBytes) {
        return "path component of " + std::to_string(name.size()) + " bytes (limit 255)";
    }
    for (char c : name) {
        auto b = static_cast<unsigned char>(c);
        if (b == '/') return "'/' inside a path component";
        if (b < 0x20 || b == 0x7f) return "control character in name";
    }
    return std::nullopt;
}

size_t NameMapping::code_points(std::string_view s) {
    size_t n = 0;
    for (char c : s) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    }
    return n;
}

}  // namespace azblobfs
