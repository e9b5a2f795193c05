#include "cli/index_commands.h"

#include "cli/index_access.h"
#include "cli/index_output.h"

namespace azblobfs {
namespace {

void add_target(CLI::App* cmd, IndexTarget& t) {
    auto* mount = cmd->add_option("--mount", t.mountpoint, "a running azblobfs mount (its index)");
    auto* dir = cmd->add_option("--cache-dir", t.cache_dir, "a cache directory (mounted or not)");
    mount->excludes(dir);
}

}  // namespace

void add_index_subcommands(CLI::App& app, IndexCliFlags& flags) {
    auto* q = app.add_subcommand("query", "find files by sidecar fields, blob metadata and properties (docs/INDEX.md)");
    q->footer(R"(
EXPR, e.g. 'classification = hot and income >= 100000':
  field = value, != < <= > >=, field in (a, b), field ^= prefix (or = prefix*), field exists,
  and / or / not (also & | !) and parentheses. Fields: a sidecar's JSON fields by name
  (address.city for nested ones), meta.KEY (blob user metadata), sys.size, sys.last_modified
  (Unix seconds), sys.content_type, sys.tier. Numbers compare as numbers, words and 'quoted'
  or "quoted" text as strings, true/false as booleans; an array field matches when any
  element does.
Output: one path per line relative to the mount root, sorted (for a sidecar field, the
sidecar's path). Answers come from the local index, also with Azure unreachable; a note on
stderr says when sidecars changed in Azure are not re-read yet. Exit 2: malformed query.)");
    add_target(q, flags.query.target);
    q->add_option("expression", flags.query.expression, "the query")->required();
    q->add_option("--format", flags.query.format, "paths or json (one object per match)")
        ->check(CLI::IsMember({"paths", "json"}))->capture_default_str();
    q->add_option("--fields", flags.query.fields, "with --format json: the fields to print, comma separated (default: all)");
    q->add_flag("--count", flags.query.count, "print only the number of matches");

    auto* idx = app.add_subcommand("index", "the sidecar index: rebuild");
    idx->require_subcommand(1);
    auto* r = idx->add_subcommand("rebuild", "crawl blobs and sidecars into the index (resumable)");
    r->footer(R"(
Lists every blob (with its metadata) under --container/--prefix into the index, then reads the
sidecars whose content the index does not hold, with --threads parallel GETs, showing done /
total, rate and ETA. Interrupted (Ctrl-C, a crash), it resumes where it stopped when run again:
sidecars already read at their current ETag are not read twice. Ends with the sidecars it
skipped and why.)");
    add_target(r, flags.rebuild.target);
    r->add_option("--container", flags.rebuild.container, "only this container (account mounts)");
    r->add_option("--prefix", flags.rebuild.prefix, "only blobs whose name starts with this");
    r->add_option("--threads", flags.rebuild.threads, "parallel GETs")->check(CLI::Range(1, 64))->capture_default_str();
    r->add_option("--cache-size", flags.rebuild.cache_size, "map size when the cache directory is not mounted")
        ->capture_default_str();
}

int cmd_query(const QueryFlags& flags, CommandIo io) {
    auto parsed = index::parse_query(flags.expression);
    if (const auto* error = std::get_if<index::QueryError>(&parsed)) {
        print_query_error(flags.expression, *error, io);
        return 2;
    }
    auto opened = open_index(flags.target, 0, /*read_only=*/true);
    if (!opened) {
        io.err << "azblobfs query: " << opened.status().message() << "\n";
        return opened.status().code() == Code::kInvalidArgument ? 2 : 1;
    }
    auto matches = opened->index->query(std::get<index::Query>(parsed));
    if (!matches) {
        io.err << "azblobfs query: " << matches.status().to_string() << "\n";
        return 1;
    }
    print_freshness_note(*opened->index, io);
    if (flags.count) {
        io.out << matches->size() << "\n";
        return 0;
    }
    if (flags.format == "json") return print_json_matches(*opened->index, *matches, flags.fields, io);
    for (const auto& m : *matches) io.out << m.path << "\n";
    return 0;
}

}  // namespace azblobfs
