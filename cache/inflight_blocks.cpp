#include "cache/inflight_blocks.h"

namespace azblobfs {

InflightBlocks::Claim InflightBlocks::claim(uint64_t file_id, const std::string& etag,
                                            const std::vector<uint64_t>& blocks) {
    Claim out;
    std::lock_guard lock(mu_);
    for (uint64_t b : blocks) {
        auto [it, inserted] = pending_.try_emplace(Key{file_id, etag, b});
        if (inserted) {
            it->second = std::make_shared<Pending>();
            out.mine.push_back(b);
        } else {
            out.waits.emplace_back(b, it->second);
        }
    }
    return out;
}

std::vector<uint64_t> InflightBlocks::claim_free(uint64_t file_id, const std::string& etag,
                                                 const std::vector<uint64_t>& blocks) {
    std::vector<uint64_t> mine;
    std::lock_guard lock(mu_);
    for (uint64_t b : blocks) {
        auto [it, inserted] = pending_.try_emplace(Key{file_id, etag, b});
        if (inserted) {
            it->second = std::make_shared<Pending>();
            mine.push_back(b);
        }
    }
    return mine;
}

void InflightBlocks::complete(uint64_t file_id, const std::string& etag, uint64_t block,
                              Status status, std::string data) {
    {
        std::lock_guard lock(mu_);
        auto it = pending_.find(Key{file_id, etag, block});
        if (it == pending_.end()) return;
        it->second->done = true;
        it->second->status = std::move(status);
        it->second->data = std::move(data);
        pending_.erase(it);
    }
    done_cv_.notify_all();
}

Result<std::string> InflightBlocks::wait(const std::shared_ptr<Pending>& pending) {
    std::unique_lock lock(mu_);
    done_cv_.wait(lock, [&] { return pending->done; });
    if (!pending->status.is_ok()) return pending->status;
    return pending->data;
}

}  // namespace azblobfs
