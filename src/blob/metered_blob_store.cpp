#include "blob/metered_blob_store.h"

namespace azblobfs {

RequestCounts RequestCounters::snapshot() const {
    RequestCounts c;
    c.list_containers = list_containers.load();
    c.list_blobs = list_blobs.load();
    c.get_properties = get_properties.load();
    c.get = get.load();
    c.put_blob = put_blob.load();
    c.put_block = put_block.load();
    c.put_block_list = put_block_list.load();
    c.delete_blob = delete_blob.load();
    c.copy_blob = copy_blob.load();
    c.set_metadata = set_metadata.load();
    c.set_tier = set_tier.load();
    c.containers_changed = containers_changed.load();
    c.bytes_read = bytes_read.load();
    c.bytes_written = bytes_written.load();
    return c;
}

class MeteredBlobStore final : public BlobStore {
public:
    MeteredBlobStore(std::shared_ptr<BlobStore> inner, std::shared_ptr<RequestCounters> counters)
        : inner_(std::move(inner)), c_(std::move(counters)) {}

    Result<std::vector<std::string>> list_containers() override {
        ++c_->list_containers;
        return inner_->list_containers();
    }
    Status create_container(const std::string& container) override {
        ++c_->containers_changed;
        return inner_->create_container(container);
    }
    Status delete_container(const std::string& container) override {
        ++c_->containers_changed;
        return inner_->delete_container(container);
    }
    Result<ListPage> list_blobs(const std::string& container, const ListOptions& options) override {
        ++c_->list_blobs;
        return inner_->list_blobs(container, options);
    }
    Result<BlobProperties> get_properties(const std::string& container, const std::string& blob) override {
        ++c_->get_properties;
        return inner_->get_properties(container, blob);
    }
    Result<ReadResult> read(const std::string& container, const std::string& blob, uint64_t offset,
                            uint64_t length, const std::optional<std::string>& if_match) override {
        ++c_->get;
        auto got = inner_->read(container, blob, offset, length, if_match);
        if (got.is_ok()) c_->bytes_read += got->data.size();
        return got;
    }
    Result<WriteResult> put_blob(const std::string& container, const std::string& blob,
                                 std::string_view data, const PutOptions& options) override {
        ++c_->put_blob;
        auto put = inner_->put_blob(container, blob, data, options);
        if (put.is_ok()) c_->bytes_written += data.size();
        return put;
    }
    Status put_block(const std::string& container, const std::string& blob, const std::string& block_id,
                     std::string_view data) override {
        ++c_->put_block;
        Status st = inner_->put_block(container, blob, block_id, data);
        if (st.is_ok()) c_->bytes_written += data.size();
        return st;
    }
    Result<WriteResult> put_block_list(const std::string& container, const std::string& blob,
                                       const std::vector<std::string>& block_ids,
                                       const PutOptions& options) override {
        ++c_->put_block_list;
        return inner_->put_block_list(container, blob, block_ids, options);
    }
    Status delete_blob(const std::string& container, const std::string& blob,
                       const Conditions& conditions) override {
        ++c_->delete_blob;
        return inner_->delete_blob(container, blob, conditions);
    }
    Result<WriteResult> copy_blob(const std::string& src_container, const std::string& src_blob,
                                  const std::string& dst_container, const std::string& dst_blob,
                                  const CopyOptions& options) override {
        ++c_->copy_blob;
        return inner_->copy_blob(src_container, src_blob, dst_container, dst_blob, options);
    }
    Result<WriteResult> set_metadata(const std::string& container, const std::string& blob,
                                     const Metadata& metadata, const Conditions& conditions) override {
        ++c_->set_metadata;
        return inner_->set_metadata(container, blob, metadata, conditions);
    }
    Status set_tier(const std::string& container, const std::string& blob, const std::string& tier) override {
        ++c_->set_tier;
        return inner_->set_tier(container, blob, tier);
    }

private:
    std::shared_ptr<BlobStore> inner_;
    std::shared_ptr<RequestCounters> c_;
};

std::unique_ptr<BlobStore> make_metered_store(std::shared_ptr<BlobStore> inner,
                                              std::shared_ptr<RequestCounters> counters) {
    return std::make_unique<MeteredBlobStore>(std::move(inner), std::move(counters));
}

}  // namespace azblobfs
