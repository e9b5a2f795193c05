#include "fs/fake_block_cache.h"

namespace azblobfs::testing {

Result<bool> FakeBlockCache::get(uint64_t file_id, uint64_t index, std::string* out) {
    std::lock_guard lock(mu_);
    auto it = blocks_.find({file_id, index});
    if (it == blocks_.end()) {
        ++stats_.misses;
        return false;
    }
    ++stats_.hits;
    out->append(it->second);
    return true;
}

Status FakeBlockCache::put(uint64_t file_id, uint64_t index, std::string_view data) {
    std::lock_guard lock(mu_);
    if (refuse_) return Status(Code::kNoSpace, "fake cache refuses puts");
    blocks_[{file_id, index}] = std::string(data);
    return Status::ok();
}

Status FakeBlockCache::drop_file(uint64_t file_id) {
    std::lock_guard lock(mu_);
    ++drops_;
    auto it = blocks_.lower_bound({file_id, 0});
    while (it != blocks_.end() && it->first.first == file_id) it = blocks_.erase(it);
    return Status::ok();
}

BlockCacheStats FakeBlockCache::stats() {
    std::lock_guard lock(mu_);
    BlockCacheStats s = stats_;
    s.blocks = blocks_.size();
    for (const auto& [key, data] : blocks_) s.used_bytes += data.size();
    return s;
}

void FakeBlockCache::refuse_puts(bool refuse) {
    std::lock_guard lock(mu_);
    refuse_ = refuse;
}

bool FakeBlockCache::contains(uint64_t file_id, uint64_t index) {
    std::lock_guard lock(mu_);
    return blocks_.count({file_id, index}) > 0;
}

size_t FakeBlockCache::blocks_of(uint64_t file_id) {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& [key, data] : blocks_) n += key.first == file_id ? 1 : 0;
    return n;
}

}  // namespace azblobfs::testing
