#include "cache/block_cache.h"

#include <algorithm>
#include <atomic>
#include <mutex>

#include <spdlog/spdlog.h>

#include "cache/block_lru.h"
#include "cache/key_schema.h"
#include "cache/lmdb_cache_env.h"

namespace azblobfs {
namespace {

using keys::BlockKey;

std::string describe(BlockKey key) {
    return "block " + std::to_string(key.index) + " of file " + std::to_string(key.file_id);
}

// Lock order: write_mu_ -> LMDB writer lock -> lru_mu_.
//  - write_mu_ serialises this cache's writers (put, drop_file, eviction) from choosing victims
//    to updating the LRU, so each writer's accounting includes every earlier commit. It is held
//    across LMDB writes (which LMDB serialises anyway), never by readers.
//  - lru_mu_ guards lru_ only, for in-memory bookkeeping; it is never held across an LMDB call.
// Invariant (outside a writer's critical section): lru_ holds exactly the blocks database's
// keys with their page-rounded sizes, and lru_.used_bytes() <= limit_.
class LmdbBlockCache final : public BlockCache {
public:
    LmdbBlockCache(std::shared_ptr<LmdbCacheEnv> env, uint64_t limit_bytes);

    Result<bool> get(uint64_t file_id, uint64_t index, std::string* out) override;
    Status put(uint64_t file_id, uint64_t index, std::string_view data) override;
    Status drop_file(uint64_t file_id) override;
    Status make_room(uint64_t bytes) override {
        AZB_RETURN_IF_ERROR(broken_);
        std::lock_guard write_lock(write_mu_);
        return evict(bytes).status();
    }
    BlockCacheStats stats() override;

private:
    uint64_t page_bytes(uint64_t len) const {
        uint64_t page = env_->page_size();
        return (len + 16 + page - 1) / page * page;
    }
    Status rebuild();
    // One transaction: evicts what the limit requires and writes the block. false: the map
    // was full (nothing changed).
    Result<bool> write_block(BlockKey key, std::string_view data, uint64_t bytes);
    // One transaction: evicts LRU blocks worth at least `bytes`; returns how many went.
    Result<size_t> evict(uint64_t bytes);
    void forget(const std::vector<BlockLru::Victim>& victims);
    // Adds n to meta evicted_blocks in its own transaction (see evict()).
    Status count_evictions(uint64_t n);

    std::shared_ptr<LmdbCacheEnv> env_;
    const uint64_t limit_;
    Status broken_;  // set at construction when the cache cannot be used
    std::mutex write_mu_;
    std::mutex lru_mu_;
    BlockLru lru_;
    std::atomic<uint64_t> hits_{0};
    std::atomic<uint64_t> misses_{0};
    std::atomic<uint64_t> evictions_{0};
};

LmdbBlockCache::LmdbBlockCache(std::shared_ptr<LmdbCacheEnv> env, uint64_t limit_bytes)
    : env_(std::move(env)), limit_(limit_bytes) {
    if (!env_) {
        broken_ = Status(Code::kInternal, "block cache needs an environment from open_cache_env");
        return;
    }
    broken_ = rebuild();
    if (!broken_.is_ok()) spdlog::error("block cache of {}: {}", env_->dir(), broken_.to_string());
}

// Rebuilds the recency order from the database in key order (lowest key = least recent),
// then evicts down to the limit (it may have been lowered since the last mount).
Status LmdbBlockCache::rebuild() {
    BlockLru scanned;
    {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, env_->dbis().blocks));
        AZB_ASSIGN_OR_RETURN(auto item, cursor.first());
        while (item) {
            auto key = keys::decode_block_key(item.key);
            if (!key) return Status(Code::kIoError, "block cache: corrupt key in blocks database");
            scanned.insert_mru(*key, page_bytes(item.value.size()));
            AZB_ASSIGN_OR_RETURN(item, cursor.next());
        }
    }
    {
        std::lock_guard lock(lru_mu_);
        lru_ = std::move(scanned);
    }
    std::lock_guard write_lock(write_mu_);
    uint64_t used = 0;
    {
        std::lock_guard lock(lru_mu_);
        used = lru_.used_bytes();
    }
    if (used > limit_) AZB_RETURN_IF_ERROR(evict(used - limit_).status());
    return Status::ok();
}

Result<bool> LmdbBlockCache::get(uint64_t file_id, uint64_t index, std::string* out) {
    AZB_RETURN_IF_ERROR(broken_);
    const std::string key = keys::block_key({file_id, index});
    {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_read());
        AZB_ASSIGN_OR_RETURN(auto value, txn.get(env_->dbis().blocks, key));
        if (!value) {
            misses_.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        out->append(*value);
    }  // the read transaction ends before the LRU lock is taken
    {
        std::lock_guard lock(lru_mu_);
        lru_.touch({file_id, index});
    }
    hits_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

Status LmdbBlockCache::put(uint64_t file_id, uint64_t index, std::string_view data) {
    AZB_RETURN_IF_ERROR(broken_);
    const BlockKey key{file_id, index};
    if (data.size() > kBlockSize) {
        return Status(Code::kInvalidArgument, describe(key) + ": " + std::to_string(data.size()) +
                                                  " bytes exceed the block size");
    }
    const uint64_t bytes = page_bytes(data.size());
    if (bytes > limit_) {
        return Status(Code::kNoSpace, describe(key) + " (" + std::to_string(bytes) +
                                          " bytes) does not fit in a block cache of " +
                                          std::to_string(limit_) + " bytes");
    }
    std::lock_guard write_lock(write_mu_);
    for (;;) {
        AZB_ASSIGN_OR_RETURN(bool written, write_block(key, data, bytes));
        if (written) return Status::ok();
        // MAP_FULL: the index shares the map. Free a tenth of the limit (at least this block's
        // size) in a committed transaction, so the pages are reusable, and try again.
        AZB_ASSIGN_OR_RETURN(size_t evicted, evict(std::max(limit_ / 10, bytes)));
        if (evicted == 0) {
            return Status(Code::kNoSpace, "cache directory " + env_->dir() +
                                              " is full (its index fills the cache size); " +
                                              describe(key) + " not cached");
        }
    }
}

Result<bool> LmdbBlockCache::write_block(BlockKey key, std::string_view data, uint64_t bytes) {
    std::vector<BlockLru::Victim> victims;
    {
        std::lock_guard lock(lru_mu_);
        uint64_t after = lru_.used_bytes() - lru_.bytes_of(key) + bytes;
        if (after > limit_) victims = lru_.victims(after - limit_, key);
    }
    const lmdb::Dbi dbi = env_->dbis().blocks;
    auto full_or = [](const Status& st) -> Result<bool> {
        if (st.code() == Code::kNoSpace) return false;
        return st;
    };
    AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
    for (const auto& [victim, victim_bytes] : victims) {
        auto deleted = txn.del(dbi, keys::block_key(victim));
        if (!deleted) return full_or(deleted.status());
    }
    if (Status st = txn.put(dbi, keys::block_key(key), data); !st) return full_or(st);
    if (Status st = txn.commit(); !st) return full_or(st);
    forget(victims);
    {
        std::lock_guard lock(lru_mu_);
        lru_.insert_mru(key, bytes);
    }
    return true;
}

Result<size_t> LmdbBlockCache::evict(uint64_t bytes) {
    std::vector<BlockLru::Victim> victims;
    {
        std::lock_guard lock(lru_mu_);
        victims = lru_.victims(bytes, BlockKey{0, UINT64_MAX});
    }
    if (victims.empty()) return size_t{0};
    AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
    for (const auto& [victim, victim_bytes] : victims) {
        AZB_RETURN_IF_ERROR(txn.del(env_->dbis().blocks, keys::block_key(victim)).status());
    }
    AZB_RETURN_IF_ERROR(txn.commit());
    forget(victims);
    // LMDB reuses pages freed by commit N only from transaction N+2 on (snapshot N-1 must stay
    // readable until N+1 commits). One more small commit makes them available to the retry.
    if (Status st = count_evictions(victims.size()); !st) {
        spdlog::debug("block cache of {}: {}", env_->dir(), st.to_string());
    }
    return victims.size();
}

Status LmdbBlockCache::count_evictions(uint64_t n) {
    const lmdb::Dbi meta = env_->dbis().meta;
    AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
    AZB_ASSIGN_OR_RETURN(auto stored, txn.get(meta, keys::kMetaEvictedBlocks));
    uint64_t total = stored ? keys::decode_u64_be(*stored).value_or(0) : 0;
    AZB_RETURN_IF_ERROR(txn.put(meta, keys::kMetaEvictedBlocks, keys::encode_u64_be(total + n)));
    return txn.commit();
}

void LmdbBlockCache::forget(const std::vector<BlockLru::Victim>& victims) {
    if (victims.empty()) return;
    {
        std::lock_guard lock(lru_mu_);
        for (const auto& victim : victims) lru_.erase(victim.first);
    }
    evictions_.fetch_add(victims.size(), std::memory_order_relaxed);
}

Status LmdbBlockCache::drop_file(uint64_t file_id) {
    AZB_RETURN_IF_ERROR(broken_);
    const std::string prefix = keys::encode_u64_be(file_id);
    std::vector<BlockKey> dropped;
    std::lock_guard write_lock(write_mu_);
    {
        AZB_ASSIGN_OR_RETURN(auto txn, env_->begin_write());
        AZB_ASSIGN_OR_RETURN(auto cursor, lmdb::Cursor::open(txn, env_->dbis().blocks));
        AZB_ASSIGN_OR_RETURN(auto item, cursor.seek(prefix));
        while (item && item.key.substr(0, prefix.size()) == prefix) {
            if (auto key = keys::decode_block_key(item.key)) dropped.push_back(*key);
            AZB_RETURN_IF_ERROR(cursor.del());
            AZB_ASSIGN_OR_RETURN(item, cursor.next());
        }
        AZB_RETURN_IF_ERROR(txn.commit());
    }
    std::lock_guard lock(lru_mu_);
    for (const BlockKey& key : dropped) lru_.erase(key);
    return Status::ok();
}

BlockCacheStats LmdbBlockCache::stats() {
    BlockCacheStats out;
    out.limit_bytes = limit_;
    {
        std::lock_guard lock(lru_mu_);
        out.used_bytes = lru_.used_bytes();
        out.blocks = lru_.size();
    }
    out.hits = hits_.load(std::memory_order_relaxed);
    out.misses = misses_.load(std::memory_order_relaxed);
    out.evictions = evictions_.load(std::memory_order_relaxed);
    return out;
}

}  // namespace

std::unique_ptr<BlockCache> make_block_cache(std::shared_ptr<CacheEnv> env, uint64_t limit_bytes) {
    return std::make_unique<LmdbBlockCache>(std::dynamic_pointer_cast<LmdbCacheEnv>(std::move(env)),
                                            limit_bytes);
}

}  // namespace azblobfs
