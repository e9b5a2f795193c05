#include "model/counting_blob_store.h"

namespace azblobfs::testing {

WriteCounts CountingBlobStore::counts() const {
    return WriteCounts{put_blob_.load(), put_block_.load(), put_block_list_.load(),
                       delete_blob_.load(), copy_blob_.load(), read_.load()};
}

void CountingBlobStore::reset_counts() {
    put_blob_ = 0;
    put_block_ = 0;
    put_block_list_ = 0;
    delete_blob_ = 0;
    copy_blob_ = 0;
    read_ = 0;
}

Result<std::vector<std::string>> CountingBlobStore::list_containers() { return inner_->list_containers(); }

Status CountingBlobStore::create_container(const std::string& container) {
    return inner_->create_container(container);
}

Status CountingBlobStore::delete_container(const std::string& container) {
    return inner_->delete_container(container);
}

Result<ListPage> CountingBlobStore::list_blobs(const std::string& container, const ListOptions& options) {
    return inner_->list_blobs(container, options);
}

Result<BlobProperties> CountingBlobStore::get_properties(const std::string& container,
                                                         const std::string& blob) {
    return inner_->get_properties(container, blob);
}

Result<ReadResult> CountingBlobStore::read(const std::string& container, const std::string& blob,
                                           uint64_t offset, uint64_t length,
                                           const std::optional<std::string>& if_match) {
    read_.fetch_add(1);
    return inner_->read(container, blob, offset, length, if_match);
}

Result<WriteResult> CountingBlobStore::put_blob(const std::string& container, const std::string& blob,
                                                std::string_view data, const PutOptions& options) {
    put_blob_.fetch_add(1);
    return inner_->put_blob(container, blob, data, options);
}

Status CountingBlobStore::put_block(const std::string& container, const std::string& blob,
                                    const std::string& block_id, std::string_view data) {
    put_block_.fetch_add(1);
    return inner_->put_block(container, blob, block_id, data);
}

Result<WriteResult> CountingBlobStore::put_block_list(const std::string& container,
                                                      const std::string& blob,
                                                      const std::vector<std::string>& block_ids,
                                                      const PutOptions& options) {
    put_block_list_.fetch_add(1);
    return inner_->put_block_list(container, blob, block_ids, options);
}

Status CountingBlobStore::delete_blob(const std::string& container, const std::string& blob,
                                      const Conditions& conditions) {
    delete_blob_.fetch_add(1);
    return inner_->delete_blob(container, blob, conditions);
}

Result<WriteResult> CountingBlobStore::copy_blob(const std::string& src_container,
                                                 const std::string& src_blob,
                                                 const std::string& dst_container,
                                                 const std::string& dst_blob,
                                                 const Conditions& conditions) {
    copy_blob_.fetch_add(1);
    return inner_->copy_blob(src_container, src_blob, dst_container, dst_blob, conditions);
}

Result<WriteResult> CountingBlobStore::set_metadata(const std::string& container, const std::string& blob,
                                                    const Metadata& metadata,
                                                    const Conditions& conditions) {
    return inner_->set_metadata(container, blob, metadata, conditions);
}

Status CountingBlobStore::set_tier(const std::string& container, const std::string& blob,
                                   const std::string& tier) {
    return inner_->set_tier(container, blob, tier);
}

}  // namespace azblobfs::testing
