#include "cache/block_lru.h"

namespace azblobfs {

void BlockLru::insert_mru(keys::BlockKey key, uint64_t bytes) {
    auto it = map_.find(key);
    if (it != map_.end()) {
        used_ -= it->second.bytes;
        it->second.bytes = bytes;
        order_.splice(order_.begin(), order_, it->second.pos);
    } else {
        order_.push_front(key);
        map_.emplace(key, Slot{bytes, order_.begin()});
    }
    used_ += bytes;
}

bool BlockLru::touch(keys::BlockKey key) {
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    order_.splice(order_.begin(), order_, it->second.pos);
    return true;
}

uint64_t BlockLru::erase(keys::BlockKey key) {
    auto it = map_.find(key);
    if (it == map_.end()) return 0;
    uint64_t bytes = it->second.bytes;
    order_.erase(it->second.pos);
    map_.erase(it);
    used_ -= bytes;
    return bytes;
}

uint64_t BlockLru::bytes_of(keys::BlockKey key) const {
    auto it = map_.find(key);
    return it == map_.end() ? 0 : it->second.bytes;
}

std::vector<BlockLru::Victim> BlockLru::victims(uint64_t need_bytes, keys::BlockKey keep) const {
    std::vector<Victim> out;
    uint64_t freed = 0;
    for (auto it = order_.rbegin(); it != order_.rend() && freed < need_bytes; ++it) {
        if (*it == keep) continue;
        uint64_t bytes = map_.at(*it).bytes;
        out.emplace_back(*it, bytes);
        freed += bytes;
    }
    return out;
}

}  // namespace azblobfs
