#include "cli/index_output.h"

#include <cmath>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

namespace azblobfs {
namespace {

nlohmann::json to_json(const index::Value& v) {
    switch (v.type) {
        case index::Value::Type::kBool: return v.boolean;
        case index::Value::Type::kNumber:
            if (std::floor(v.number) == v.number && std::fabs(v.number) < 9e15) {
                return static_cast<int64_t>(v.number);
            }
            return v.number;
        case index::Value::Type::kString: return v.string;
    }
    return nullptr;
}

std::set<std::string> wanted_keys(const std::string& fields) {
    std::set<std::string> keys;
    size_t start = 0;
    while (start <= fields.size()) {
        size_t comma = fields.find(',', start);
        if (comma == std::string::npos) comma = fields.size();
        std::string name = fields.substr(start, comma - start);
        while (!name.empty() && name.front() == ' ') name.erase(name.begin());
        while (!name.empty() && name.back() == ' ') name.pop_back();
        if (!name.empty()) keys.insert(index::field_key(name));
        start = comma + 1;
    }
    return keys;
}

}  // namespace

std::string display_field(const std::string& field_key) {
    if (field_key.size() < 2 || field_key[1] != ':') return field_key;
    std::string rest = field_key.substr(2);
    switch (field_key[0]) {
        case 's': return rest;
        case 'm': return "meta." + rest;
        case 'y': return "sys." + rest;
        case 'v': return "view." + rest;
        default: return field_key;
    }
}

void print_query_error(const std::string& expression, const index::QueryError& error, CommandIo io) {
    io.err << "azblobfs query: column " << error.column << ": " << error.message << "\n";
    std::string shown;
    for (char c : expression) shown.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
    io.err << "  " << shown << "\n  " << std::string(error.column > 0 ? error.column - 1 : 0, ' ') << "^\n";
}

void print_freshness_note(SidecarIndex& index, CommandIo io) {
    auto stats = index.stats();
    if (!stats) return;
    if (stats->sidecars_pending > 0) {
        io.err << "azblobfs query: note: " << stats->sidecars_pending
               << " sidecar(s) changed in Azure are not re-read yet; their old fields answered\n";
    }
    if (stats->incomplete) {
        io.err << "azblobfs query: note: the index is incomplete (a cache from before the index, or "
                  "changed rules): run `azblobfs index rebuild`\n";
    }
}

int print_json_matches(SidecarIndex& index, const std::vector<QueryMatch>& matches,
                       const std::string& fields, CommandIo io) {
    const std::set<std::string> wanted = wanted_keys(fields);
    for (const auto& m : matches) {
        auto got = index.fields(m);
        if (!got) {
            io.err << "azblobfs query: " << got.status().to_string() << "\n";
            return 1;
        }
        std::map<std::string, std::vector<nlohmann::json>> values;
        for (const auto& [key, value] : *got) {
            if (wanted.empty() || wanted.count(key) > 0) values[key].push_back(to_json(value));
        }
        nlohmann::json obj = nlohmann::json::object();
        for (auto& [key, list] : values) {
            obj[display_field(key)] = list.size() == 1 ? list.front() : nlohmann::json(list);
        }
        io.out << nlohmann::json{{"path", m.path}, {"fields", obj}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
    return 0;
}

}  // namespace azblobfs
