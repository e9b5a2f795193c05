// Which account and container a cache directory belongs to, kept in <cache-dir>/identity.json
// (written by the first mount). It keeps a cache from being mounted for another account or
// container (its index would show the wrong tree) and tells the preflight whether an offline
// mount can be served from the index.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"

namespace azblobfs {

struct CacheIdentity {
    std::string account;
    std::optional<std::string> container;   // unset: the whole account
};

std::string describe(const CacheIdentity& identity);  // "account A" / "container C of account A"

// nullopt when the directory holds no identity file yet.
Result<std::optional<CacheIdentity>> read_cache_identity(const std::string& cache_dir);
Status write_cache_identity(const std::string& cache_dir, const CacheIdentity& identity);

// InvalidArgument (naming both) when the directory belongs to another account or container.
Status check_cache_identity(const std::string& cache_dir, const CacheIdentity& expected);

// True when the directory holds an index (a non-empty LMDB data file) of `expected`.
bool has_offline_index(const std::string& cache_dir, const CacheIdentity& expected);

}  // namespace azblobfs
