// The concrete CacheEnv (internal to cache/): what MetadataIndex and BlockCache build on.
//
// Invariants:
//  - The directory lock is taken before the LMDB environment opens and released after it
//    closes (member order), so two processes never share one environment.
//  - The named databases of key_schema.h are opened once, in open_cache_env, and their handles
//    stay valid until the environment closes.
//  - The environment is opened with MDB_NOSYNC | MDB_NOTLS: read transactions may run on any
//    thread; commits are durable for the process, and sync() is the disk barrier.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cache/cache_env.h"
#include "cache/dir_lock.h"
#include "cache/index_rules.h"
#include "cache/lmdb.h"

namespace azblobfs {

struct CacheDbis {
    lmdb::Dbi meta;
    lmdb::Dbi entries;
    lmdb::Dbi children;
    lmdb::Dbi blocks;
    lmdb::Dbi journal;
    lmdb::Dbi dirty;
    lmdb::Dbi blocklists;
    lmdb::Dbi sources;
    lmdb::Dbi fields;
    lmdb::Dbi fieldnames;
    lmdb::Dbi docs;
    lmdb::Dbi pending;
    // The rules of the field index (owned by the environment); null in a copy made before the
    // environment exists, never null in LmdbCacheEnv::dbis().
    const index::IndexRules* rules = nullptr;
};

class LmdbCacheEnv final : public CacheEnv {
public:
    LmdbCacheEnv(std::string dir, std::optional<DirLock> lock, lmdb::Env env, CacheDbis dbis,
                 index::IndexRules rules);

    Status sync() override;
    CacheEnvStats stats() override;

    const std::string& dir() const { return dir_; }
    const CacheDbis& dbis() const { return dbis_; }
    const index::IndexRules& rules() const { return rules_; }
    MDB_env* raw() const { return env_.get(); }
    // The LMDB page size (the unit of the block cache's accounting).
    uint64_t page_size() const { return page_size_; }

    Result<lmdb::ReadTxn> begin_read() const { return lmdb::ReadTxn::begin(env_.get()); }
    Result<lmdb::WriteTxn> begin_write() const { return lmdb::WriteTxn::begin(env_.get()); }

private:
    std::string dir_;
    std::optional<DirLock> lock_;  // none beside a mount; declared before env_: released after the environment closes
    lmdb::Env env_;
    index::IndexRules rules_;
    CacheDbis dbis_;  // dbis_.rules points at rules_
    uint64_t page_size_ = 4096;
};

}  // namespace azblobfs
