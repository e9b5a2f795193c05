#include "cache/version_gate.h"

#include <mutex>

namespace azblobfs {

Status VersionGate::switch_to(uint64_t file_id, const std::string& record_etag,
                              const std::string& etag) {
    if (file_id == 0) return Status::ok();
    std::unique_lock lock(mu_);
    auto it = current_.find(file_id);
    if (it != current_.end()) {
        if (it->second.etag == etag) return Status::ok();
    } else if (record_etag == etag) {
        start_lineage(file_id, etag);
        return Status::ok();
    }
    AZB_RETURN_IF_ERROR(cache_->drop_file(file_id));
    start_lineage(file_id, etag);
    return Status::ok();
}

void VersionGate::start_lineage(uint64_t file_id, const std::string& etag) {
    current_[file_id] = Version{etag, ++last_lineage_};
}

Status VersionGate::rebase(uint64_t file_id, const std::string& old_etag, const std::string& new_etag) {
    if (file_id == 0) return Status::ok();
    std::unique_lock lock(mu_);
    auto it = current_.find(file_id);
    if (it == current_.end()) {
        start_lineage(file_id, new_etag);
    } else if (it->second.etag == old_etag) {
        it->second.etag = new_etag;  // the same lineage: open handles follow
    } else {
        AZB_RETURN_IF_ERROR(cache_->drop_file(file_id));
        start_lineage(file_id, new_etag);
    }
    return Status::ok();
}

Status VersionGate::commit(uint64_t file_id, const std::string& old_etag, const std::string& new_etag,
                           bool same_bytes) {
    if (file_id == 0) return Status::ok();
    if (same_bytes) return rebase(file_id, old_etag, new_etag);
    std::unique_lock lock(mu_);
    auto it = current_.find(file_id);
    if (it != current_.end() && it->second.etag == new_etag) return Status::ok();
    AZB_RETURN_IF_ERROR(cache_->drop_file(file_id));
    if (it != current_.end() && it->second.etag == old_etag) {
        it->second.etag = new_etag;  // the same lineage: open handles follow
    } else {
        start_lineage(file_id, new_etag);
    }
    return Status::ok();
}

uint64_t VersionGate::lineage_if(uint64_t file_id, const std::string& etag) const {
    std::shared_lock lock(mu_);
    auto it = current_.find(file_id);
    return it == current_.end() || it->second.etag != etag ? 0 : it->second.lineage;
}

std::optional<std::string> VersionGate::follow(uint64_t file_id, uint64_t lineage) const {
    std::shared_lock lock(mu_);
    auto it = current_.find(file_id);
    if (lineage == 0 || it == current_.end() || it->second.lineage != lineage) return std::nullopt;
    return it->second.etag;
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
    if (it == current_.end() || it->second.etag != etag) return false;
    return cache_->get(file_id, index, out);
}

Status VersionGate::put(uint64_t file_id, const std::string& etag, uint64_t index,
                        std::string_view data) {
    std::shared_lock lock(mu_);
    auto it = current_.find(file_id);
    if (it == current_.end() || it->second.etag != etag) return Status::ok();
    return cache_->put(file_id, index, data);
}

}  // namespace azblobfs
