#include "fs/view_tree.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "cache/query.h"
#include "fs/name_mapping.h"

namespace azblobfs {
namespace {

std::vector<std::string> components(std::string_view path) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        parts.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

// A by-field value as a name: a number when the whole name is one (as in queries), true or
// false, else a string.
index::Value value_of_name(const std::string& name) {
    if (name == "true" || name == "false") return index::Value::of_bool(name == "true");
    if (auto n = index::parse_number(name)) return index::Value::of_number(*n);
    return index::Value::of_string(name);
}

bool valid_field(const std::string& name) { return index::valid_field_name(name); }

}  // namespace

std::vector<std::string> unique_view_names(std::vector<std::string> names, const std::vector<uint64_t>& ids) {
    // Every name as given is reserved first, so a file really named "x~5" keeps that name and
    // a second "x" of file 5 moves on to "x~5~5": no two entries ever share a name.
    std::set<std::string> used(names.begin(), names.end());
    std::set<std::string> seen;
    for (size_t i = 0; i < names.size(); ++i) {
        std::string& name = names[i];
        if (seen.insert(name).second) continue;
        const std::string suffix = "~" + std::to_string(ids[i]);
        do name += suffix; while (!used.insert(name).second);
        seen.insert(name);
    }
    return names;
}

bool ViewTree::is_view_path(std::string_view path) {
    return path == kRoot || (path.size() > kRoot.size() && path.substr(0, kRoot.size()) == kRoot &&
                             path[kRoot.size()] == '/');
}

std::vector<ViewTree::Named> ViewTree::named(const std::vector<QueryMatch>& matches,
                                              std::vector<std::string> names) {
    std::vector<uint64_t> ids;
    for (const auto& m : matches) ids.push_back(m.file_id);
    names = unique_view_names(std::move(names), ids);
    std::vector<Named> out;
    for (size_t i = 0; i < matches.size(); ++i) out.push_back(Named{names[i], matches[i].path});
    return out;
}

std::vector<ViewTree::Named> ViewTree::flat_names(const std::vector<QueryMatch>& matches) const {
    std::vector<std::string> names;
    for (const auto& m : matches) names.emplace_back(NameMapping::base_name(m.path));
    return named(matches, std::move(names));
}

Result<std::optional<std::vector<ViewTree::Named>>> ViewTree::leaf_entries(
    const std::vector<std::string>& parts) const {
    using Entries = std::optional<std::vector<Named>>;
    if (parts.size() == 2 && parts[0] == "by-lead") {
        AZB_ASSIGN_OR_RETURN(auto files, index_->equal("v:lead", index::Value::of_string(parts[1])));
        if (files.empty()) return Entries();
        std::vector<QueryMatch> kept;
        std::vector<std::string> names;
        for (const auto& f : files) {
            auto match = index_->rules().view_match(f.path);
            if (!match || match->lead != parts[1]) continue;
            kept.push_back(f);
            names.push_back(match->name);  // two twins of one lead: "twin.md", "twin.md~<id>"
        }
        return Entries(named(kept, std::move(names)));
    }
    if (parts.size() == 3 && parts[0] == "by-field") {
        if (!valid_field(parts[1])) return Entries();
        AZB_ASSIGN_OR_RETURN(auto files, index_->equal(index::field_key(parts[1]), value_of_name(parts[2])));
        if (files.empty()) return Entries();
        return Entries(flat_names(files));
    }
    if (parts.size() == 2 && parts[0] == "query") {
        auto parsed = index::parse_query(parts[1]);
        if (const auto* error = std::get_if<index::QueryError>(&parsed)) {
            return Status(Code::kInvalidArgument, "view query \"" + parts[1] + "\": column " +
                                                      std::to_string(error->column) + ": " + error->message);
        }
        AZB_ASSIGN_OR_RETURN(auto files, index_->query(std::get<index::Query>(parsed)));
        return Entries(flat_names(files));
    }
    return Entries();
}

Result<std::optional<ViewTree::Node>> ViewTree::resolve(const std::string& path) const {
    using Found = std::optional<Node>;
    std::vector<std::string> parts = components(path);
    parts.erase(parts.begin());  // ".views"
    const Node dir{EntryType::kDirectory, {}};
    if (parts.empty()) return Found(dir);
    if (parts.size() == 1) {
        bool known = parts[0] == "by-lead" || parts[0] == "by-field" || parts[0] == "query";
        return known ? Found(dir) : Found();
    }
    if (parts[0] == "by-field" && parts.size() == 2) return valid_field(parts[1]) ? Found(dir) : Found();
    // Find the deepest leaf directory that is a prefix of `parts`; the rest names an entry in it.
    const size_t leaf_depth = parts[0] == "by-field" ? 3 : 2;
    if (parts.size() < leaf_depth) return Found();
    std::vector<std::string> leaf(parts.begin(), parts.begin() + static_cast<long>(leaf_depth));
    AZB_ASSIGN_OR_RETURN(auto entries, leaf_entries(leaf));
    if (!entries) return Found();
    if (parts.size() == leaf_depth) return Found(dir);
    std::string rest;
    for (size_t i = leaf_depth; i < parts.size(); ++i) rest += (rest.empty() ? "" : "/") + parts[i];
    for (const auto& e : *entries) {
        if (e.name == rest) {
            std::string up;
            for (size_t i = 0; i < parts.size(); ++i) up += "../";  // ".views" + parts - the name
            return Found(Node{EntryType::kSymlink, up + e.path});
        }
        if (e.name.size() > rest.size() && e.name.compare(0, rest.size() + 1, rest + "/") == 0) {
            return Found(dir);
        }
    }
    return Found();
}

Result<std::vector<DirChild>> ViewTree::children(const std::string& path) const {
    std::vector<std::string> parts = components(path);
    parts.erase(parts.begin());
    std::vector<DirChild> out;
    if (parts.empty()) {
        for (const char* n : {"by-field", "by-lead", "query"}) out.push_back(DirChild{n, EntryType::kDirectory});
        return out;
    }
    const size_t leaf_depth = parts[0] == "by-field" ? 3 : 2;
    if (parts.size() < leaf_depth) return out;
    std::vector<std::string> leaf(parts.begin(), parts.begin() + static_cast<long>(leaf_depth));
    AZB_ASSIGN_OR_RETURN(auto entries, leaf_entries(leaf));
    if (!entries) return Status(Code::kNotFound, path + " does not exist");
    std::string prefix;
    for (size_t i = leaf_depth; i < parts.size(); ++i) prefix += parts[i] + "/";
    std::map<std::string, EntryType> names;
    for (const auto& e : *entries) {
        if (e.name.compare(0, prefix.size(), prefix) != 0) continue;
        std::string rest = e.name.substr(prefix.size());
        auto slash = rest.find('/');
        if (slash == std::string::npos) {
            names.emplace(rest, EntryType::kSymlink);
        } else {
            names[rest.substr(0, slash)] = EntryType::kDirectory;
        }
    }
    for (auto& [name, type] : names) out.push_back(DirChild{name, type});
    return out;
}

}  // namespace azblobfs
