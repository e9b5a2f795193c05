#include "fs/version_gate.h"

#include <mutex>

namespace azblobfs {

Status VersionGate::switch_to(uint64_t file_id, const std::string& record_etag,
                              const std::string& etag) {
    if (file_id == 0) return Status::ok();
    std::unique_lock lock(mu_);
    auto it = current_.find(file_id);
    if (it != current_.end()) {
        if (it->second == etag) return Status::ok();
    } else if (record_etag == etag) {
        current_.emplace(file_id, etag);
        return Status::ok();
    }
    AZB_RETURN_IF_ERROR(cache_->drop_file(file_id));
    current_[file_id] = etag;
    return Status::ok();
}

Status VersionGate::rebase(uint64_t file_id, const std::string& old_etag, const std::string& new_etag) {
    if (file_id == 0) return Status::ok();
    std::unique_lock lock(mu_);
    auto it = current_.find(file_id);
    if (it == current_.end() || it->second == old_etag) {
        current_[file_id] = new_etag;
        return Status::ok();
    }
    AZB_RETURN_IF_ERROR(cache_->drop_file(file_id));
    current_[file_id] = new_etag;
    return Status::ok();
}

Status VersionGate::remove(uint64_t file_id) {
    if (file_id == 0) return Status::ok();
    std::unique_lock lock(mu_);
    current_.erase(file_id);
    return cache_->drop_file(file_id);
}

Result<bool> VersionGate::get(uint64_t file_id, const std::string& etag, uint64_t index,
                              std::string* out) {
    std::shared_lock lock(mu_);
    auto it = current_.find(file_id);
    if (it == current_.end() || it->second != etag) return false;
    return cache_->get(file_id, index, out);
}

Status VersionGate::put(uint64_t file_id, const std::string& etag, uint64_t index,
                        std::string_view data) {
    std::shared_lock lock(mu_);
    auto it = current_.find(file_id);
    if (it == current_.end() || it->second != etag) return Status::ok();
    return cache_->put(file_id, index, data);
}

}  // namespace azblobfs
