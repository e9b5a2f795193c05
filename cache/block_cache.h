// The block cache: fixed-size blocks of blob content in LMDB, keyed by (file_id, block index),
// evicted least-recently-used under a hard byte limit.
//
// Contract:
//  - kBlockSize is the unit of caching and fetching. Block i of a file holds bytes
//    [i * kBlockSize, min((i + 1) * kBlockSize, size)). Every block but the last is full.
//  - The limit counts LMDB pages (value rounded up to whole pages plus page header), so the
//    data file never exceeds the environment's map size because of blocks. put() evicts
//    least-recently-used blocks before it writes; on MDB_MAP_FULL it evicts more and retries;
//    a single block that cannot fit even in an empty cache is NoSpace.
//  - get() marks the block as recently used (in memory; the order at start is rebuilt from the
//    database in key order).
//  - Blocks belong to one version of a file: the caller drops a file's blocks (drop_file)
//    before it caches blocks of a new ETag. The cache itself knows nothing of ETags.
//  - Thread-safe.
//  - Sizing (LMDB implementation): pages freed by a commit are reusable only two commits
//    later, so the map needs some slack beyond limit_bytes + the index: reserve at least
//    four blocks (1 MiB) besides the index. When the map still fills up, put() evicts a tenth
//    of the limit per retry until it fits or the cache is empty (then NoSpace).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cache/cache_env.h"
#include "common/status.h"

namespace azblobfs {

struct BlockCacheStats {
    uint64_t limit_bytes = 0;
    uint64_t used_bytes = 0;      // page-rounded bytes of cached blocks
    uint64_t blocks = 0;
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t evictions = 0;
};

class BlockCache {
public:
    // 64 LMDB pages minus the overflow-page header: a block fills its pages exactly (DESIGN §10).
    static constexpr uint64_t kBlockSize = 64 * 4096 - 16;

    virtual ~BlockCache() = default;

    // Appends the cached bytes of block `index` to *out and returns true, or returns false.
    virtual Result<bool> get(uint64_t file_id, uint64_t index, std::string* out) = 0;
    virtual Status put(uint64_t file_id, uint64_t index, std::string_view data) = 0;
    virtual Status drop_file(uint64_t file_id) = 0;
    // Evicts least-recently-used blocks worth at least `bytes` (fewer when the cache holds
    // less), in committed transactions, so the journal can use the pages.
    virtual Status make_room(uint64_t bytes) = 0;
    virtual BlockCacheStats stats() = 0;
};

// limit_bytes: the most the blocks may occupy (page-rounded); must leave room in the map for
// the index (the caller passes cache size minus an index reserve).
std::unique_ptr<BlockCache> make_block_cache(std::shared_ptr<CacheEnv> env, uint64_t limit_bytes);

}  // namespace azblobfs
