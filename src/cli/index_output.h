// What `azblobfs query` prints: errors with their column, the freshness note, JSON matches.
#pragma once

#include <string>
#include <vector>

#include "cache/query.h"
#include "cache/sidecar_index.h"
#include "cli/commands.h"

namespace azblobfs {

// "azblobfs query: column 17: expected a value", then the query and a caret under the column.
void print_query_error(const std::string& expression, const index::QueryError& error, CommandIo io);
// A note on stderr when sidecars changed in Azure are not re-read yet, or the index is
// incomplete (a cache from before the index, or rules changed): the answer may be stale.
void print_freshness_note(SidecarIndex& index, CommandIo io);
// One JSON object per line: {"path": ..., "fields": {name: value or [values]}}, limited to
// `fields` (comma separated, as written in queries) when not empty.
int print_json_matches(SidecarIndex& index, const std::vector<QueryMatch>& matches,
                       const std::string& fields, CommandIo io);
// The user-facing name of a field key: "s:income" -> "income", "m:x" -> "meta.x",
// "y:size" -> "sys.size", "v:lead" -> "view.lead".
std::string display_field(const std::string& field_key);

}  // namespace azblobfs
