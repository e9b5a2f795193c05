// Mapping between paths of the mounted tree (cache/entry_record.h conventions) and blob
// locations, plus the rules that make a blob name component unfit to be shown (DESIGN §3).
//
// Account mode (no container option): path "" is the root listing containers, "c" is the root
// of container c, "c/a/b" is blob "a/b" in c. Container mode: "a/b" is blob "a/b".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace azblobfs {

inline constexpr size_t kMaxNameBytes = 255;  // one path component (NAME_MAX)

struct BlobLocation {
    bool account_root = false;  // true only for "" in account mode (children are containers)
    std::string container;      // empty iff account_root
    std::string blob;           // blob name; empty for a container root
};

class NameMapping {
public:
    explicit NameMapping(std::optional<std::string> container) : container_(std::move(container)) {}

    bool account_mode() const { return !container_.has_value(); }
    BlobLocation locate(const std::string& path) const;

    // The List Blobs prefix that lists the children of a directory: "" or "<blob>/".
    static std::string child_prefix(const BlobLocation& dir);

    static std::string join(const std::string& dir, std::string_view name);
    static std::string parent_of(const std::string& path);     // "" for a top-level path
    static std::string_view base_name(const std::string& path);

    // Why `name` cannot be a path component, or nullopt when it can: empty, "." or "..",
    // over 255 bytes, a '/' or a control character (0x00-0x1f, 0x7f).
    static std::optional<std::string> unfit_component(std::string_view name);

    // Unicode code points of a UTF-8 string (bytes that do not start a code point are not
    // counted); used for the 1,024-character blob name limit.
    static size_t code_points(std::string_view s);

private:
    std::optional<std::string> container_;
};

}  // namespace azblobfs
