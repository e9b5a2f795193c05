#include "blob/memory_blob_store.h"

#include <map>
#include <mutex>

#include "blob/etag_source.h"
#include "blob/list_paging.h"
#include "blob/names.h"
#include "blob/store_rules.h"

namespace azblobfs {

namespace {

struct MemBlob {
    BlobProperties props;
    std::string data;
    std::vector<CommittedBlock> blocks;  // empty for a blob written by put_blob or copy
};

// Staged (uncommitted) blocks of one blob: id -> bytes.
using StagedBlocks = std::map<std::string, std::string>;

struct MemContainer {
    std::map<std::string, MemBlob> blobs;
    std::map<std::string, StagedBlocks> staged;  // by blob name; cleared on commit, put, delete
};

class MemoryBlobStore final : public BlobStore {
public:
    Result<std::vector<std::string>> list_containers() override;
    Status create_container(const std::string& container) override;
    Status delete_container(const std::string& container) override;
    Result<ListPage> list_blobs(const std::string& container, const ListOptions& options) override;
    Result<BlobProperties> get_properties(const std::string& container, const std::string& blob) override;
    Result<ReadResult> read(const std::string& container, const std::string& blob, uint64_t offset,
                            uint64_t length, const std::optional<std::string>& if_match) override;
    Result<WriteResult> put_blob(const std::string& container, const std::string& blob,
                                 std::string_view data, const PutOptions& options) override;
    Status put_block(const std::string& container, const std::string& blob,
                     const std::string& block_id, std::string_view data) override;
    Result<WriteResult> put_block_list(const std::string& container, const std::string& blob,
                                       const std::vector<std::string>& block_ids,
                                       const PutOptions& options) override;
    Status delete_blob(const std::string& container, const std::string& blob,
                       const Conditions& conditions) override;
    Result<WriteResult> copy_blob(const std::string& src_container, const std::string& src_blob,
                                  const std::string& dst_container, const std::string& dst_blob,
                                  const CopyOptions& options) override;
    Result<WriteResult> set_metadata(const std::string& container, const std::string& blob,
                                     const Metadata& metadata, const Conditions& conditions) override;
    Status set_tier(const std::string& container, const std::string& blob, const std::string& tier) override;

private:
    // All below require mu_ held.
    Result<MemContainer*> find_container(const std::string& container);
    Result<MemBlob*> find_blob(const std::string& container, const std::string& blob);
    // Stores `blob` as the new version of its name, with a fresh ETag and time.
    WriteResult install(MemContainer& c, MemBlob blob);

    std::mutex mu_;  // guards containers_
    std::map<std::string, MemContainer> containers_;
    EtagSource etags_;
};

Result<MemContainer*> MemoryBlobStore::find_container(const std::string& container) {
    auto it = containers_.find(container);
    if (it == containers_.end()) {
        return Status(Code::kNotFound, "container " + container + " does not exist");
    }
    return &it->second;
}

Result<MemBlob*> MemoryBlobStore::find_blob(const std::string& container, const std::string& blob) {
    AZB_ASSIGN_OR_RETURN(MemContainer * c, find_container(container));
    auto it = c->blobs.find(blob);
    if (it == c->blobs.end()) {
        return Status(Code::kNotFound, "blob " + blob_path(container, blob) + " does not exist");
    }
    return &it->second;
}

WriteResult MemoryBlobStore::install(MemContainer& c, MemBlob blob) {
    blob.props.etag = etags_.next();
    blob.props.last_modified = unix_now_seconds();
    blob.props.size = blob.data.size();
    if (blob.props.tier.empty()) blob.props.tier = "Hot";
    WriteResult out{blob.props.etag, blob.props.last_modified};
    std::string name = blob.props.name;
    c.staged.erase(name);
    c.blobs[name] = std::move(blob);
    return out;
}

Result<std::vector<std::string>> MemoryBlobStore::list_containers() {
    std::lock_guard lock(mu_);
    std::vector<std::string> names;
    for (const auto& [name, c] : containers_) names.push_back(name);
    return names;
}

Status MemoryBlobStore::create_container(const std::string& container) {
    AZB_RETURN_IF_ERROR(validate_container_name(container));
    std::lock_guard lock(mu_);
    containers_.try_emplace(container);
    return Status::ok();
}

Status MemoryBlobStore::delete_container(const std::string& container) {
    AZB_RETURN_IF_ERROR(validate_container_name(container));
    std::lock_guard lock(mu_);
    if (containers_.erase(container) == 0) {
        return Status(Code::kNotFound, "container " + container + " does not exist");
    }
    return Status::ok();
}

Result<ListPage> MemoryBlobStore::list_blobs(const std::string& container, const ListOptions& options) {
    AZB_RETURN_IF_ERROR(validate_container_name(container));
    AZB_RETURN_IF_ERROR(validate_list_options(options));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(MemContainer * c, find_container(container));
    return page_listing(c->blobs, options, [](const MemBlob& b) { return b.props; });
}

Result<BlobProperties> MemoryBlobStore::get_properties(const std::string& container,
                                                       const std::string& blob) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(MemBlob * b, find_blob(container, blob));
    return b->props;
}

Result<ReadResult> MemoryBlobStore::read(const std::string& container, const std::string& blob,
                                         uint64_t offset, uint64_t length,
                                         const std::optional<std::string>& if_match) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string path = blob_path(container, blob);
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(MemBlob * b, find_blob(container, blob));
    if (if_match && *if_match != b->props.etag) {
        return Status(Code::kPreconditionFailed,
                      "blob " + path + " has ETag " + b->props.etag + ", not " + *if_match);
    }
    if (b->props.is_archived()) {
        return Status(Code::kArchived, "blob " + path + " is in the Archive tier; rehydrate it first");
    }
    AZB_ASSIGN_OR_RETURN(ByteRange range, clamp_read_range(b->data.size(), offset, length, path));
    return ReadResult{b->data.substr(range.offset, range.length), b->props.etag, b->data.size()};
}

Result<WriteResult> MemoryBlobStore::put_blob(const std::string& container, const std::string& blob,
                                              std::string_view data, const PutOptions& options) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string path = blob_path(container, blob);
    AZB_ASSIGN_OR_RETURN(Metadata metadata, normalize_metadata(options.metadata, path));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(MemContainer * c, find_container(container));
    auto it = c->blobs.find(blob);
    AZB_RETURN_IF_ERROR(check_write_conditions(it == c->blobs.end() ? nullptr : &it->second.props.etag,
                                               options.conditions, path));
    MemBlob b;
    b.props.name = blob;
    b.props.content_type = effective_content_type(options.content_type);
    b.props.content_md5 = options.content_md5;
    b.props.metadata = std::move(metadata);
    b.data.assign(data);
    return install(*c, std::move(b));
}

Status MemoryBlobStore::put_block(const std::string& container, const std::string& blob,
                                  const std::string& block_id, std::string_view data) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    AZB_RETURN_IF_ERROR(validate_block_id(block_id, blob_path(container, blob)));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(MemContainer * c, find_container(container));
    c->staged[blob][block_id].assign(data);
    return Status::ok();
}

Result<WriteResult> MemoryBlobStore::put_block_list(const std::string& container, const std::string& blob,
                                                    const std::vector<std::string>& block_ids,
                                                    const PutOptions& options) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string path = blob_path(container, blob);
    AZB_ASSIGN_OR_RETURN(Metadata metadata, normalize_metadata(options.metadata, path));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(MemContainer * c, find_container(container));
    auto it = c->blobs.find(blob);
    const MemBlob* current = it == c->blobs.end() ? nullptr : &it->second;
    AZB_RETURN_IF_ERROR(check_write_conditions(current ? &current->props.etag : nullptr,
                                               options.conditions, path));
    const StagedBlocks empty;
    auto st = c->staged.find(blob);
    const StagedBlocks& staged = st == c->staged.end() ? empty : st->second;
    AZB_ASSIGN_OR_RETURN(
        std::vector<BlockSource> sources,
        resolve_block_list(block_ids, [&](const std::string& id) { return staged.count(id) > 0; },
                           current ? current->blocks : std::vector<CommittedBlock>{}, path));
    MemBlob b;
    b.props.name = blob;
    b.props.content_type = effective_content_type(options.content_type);
    b.props.content_md5 = options.content_md5;
    b.props.metadata = std::move(metadata);
    for (const auto& s : sources) {
        uint64_t offset = b.data.size();
        if (s.staged) {
            b.data += staged.at(s.id);
        } else {
            b.data.append(current->data, s.offset, s.length);
        }
        b.blocks.push_back(CommittedBlock{s.id, offset, b.data.size() - offset});
    }
    return install(*c, std::move(b));
}

Status MemoryBlobStore::delete_blob(const std::string& container, const std::string& blob,
                                    const Conditions& conditions) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(MemBlob * b, find_blob(container, blob));
    AZB_RETURN_IF_ERROR(check_write_conditions(&b->props.etag, conditions, blob_path(container, blob)));
    MemContainer& c = containers_.at(container);
    c.blobs.erase(blob);
    c.staged.erase(blob);
    return Status::ok();
}

Result<WriteResult> MemoryBlobStore::copy_blob(const std::string& src_container, const std::string& src_blob,
                                               const std::string& dst_container, const std::string& dst_blob,
                                               const CopyOptions& options) {
    AZB_RETURN_IF_ERROR(validate_names(src_container, src_blob));
    AZB_RETURN_IF_ERROR(validate_names(dst_container, dst_blob));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(MemBlob * src, find_blob(src_container, src_blob));
    if (src->props.is_archived()) {
        return Status(Code::kArchived, "copy source " + blob_path(src_container, src_blob) +
                                           " is in the Archive tier");
    }
    AZB_RETURN_IF_ERROR(check_copy_source(src->props.etag, options, blob_path(src_container, src_blob)));
    AZB_ASSIGN_OR_RETURN(MemContainer * dst, find_container(dst_container));
    auto it = dst->blobs.find(dst_blob);
    AZB_RETURN_IF_ERROR(check_write_conditions(it == dst->blobs.end() ? nullptr : &it->second.props.etag,
                                               options.conditions, blob_path(dst_container, dst_blob)));
    MemBlob copy = *src;
    copy.props.name = dst_blob;
    copy.props.tier = "Hot";
    if (options.metadata) {
        AZB_ASSIGN_OR_RETURN(copy.props.metadata, normalize_metadata(*options.metadata, blob_path(dst_container, dst_blob)));
    }
    return install(*dst, std::move(copy));
}

Result<WriteResult> MemoryBlobStore::set_metadata(const std::string& container, const std::string& blob,
                                                  const Metadata& metadata, const Conditions& conditions) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string path = blob_path(container, blob);
    AZB_ASSIGN_OR_RETURN(Metadata normalized, normalize_metadata(metadata, path));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(MemBlob * b, find_blob(container, blob));
    AZB_RETURN_IF_ERROR(check_write_conditions(&b->props.etag, conditions, path));
    b->props.metadata = std::move(normalized);
    b->props.etag = etags_.next();
    b->props.last_modified = unix_now_seconds();
    return WriteResult{b->props.etag, b->props.last_modified};
}

Status MemoryBlobStore::set_tier(const std::string& container, const std::string& blob,
                                 const std::string& tier) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    AZB_RETURN_IF_ERROR(validate_tier(tier));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(MemBlob * b, find_blob(container, blob));
    b->props.tier = tier;
    return Status::ok();
}

}  // namespace

std::unique_ptr<BlobStore> make_memory_blob_store() { return std::make_unique<MemoryBlobStore>(); }

}  // namespace azblobfs
