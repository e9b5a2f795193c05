#include "cache/index_rules.h"

#include <fnmatch.h>

#include <nlohmann/json.hpp>

namespace azblobfs::index {
namespace {

using json = nlohmann::json;

// Matches one path component against one template component; {name} and '*' capture.
bool match_component(std::string_view tpl, std::string_view text,
                     std::vector<std::pair<std::string, std::string>>* captures) {
    if (tpl.empty()) return text.empty();
    if (tpl[0] == '*' || tpl[0] == '{') {
        std::string name = "*";
        size_t rest = 1;
        if (tpl[0] == '{') {
            size_t close = tpl.find('}');
            if (close == std::string_view::npos) return false;
            name = std::string(tpl.substr(1, close - 1));
            rest = close + 1;
        }
        // Captures are never empty; try the shortest first.
        for (size_t len = 1; len <= text.size(); ++len) {
            captures->emplace_back(name, std::string(text.substr(0, len)));
            if (match_component(tpl.substr(rest), text.substr(len), captures)) return true;
            captures->pop_back();
        }
        return false;
    }
    if (text.empty() || tpl[0] != text[0]) return false;
    return match_component(tpl.substr(1), text.substr(1), captures);
}

std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (true) {
        size_t slash = path.find('/', start);
        parts.push_back(path.substr(start, slash - start));
        if (slash == std::string_view::npos) return parts;
        start = slash + 1;
    }
}

std::optional<std::string> capture(const std::vector<std::pair<std::string, std::string>>& caps,
                                   std::string_view name) {
    for (const auto& [k, v] : caps) {
        if (k == name) return v;
    }
    return std::nullopt;
}

// "C/rest" -> "rest" for a mount of container C; other containers' patterns are dropped.
std::optional<std::string> relative_to(const std::string& pattern,
                                       const std::optional<std::string>& container) {
    if (!container) return pattern;
    std::string head = *container + "/";
    if (pattern.compare(0, head.size(), head) != 0) return std::nullopt;
    return pattern.substr(head.size());
}

bool has_control(std::string_view s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
}

struct Flattener {
    std::vector<Field> fields;
    std::optional<std::string> error;

    void scalar(const std::string& name, const json& v) {
        if (v.is_boolean()) {
            fields.emplace_back("s:" + name, Value::of_bool(v.get<bool>()));
        } else if (v.is_number()) {
            fields.emplace_back("s:" + name, Value::of_number(v.get<double>()));
        } else if (v.is_string()) {
            const auto& s = v.get_ref<const std::string&>();
            if (s.size() <= kMaxIndexedString) fields.emplace_back("s:" + name, Value::of_string(s));
        }
    }

    void walk(const std::string& prefix, const json& obj, int depth) {
        if (depth > 32) {
            error = "nested deeper than 32 levels";
            return;
        }
        for (const auto& [key, v] : obj.items()) {
            if (error) return;
            if (key.empty() || has_control(key)) {
                error = "a field name is empty or holds a control character";
                return;
            }
            std::string name = prefix.empty() ? key : prefix + "." + key;
            if (name.size() > kMaxFieldName) {
                error = "field name '" + name.substr(0, 40) + "...' is over " +
                        std::to_string(kMaxFieldName) + " bytes";
                return;
            }
            if (v.is_object()) {
                walk(name, v, depth + 1);
            } else if (v.is_array()) {
                for (const auto& element : v) {
                    if (!element.is_structured()) scalar(name, element);
                }
            } else {
                scalar(name, v);
            }
        }
    }
};

}  // namespace

IndexRules IndexRules::defaults() {
    IndexRules r;
    r.sidecar_globs = {"digital-twins/metadata/*.json"};
    r.views = {{"digital-twins/{yyyy}/{mm}/{dd}/{lead}.md", "twin.md"},
               {"digital-twins/metadata/{lead}.json", "metadata.json"},
               {"persona-images/{lead}/*", "images/"}};
    return r;
}

IndexRules IndexRules::for_mount(const std::optional<std::string>& container) const {
    IndexRules out = *this;
    out.sidecar_globs.clear();
    out.views.clear();
    for (const auto& g : sidecar_globs) {
        if (auto rel = relative_to(g, container)) out.sidecar_globs.push_back(*rel);
    }
    for (const auto& v : views) {
        if (auto rel = relative_to(v.pattern, container)) out.views.push_back({*rel, v.alias});
    }
    return out;
}

bool IndexRules::is_sidecar(std::string_view path) const {
    std::string p(path);
    for (const auto& g : sidecar_globs) {
        if (::fnmatch(g.c_str(), p.c_str(), FNM_PATHNAME) == 0) return true;
    }
    return false;
}

std::optional<IndexRules::ViewMatch> IndexRules::view_match(std::string_view path) const {
    const auto parts = split(path);
    for (const auto& v : views) {
        const auto tpl = split(v.pattern);
        if (tpl.size() != parts.size()) continue;
        std::vector<std::pair<std::string, std::string>> caps;
        bool ok = true;
        for (size_t i = 0; ok && i < tpl.size(); ++i) ok = match_component(tpl[i], parts[i], &caps);
        auto lead = ok ? capture(caps, "lead") : std::nullopt;
        if (!lead) continue;
        std::string name = v.alias;
        if (!name.empty() && name.back() == '/') name += std::string(parts.back());
        return ViewMatch{*lead, name};
    }
    return std::nullopt;
}

std::string IndexRules::to_json() const {
    json views_json = json::array();
    for (const auto& v : views) views_json.push_back({{"pattern", v.pattern}, {"alias", v.alias}});
    json j = {{"sidecars", sidecar_globs},
              {"views", views_json},
              {"max_sidecar_bytes", max_sidecar_bytes},
              {"index_properties", index_properties}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<IndexRules> IndexRules::from_json(std::string_view text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    try {
        IndexRules r;
        r.sidecar_globs = j.at("sidecars").get<std::vector<std::string>>();
        for (const auto& v : j.at("views")) {
            r.views.push_back({v.at("pattern").get<std::string>(), v.at("alias").get<std::string>()});
        }
        r.max_sidecar_bytes = j.at("max_sidecar_bytes").get<uint64_t>();
        r.index_properties = j.at("index_properties").get<bool>();
        return r;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

std::string over_limit_reason(uint64_t size, uint64_t limit) {
    return "size " + std::to_string(size) + " bytes is over the limit of " + std::to_string(limit);
}

std::variant<std::vector<Field>, SidecarSkip> flatten_sidecar(std::string_view bytes,
                                                             uint64_t max_bytes) {
    if (bytes.size() > max_bytes) return SidecarSkip{over_limit_reason(bytes.size(), max_bytes)};
    json doc;
    try {
        doc = json::parse(bytes, nullptr, false);
    } catch (const json::exception& e) {
        return SidecarSkip{std::string("not JSON: ") + e.what()};
    }
    if (doc.is_discarded()) return SidecarSkip{"not JSON (or not valid UTF-8)"};
    if (!doc.is_object()) return SidecarSkip{"not a JSON object"};
    Flattener f;
    try {
        f.walk("", doc, 0);
    } catch (const json::exception& e) {
        return SidecarSkip{std::string("unreadable: ") + e.what()};
    }
    if (f.error) return SidecarSkip{*f.error};
    return std::move(f.fields);
}

std::vector<Field> derived_fields(const IndexRules& rules, std::string_view path,
                                  const EntryRecord& record) {
    std::vector<Field> out;
    if (record.type != EntryType::kFile) return out;
    if (rules.index_properties) {
        for (const auto& [key, value] : record.metadata) {
            if (key.size() <= kMaxFieldName && value.size() <= kMaxIndexedString) {
                out.emplace_back("m:" + key, Value::of_string(value));
            }
        }
        out.emplace_back("y:size", Value::of_number(static_cast<double>(record.size)));
        if (record.ctime_ns != 0) {
            out.emplace_back("y:last_modified",
                             Value::of_number(static_cast<double>(record.ctime_ns / 1000000000)));
        }
        if (!record.content_type.empty() && record.content_type.size() <= kMaxIndexedString) {
            out.emplace_back("y:content_type", Value::of_string(record.content_type));
        }
        if (!record.tier.empty()) out.emplace_back("y:tier", Value::of_string(record.tier));
    }
    if (auto match = rules.view_match(path); match && match->lead.size() <= kMaxIndexedString) {
        out.emplace_back("v:lead", Value::of_string(match->lead));
    }
    return out;
}

}  // namespace azblobfs::index
