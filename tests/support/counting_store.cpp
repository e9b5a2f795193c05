#include "support/counting_store.h"

namespace azblobfs::testing {

Status CountingStore::enter() {
    calls_.fetch_add(1);
    Code code = fail_code_.load();
    if (code == Code::kOk) return Status::ok();
    return Status(code, "injected failure: store unreachable");
}

Result<WriteResult> CountingStore::deliver(Result<WriteResult> committed) {
    if (committed.is_ok() && lose_commit_response_.exchange(false)) {
        return Status(Code::kUnavailable, "injected failure: the commit's response was lost");
    }
    return committed;
}

std::vector<ReadCall> CountingStore::reads() const {
    std::lock_guard lock(mu_);
    return reads_;
}

WriteCounts CountingStore::counts() const {
    std::lock_guard lock(mu_);
    return writes_;
}

void CountingStore::reset_counts() {
    calls_ = 0;
    list_calls_ = 0;
    properties_calls_ = 0;
    bytes_read_ = 0;
    std::lock_guard lock(mu_);
    reads_.clear();
    writes_ = WriteCounts{};
}

Result<std::vector<std::string>> CountingStore::list_containers() {
    list_calls_.fetch_add(1);
    AZB_RETURN_IF_ERROR(enter());
    return inner_->list_containers();
}

Status CountingStore::create_container(const std::string& container) {
    AZB_RETURN_IF_ERROR(enter());
    return inner_->create_container(container);
}

Status CountingStore::delete_container(const std::string& container) {
    AZB_RETURN_IF_ERROR(enter());
    return inner_->delete_container(container);
}

Result<ListPage> CountingStore::list_blobs(const std::string& container, const ListOptions& options) {
    list_calls_.fetch_add(1);
    AZB_RETURN_IF_ERROR(enter());
    return inner_->list_blobs(container, options);
}

Result<BlobProperties> CountingStore::get_properties(const std::string& container,
                                                     const std::string& blob) {
    properties_calls_.fetch_add(1);
    AZB_RETURN_IF_ERROR(enter());
    return inner_->get_properties(container, blob);
}

void CountingStore::hold_reads() {
    std::lock_guard lock(hold_mu_);
    reads_held_ = true;
}

void CountingStore::release_reads() {
    std::lock_guard lock(hold_mu_);
    reads_held_ = false;
    hold_cv_.notify_all();
}

int CountingStore::reads_waiting() const {
    std::lock_guard lock(hold_mu_);
    return reads_waiting_;
}

Result<ReadResult> CountingStore::read(const std::string& container, const std::string& blob,
                                       uint64_t offset, uint64_t length,
                                       const std::optional<std::string>& if_match) {
    {
        std::lock_guard lock(mu_);
        reads_.push_back(ReadCall{blob, offset, length, if_match});
        ++writes_.read;
    }
    AZB_RETURN_IF_ERROR(enter());
    {
        std::unique_lock lock(hold_mu_);
        ++reads_waiting_;
        hold_cv_.notify_all();
        hold_cv_.wait(lock, [&] { return !reads_held_; });
        --reads_waiting_;
    }
    Result<ReadResult> r = inner_->read(container, blob, offset, length, if_match);
    if (r.is_ok()) bytes_read_.fetch_add(r->data.size());
    return r;
}

Result<WriteResult> CountingStore::put_blob(const std::string& container, const std::string& blob,
                                            std::string_view data, const PutOptions& options) {
    {
        std::lock_guard lock(mu_);
        ++writes_.put_blob;
    }
    AZB_RETURN_IF_ERROR(enter());
    return deliver(inner_->put_blob(container, blob, data, options));
}

Status CountingStore::put_block(const std::string& container, const std::string& blob,
                                const std::string& block_id, std::string_view data) {
    {
        std::lock_guard lock(mu_);
        ++writes_.put_block;
    }
    AZB_RETURN_IF_ERROR(enter());
    return inner_->put_block(container, blob, block_id, data);
}

Result<WriteResult> CountingStore::put_block_list(const std::string& container, const std::string& blob,
                                                  const std::vector<std::string>& block_ids,
                                                  const PutOptions& options) {
    {
        std::lock_guard lock(mu_);
        ++writes_.put_block_list;
    }
    AZB_RETURN_IF_ERROR(enter());
    return deliver(inner_->put_block_list(container, blob, block_ids, options));
}

Status CountingStore::delete_blob(const std::string& container, const std::string& blob,
                                  const Conditions& conditions) {
    {
        std::lock_guard lock(mu_);
        ++writes_.delete_blob;
    }
    AZB_RETURN_IF_ERROR(enter());
    return inner_->delete_blob(container, blob, conditions);
}

Result<WriteResult> CountingStore::copy_blob(const std::string& src_container, const std::string& src_blob,
                                             const std::string& dst_container, const std::string& dst_blob,
                                             const CopyOptions& conditions) {
    {
        std::lock_guard lock(mu_);
        ++writes_.copy_blob;
    }
    AZB_RETURN_IF_ERROR(enter());
    return inner_->copy_blob(src_container, src_blob, dst_container, dst_blob, conditions);
}

Result<WriteResult> CountingStore::set_metadata(const std::string& container, const std::string& blob,
                                                const Metadata& metadata, const Conditions& conditions) {
    AZB_RETURN_IF_ERROR(enter());
    return inner_->set_metadata(container, blob, metadata, conditions);
}

Status CountingStore::set_tier(const std::string& container, const std::string& blob,
                               const std::string& tier) {
    AZB_RETURN_IF_ERROR(enter());
    return inner_->set_tier(container, blob, tier);
}

}  // namespace azblobfs::testing
