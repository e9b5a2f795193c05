#include "support/counting_store.h"

#include <atomic>
#include <condition_variable>

namespace azblobfs::testing {

// Forwards to the inner store unless a failure is injected; holds GETs while asked to.
class CountingStore::Faults final : public BlobStore {
public:
    explicit Faults(std::shared_ptr<BlobStore> inner) : inner_(std::move(inner)) {}

    std::atomic<Code> fail_code{Code::kOk};
    std::atomic<bool> lose_commit_response{false};
    mutable std::mutex hold_mu;  // guards the two fields below
    std::condition_variable hold_cv;
    bool reads_held = false;
    int reads_waiting = 0;

    Result<std::vector<std::string>> list_containers() override {
        AZB_RETURN_IF_ERROR(enter());
        return inner_->list_containers();
    }
    Status create_container(const std::string& container) override {
        AZB_RETURN_IF_ERROR(enter());
        return inner_->create_container(container);
    }
    Status delete_container(const std::string& container) override {
        AZB_RETURN_IF_ERROR(enter());
        return inner_->delete_container(container);
    }
    Result<ListPage> list_blobs(const std::string& container, const ListOptions& options) override {
        AZB_RETURN_IF_ERROR(enter());
        return inner_->list_blobs(container, options);
    }
    Result<BlobProperties> get_properties(const std::string& container, const std::string& blob) override {
        AZB_RETURN_IF_ERROR(enter());
        return inner_->get_properties(container, blob);
    }
    Result<ReadResult> read(const std::string& container, const std::string& blob, uint64_t offset,
                            uint64_t length, const std::optional<std::string>& if_match) override {
        AZB_RETURN_IF_ERROR(enter());
        {
            std::unique_lock lock(hold_mu);
            ++reads_waiting;
            hold_cv.notify_all();
            hold_cv.wait(lock, [&] { return !reads_held; });
            --reads_waiting;
        }
        return inner_->read(container, blob, offset, length, if_match);
    }
    Result<WriteResult> put_blob(const std::string& container, const std::string& blob,
                                 std::string_view data, const PutOptions& options) override {
        AZB_RETURN_IF_ERROR(enter());
        return deliver(inner_->put_blob(container, blob, data, options));
    }
    Status put_block(const std::string& container, const std::string& blob, const std::string& block_id,
                     std::string_view data) override {
        AZB_RETURN_IF_ERROR(enter());
        return inner_->put_block(container, blob, block_id, data);
    }
    Result<WriteResult> put_block_list(const std::string& container, const std::string& blob,
                                       const std::vector<std::string>& block_ids,
                                       const PutOptions& options) override {
        AZB_RETURN_IF_ERROR(enter());
        return deliver(inner_->put_block_list(container, blob, block_ids, options));
    }
    Status delete_blob(const std::string& container, const std::string& blob,
                       const Conditions& conditions) override {
        AZB_RETURN_IF_ERROR(enter());
        return inner_->delete_blob(container, blob, conditions);
    }
    Result<WriteResult> copy_blob(const std::string& src_container, const std::string& src_blob,
                                  const std::string& dst_container, const std::string& dst_blob,
                                  const CopyOptions& options) override {
        AZB_RETURN_IF_ERROR(enter());
        return inner_->copy_blob(src_container, src_blob, dst_container, dst_blob, options);
    }
    Result<WriteResult> set_metadata(const std::string& container, const std::string& blob,
                                     const Metadata& metadata, const Conditions& conditions) override {
        AZB_RETURN_IF_ERROR(enter());
        return inner_->set_metadata(container, blob, metadata, conditions);
    }
    Status set_tier(const std::string& container, const std::string& blob, const std::string& tier) override {
        AZB_RETURN_IF_ERROR(enter());
        return inner_->set_tier(container, blob, tier);
    }

private:
    // The injected failure, if any.
    Status enter() const {
        Code code = fail_code.load();
        if (code == Code::kOk) return Status::ok();
        return Status(code, "injected failure: store unreachable");
    }
    // `committed`, or Unavailable when the commit's response is to be lost.
    Result<WriteResult> deliver(Result<WriteResult> committed) {
        if (committed.is_ok() && lose_commit_response.exchange(false)) {
            return Status(Code::kUnavailable, "injected failure: the commit's response was lost");
        }
        return committed;
    }

    std::shared_ptr<BlobStore> inner_;
};

CountingStore::CountingStore(std::shared_ptr<BlobStore> inner)
    : faults_(std::make_shared<Faults>(std::move(inner))), metered_(make_metered_store(faults_, counters_)) {}

void CountingStore::fail_with(Code code) { faults_->fail_code.store(code); }

void CountingStore::lose_next_commit_response() { faults_->lose_commit_response.store(true); }

void CountingStore::hold_reads() {
    std::lock_guard lock(faults_->hold_mu);
    faults_->reads_held = true;
}

void CountingStore::release_reads() {
    std::lock_guard lock(faults_->hold_mu);
    faults_->reads_held = false;
    faults_->hold_cv.notify_all();
}

int CountingStore::reads_waiting() const {
    std::lock_guard lock(faults_->hold_mu);
    return faults_->reads_waiting;
}

std::vector<ReadCall> CountingStore::reads() const {
    std::lock_guard lock(mu_);
    return reads_;
}

WriteCounts CountingStore::counts() const {
    RequestCounts now = counters_->snapshot();
    std::lock_guard lock(mu_);
    const RequestCounts& b = baseline_;
    RequestCounts d;
    d.list_containers = now.list_containers - b.list_containers;
    d.list_blobs = now.list_blobs - b.list_blobs;
    d.get_properties = now.get_properties - b.get_properties;
    d.get = now.get - b.get;
    d.put_blob = now.put_blob - b.put_blob;
    d.put_block = now.put_block - b.put_block;
    d.put_block_list = now.put_block_list - b.put_block_list;
    d.delete_blob = now.delete_blob - b.delete_blob;
    d.copy_blob = now.copy_blob - b.copy_blob;
    d.set_metadata = now.set_metadata - b.set_metadata;
    d.set_tier = now.set_tier - b.set_tier;
    d.containers_changed = now.containers_changed - b.containers_changed;
    d.bytes_read = now.bytes_read - b.bytes_read;
    d.bytes_written = now.bytes_written - b.bytes_written;
    return d;
}

uint64_t CountingStore::calls() const {
    RequestCounts c = counts();
    return c.list_containers + c.list_blobs + c.get_properties + c.get + c.put_blob + c.put_block +
           c.put_block_list + c.delete_blob + c.copy_blob + c.set_metadata + c.set_tier + c.containers_changed;
}

void CountingStore::reset_counts() {
    RequestCounts now = counters_->snapshot();
    std::lock_guard lock(mu_);
    reads_.clear();
    baseline_ = now;
}

Result<std::vector<std::string>> CountingStore::list_containers() { return metered_->list_containers(); }

Status CountingStore::create_container(const std::string& container) {
    return metered_->create_container(container);
}

Status CountingStore::delete_container(const std::string& container) {
    return metered_->delete_container(container);
}

Result<ListPage> CountingStore::list_blobs(const std::string& container, const ListOptions& options) {
    return metered_->list_blobs(container, options);
}

Result<BlobProperties> CountingStore::get_properties(const std::string& container, const std::string& blob) {
    return metered_->get_properties(container, blob);
}

Result<ReadResult> CountingStore::read(const std::string& container, const std::string& blob, uint64_t offset,
                                       uint64_t length, const std::optional<std::string>& if_match) {
    {
        std::lock_guard lock(mu_);
        reads_.push_back(ReadCall{blob, offset, length, if_match});
    }
    return metered_->read(container, blob, offset, length, if_match);
}

Result<WriteResult> CountingStore::put_blob(const std::string& container, const std::string& blob,
                                            std::string_view data, const PutOptions& options) {
    return metered_->put_blob(container, blob, data, options);
}

Status CountingStore::put_block(const std::string& container, const std::string& blob,
                                const std::string& block_id, std::string_view data) {
    return metered_->put_block(container, blob, block_id, data);
}

Result<WriteResult> CountingStore::put_block_list(const std::string& container, const std::string& blob,
                                                  const std::vector<std::string>& block_ids,
                                                  const PutOptions& options) {
    return metered_->put_block_list(container, blob, block_ids, options);
}

Status CountingStore::delete_blob(const std::string& container, const std::string& blob,
                                  const Conditions& conditions) {
    return metered_->delete_blob(container, blob, conditions);
}

Result<WriteResult> CountingStore::copy_blob(const std::string& src_container, const std::string& src_blob,
                                             const std::string& dst_container, const std::string& dst_blob,
                                             const CopyOptions& options) {
    return metered_->copy_blob(src_container, src_blob, dst_container, dst_blob, options);
}

Result<WriteResult> CountingStore::set_metadata(const std::string& container, const std::string& blob,
                                                const Metadata& metadata, const Conditions& conditions) {
    return metered_->set_metadata(container, blob, metadata, conditions);
}

Status CountingStore::set_tier(const std::string& container, const std::string& blob, const std::string& tier) {
    return metered_->set_tier(container, blob, tier);
}

}  // namespace azblobfs::testing
