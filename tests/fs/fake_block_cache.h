// In-memory BlockCache for unit tests of the Filesystem core. Counts hits and misses like the
// real one; refuse_puts(true) makes put() fail with NoSpace (a full cache). Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <utility>

#include "cache/block_cache.h"

namespace azblobfs::testing {

class FakeBlockCache final : public BlockCache {
public:
    Result<bool> get(uint64_t file_id, uint64_t index, std::string* out) override;
    Status put(uint64_t file_id, uint64_t index, std::string_view data) override;
    Status drop_file(uint64_t file_id) override;
    Status make_room(uint64_t) override { return Status::ok(); }
    BlockCacheStats stats() override;

    void refuse_puts(bool refuse);
    bool contains(uint64_t file_id, uint64_t index);
    size_t blocks_of(uint64_t file_id);
    size_t drops() { std::lock_guard lock(mu_); return drops_; }

private:
    std::mutex mu_;
    std::map<std::pair<uint64_t, uint64_t>, std::string> blocks_;
    bool refuse_ = false;
    size_t drops_ = 0;
    BlockCacheStats stats_;
};

}  // namespace azblobfs::testing
