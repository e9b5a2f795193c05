// The sidecar index (DESIGN §6): fields of sidecar JSON files, blob user metadata and system
// properties, kept in the cache's LMDB environment and queried locally, offline too.
//
// Contract:
//  - The rows follow the metadata index in the same transaction (cache/field_rows.h): what a
//    listing, a revalidation or a change through the mount stores for a path is what a query
//    sees next. A sidecar whose entry ETag moved on is "pending" until its new content is read
//    (SidecarRefresher, or index_local for content written through the mount); stats() says
//    how many are, so a query is never stale without saying so.
//  - query() answers with one cursor walk per leaf of the query (cache/query.h), reading no
//    row of a field it does not name; results are sorted by path.
//  - Thread-safe, one LMDB transaction per call, never throws.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cache/cache_env.h"
#include "cache/index_rules.h"
#include "cache/query.h"
#include "common/status.h"

namespace azblobfs {

struct QueryMatch {
    uint64_t file_id = 0;
    std::string path;
};

// A sidecar whose content must be read: its entry's ETag and size when it was queued.
struct PendingSidecar {
    uint64_t file_id = 0;
    std::string path;
    std::string etag;
    uint64_t size = 0;
};

struct SidecarIndexStats {
    uint64_t sidecars_indexed = 0;
    uint64_t sidecars_skipped = 0;   // bad sidecars (each logged once, naming the blob)
    uint64_t sidecars_pending = 0;   // changed in the store, not yet re-read
    uint64_t files = 0;              // docs rows: every indexed file
    uint64_t field_rows = 0;
    bool incomplete = false;         // entries exist without rows: run `azblobfs index rebuild`
};

class SidecarIndex {
public:
    virtual ~SidecarIndex() = default;

    virtual const index::IndexRules& rules() const = 0;

    virtual Result<std::vector<QueryMatch>> query(const index::Query& query) = 0;
    // Every file with `value` in field `field_key` (one cursor walk), sorted by path;
    // ("v:lead", lead) gives the files of the by-lead view.
    virtual Result<std::vector<QueryMatch>> equal(const std::string& field_key, const index::Value& value) = 0;
    // The indexed fields of one file (sidecar rows, then the derived ones), keys as field_key().
    virtual Result<std::vector<index::Field>> fields(const QueryMatch& file) = 0;

    // Indexes what flatten_sidecar made of `path`'s content written through the mount (its
    // entry must exist as a file).
    virtual Status index_local(const std::string& path,
                               const std::variant<std::vector<index::Field>, index::SidecarSkip>& content) = 0;
    // Up to `max` pending sidecars, by file id.
    virtual Result<std::vector<PendingSidecar>> pending(size_t max) = 0;
    // Stores what was read for `p` from version `etag` (fields, or why it was skipped), unless
    // the entry moved on since (then it stays pending for the newer version).
    virtual Status store_read(const PendingSidecar& p, const std::string& etag,
                              const std::variant<std::vector<index::Field>, index::SidecarSkip>& content) = 0;
    // Drops `p`'s pending row (the blob is gone or changes locally); keeps it when the entry
    // moved on to another ETag since `p` was taken.
    virtual Status drop_pending(const PendingSidecar& p) = 0;
    // Whether file `file_id` has its rows (a docs row); false for an entry stored before the
    // index existed or before the rules changed.
    virtual Result<bool> has_rows(uint64_t file_id) = 0;
    // Every skipped sidecar as (path, reason), by file id.
    virtual Result<std::vector<std::pair<std::string, std::string>>> skipped() = 0;
    // Clears "index_incomplete" (after a complete rebuild).
    virtual Status mark_complete() = 0;

    virtual Result<SidecarIndexStats> stats() = 0;
};

std::shared_ptr<SidecarIndex> make_sidecar_index(std::shared_ptr<CacheEnv> env);

}  // namespace azblobfs
