// In-memory recency order and page accounting of the cached blocks (internal to cache/).
//
// Not thread-safe: BlockCache guards it with its LRU mutex. Front of the list = most recently
// used. used_bytes() is the sum of the page-rounded sizes of the blocks it holds.
#pragma once

#include <cstdint>
#include <list>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cache/key_schema.h"

namespace azblobfs {

struct BlockKeyHash {
    size_t operator()(const keys::BlockKey& k) const noexcept {
        return std::hash<uint64_t>()(k.file_id * 0x9E3779B97F4A7C15ULL ^ k.index);
    }
};

class BlockLru {
public:
    using Victim = std::pair<keys::BlockKey, uint64_t>;  // key, page-rounded bytes

    // Inserts `key` (or replaces its size) as the most recently used block.
    void insert_mru(keys::BlockKey key, uint64_t bytes);
    // Marks `key` most recently used; false when it is not held.
    bool touch(keys::BlockKey key);
    // Removes `key`; returns the bytes it occupied (0 when absent).
    uint64_t erase(keys::BlockKey key);
    // Bytes of `key`, 0 when absent.
    uint64_t bytes_of(keys::BlockKey key) const;
    // The least recently used blocks, oldest first, skipping `keep`, whose bytes add up to at
    // least `need_bytes` (or every block when they do not suffice).
    std::vector<Victim> victims(uint64_t need_bytes, keys::BlockKey keep) const;

    uint64_t used_bytes() const { return used_; }
    uint64_t size() const { return map_.size(); }

private:
    std::list<keys::BlockKey> order_;  // front = most recently used
    struct Slot {
        uint64_t bytes = 0;
        std::list<keys::BlockKey>::iterator pos;
    };
    std::unordered_map<keys::BlockKey, Slot, BlockKeyHash> map_;
    uint64_t used_ = 0;
};

}  // namespace azblobfs
