// The one LMDB environment of a mount: metadata index and block cache live in it.
//
// Contract:
//  - open() creates the directory (mode 0700) if needed, opens the environment with map size
//    `map_size_bytes`, runs mdb_reader_check, opens every named database once, and checks the
//    schema version in the meta database (a different version is InvalidArgument naming the
//    directory, never a silent wipe).
//  - map_size_bytes is the hard limit of the cache directory's data file (--cache-size).
//  - Commits use MDB_NOSYNC; sync() is the explicit barrier (called at unmount).
//  - Thread-safe: any thread may call MetadataIndex / BlockCache methods concurrently.
//  - A second process opening the same directory fails with Conflict ("cache directory in use").
//  - Never holds a transaction across network I/O (callers never pass callbacks that do I/O).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "cache/index_rules.h"
#include "common/status.h"

namespace azblobfs {

struct CacheEnvStats {
    uint64_t map_size = 0;        // configured hard limit
    uint64_t file_bytes = 0;      // size of data.mdb on disk
    uint64_t used_pages_bytes = 0;  // pages in use (last page number * page size)
};

class CacheEnv {
public:
    virtual ~CacheEnv() = default;
    virtual Status sync() = 0;
    virtual CacheEnvStats stats() = 0;
};

struct CacheEnvOptions {
    // The field index's rules. Unset: the rules stored in the cache (meta "index_rules"), else
    // IndexRules::defaults(). Rules that differ from the stored ones are stored and mark the
    // index incomplete until `azblobfs index rebuild`.
    std::optional<index::IndexRules> rules;
    // Open beside the mount that holds the directory (azblobfs query / index rebuild --mount):
    // no directory lock; LMDB's own lock file serialises writers across the two processes.
    bool beside_mount = false;
};

// Opens (or creates) the environment in `dir`. map_size_bytes 0 keeps the size the cache was
// created with (NotFound when the directory holds no cache yet).
Result<std::shared_ptr<CacheEnv>> open_cache_env(const std::string& dir, uint64_t map_size_bytes,
                                                 CacheEnvOptions options = {});

}  // namespace azblobfs
