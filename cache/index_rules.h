// What the field index indexes (DESIGN §6): which files are sidecars, which path templates
// define the by-lead view, and how a sidecar's JSON and a blob's properties become fields.
//
// Paths are mount-relative (cache/entry_record.h). Patterns are written account-relative
// ("<container>/<blob pattern>"); for_mount() turns them into mount-relative ones: with a
// container mount, a pattern of that container loses its first component and patterns of other
// containers are dropped.
//
// Field keys (cache/query.h field_key): "s:" + dotted JSON path for sidecar fields, "m:" + key
// for blob user metadata, "y:" + name for system properties (size, last_modified in seconds
// since the epoch, content_type, tier), "v:lead" for the lead captured by a view template.
//
// Contract: every function is pure and never throws; flatten_sidecar() never fails on bad
// input, it returns a skip reason instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cache/entry_record.h"
#include "cache/index_value.h"

namespace azblobfs::index {

// A path template with {name} captures (within one path component) and '*' (the rest of one
// component), e.g. "digital-twins/{yyyy}/{mm}/{dd}/{lead}.md". `alias` is the name the view
// shows for a match: "twin.md", or a directory "images/" under which the '*' part is the name.
struct ViewTemplate {
    std::string pattern;
    std::string alias;
};

struct IndexRules {
    std::vector<std::string> sidecar_globs;   // fnmatch(3) with FNM_PATHNAME, mount-relative
    std::vector<ViewTemplate> views;          // by-lead templates, mount-relative
    uint64_t max_sidecar_bytes = 1 << 20;     // larger sidecars are skipped
    bool index_properties = true;             // m:* and y:* for every blob

    // The defaults for the sample layout (account-relative, as documented in docs/INDEX.md).
    static IndexRules defaults();
    // Mount-relative rules for a mount of `container` (nullopt: the whole account).
    IndexRules for_mount(const std::optional<std::string>& container) const;

    bool is_sidecar(std::string_view path) const;
    // The lead captured by the first template `path` matches, and that template's view name
    // for the path ("twin.md", "images/full.png").
    struct ViewMatch {
        std::string lead;
        std::string name;
    };
    std::optional<ViewMatch> view_match(std::string_view path) const;

    // Serialised as JSON (kept in the cache so that offline tools use the mount's rules).
    std::string to_json() const;
    static std::optional<IndexRules> from_json(std::string_view text);
};

using Field = std::pair<std::string, Value>;  // (field key, value)

// The fields of one sidecar's bytes, or why it is skipped: not JSON, not an object, invalid
// UTF-8, a field name with control characters, over max_bytes, nested deeper than 32 levels.
// Top-level and nested scalars (by dotted path) are fields; an array of scalars gives one field
// per element; nulls, and arrays inside arrays, are not indexed. String values over
// kMaxIndexedString bytes are not indexed (their key would not fit LMDB's key limit).
struct SidecarSkip {
    std::string reason;
};
std::variant<std::vector<Field>, SidecarSkip> flatten_sidecar(std::string_view bytes,
                                                             uint64_t max_bytes);
inline constexpr size_t kMaxIndexedString = 400;
// The skip reason of a sidecar of `size` bytes over the limit.
std::string over_limit_reason(uint64_t size, uint64_t limit);
inline constexpr size_t kMaxFieldName = 200;

// The fields the index derives from a file's record and path (m:*, y:*, v:lead); none for
// directories and symlinks.
std::vector<Field> derived_fields(const IndexRules& rules, std::string_view path,
                                  const EntryRecord& record);

}  // namespace azblobfs::index
