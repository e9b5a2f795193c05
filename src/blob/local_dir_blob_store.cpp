#include "blob/local_dir_blob_store.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <mutex>

#include "blob/etag_source.h"
#include "blob/list_paging.h"
#include "blob/local_dir_files.h"
#include "blob/local_dir_sidecar.h"
#include "blob/names.h"
#include "blob/store_rules.h"

namespace azblobfs {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kCopyChunk = 4 << 20;
constexpr const char* kTrashPrefix = ".trash-";

using BlobIndex = std::map<std::string, LocalBlobRecord>;

class LocalDirBlobStore final : public BlobStore {
public:
    explicit LocalDirBlobStore(fs::path root) : root_(std::move(root)) {}
    // Loads the index from disk and removes leftovers of interrupted writes.
    Status load();

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
    fs::path blobs_dir(const std::string& c) const { return root_ / c / "blobs"; }
    fs::path sidecar_path(const std::string& c, const std::string& b) const {
        return blobs_dir(c) / (sha256_hex(b) + ".json");
    }
    fs::path staging_dir(const std::string& c, const std::string& b) const {
        return root_ / c / "staging" / sha256_hex(b);
    }
    fs::path block_path(const std::string& c, const std::string& b, const std::string& id) const {
        return staging_dir(c, b) / (hex_encode(id) + ".block");
    }
    // A file name no other version of any blob uses.
    std::string new_data_file_name(const std::string& blob);
    Status load_container(const std::string& container);

    // All below require mu_ held.
    Result<BlobIndex*> find_container(const std::string& container);
    Result<LocalBlobRecord*> find_blob(const std::string& container, const std::string& blob);
    // Writes the sidecar of `record` and puts it in the index, removing the data file of the
    // version it replaces (when different).
    Status write_record(const std::string& container, BlobIndex& index, LocalBlobRecord record);
    // write_record of a new version (fresh ETag and time); discards the blob's staged blocks.
    Result<WriteResult> install(const std::string& container, BlobIndex& index, LocalBlobRecord record);
    // Writes the concatenation of `sources` to a new data file; returns its name.
    Result<std::string> build_from_blocks(const std::string& container, const std::string& blob,
                                          const std::vector<BlockSource>& sources,
                                          const LocalBlobRecord* current, std::vector<CommittedBlock>& blocks);

    const fs::path root_;
    std::mutex mu_;  // guards containers_ and the files of committed versions
    std::map<std::string, BlobIndex> containers_;
    EtagSource etags_;
};

std::string LocalDirBlobStore::new_data_file_name(const std::string& blob) {
    std::string token = etags_.next();
    return sha256_hex(blob) + "." + token.substr(1, token.size() - 2) + ".data";
}

Result<BlobIndex*> LocalDirBlobStore::find_container(const std::string& container) {
    auto it = containers_.find(container);
    if (it == containers_.end()) {
        return Status(Code::kNotFound, "container " + container + " does not exist");
    }
    return &it->second;
}

Result<LocalBlobRecord*> LocalDirBlobStore::find_blob(const std::string& container, const std::string& blob) {
    AZB_ASSIGN_OR_RETURN(BlobIndex * index, find_container(container));
    auto it = index->find(blob);
    if (it == index->end()) {
        return Status(Code::kNotFound, "blob " + blob_path(container, blob) + " does not exist");
    }
    return &it->second;
}

Status LocalDirBlobStore::write_record(const std::string& container, BlobIndex& index,
                                       LocalBlobRecord record) {
    AZB_ASSIGN_OR_RETURN(std::string json, encode_sidecar(record));
    AZB_RETURN_IF_ERROR(write_file_atomic(sidecar_path(container, record.props.name), json));
    std::string name = record.props.name;
    auto it = index.find(name);
    std::string old_data = it == index.end() ? std::string() : it->second.data_file;
    index[name] = std::move(record);
    if (!old_data.empty() && old_data != index[name].data_file) {
        AZB_RETURN_IF_ERROR(remove_file(blobs_dir(container) / old_data));
    }
    return Status::ok();
}

Result<WriteResult> LocalDirBlobStore::install(const std::string& container, BlobIndex& index,
                                               LocalBlobRecord record) {
    record.props.etag = etags_.next();
    record.props.last_modified = unix_now_seconds();
    if (record.props.tier.empty()) record.props.tier = "Hot";
    WriteResult out{record.props.etag, record.props.last_modified};
    fs::path staging = staging_dir(container, record.props.name);
    AZB_RETURN_IF_ERROR(write_record(container, index, std::move(record)));
    AZB_RETURN_IF_ERROR(remove_tree(staging));
    return out;
}

Status LocalDirBlobStore::load() {
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) return io_error("create directory", root_, ec.value());
    fs::directory_iterator it(root_, ec);
    if (ec) return io_error("list directory", root_, ec.value());
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) return io_error("list directory", root_, ec.value());
        std::string name = it->path().filename().string();
        if (name.rfind(kTrashPrefix, 0) == 0) {
            AZB_RETURN_IF_ERROR(remove_tree(it->path()));
        } else if (it->is_directory() && validate_container_name(name)) {
            AZB_RETURN_IF_ERROR(load_container(name));
        }
    }
    return Status::ok();
}

Status LocalDirBlobStore::load_container(const std::string& container) {
    fs::path dir = blobs_dir(container);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!ec) fs::create_directories(root_ / container / "staging", ec);
    if (ec) return io_error("create directory", dir, ec.value());
    BlobIndex index;
    std::vector<fs::path> data_files;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::string file = it->path().filename().string();
        if (is_temporary_file_name(file)) {
            AZB_RETURN_IF_ERROR(remove_file(it->path()));
        } else if (it->path().extension() == ".json") {
            AZB_ASSIGN_OR_RETURN(std::string text, read_whole_file(it->path()));
            AZB_ASSIGN_OR_RETURN(LocalBlobRecord record, decode_sidecar(text, it->path().string()));
            etags_.observe(record.props.etag);
            index[record.props.name] = std::move(record);
        } else {
            data_files.push_back(it->path());
        }
    }
    if (ec) return io_error("list directory", dir, ec.value());
    std::map<std::string, bool> referenced;
    for (const auto& [name, record] : index) referenced[record.data_file] = true;
    for (const auto& path : data_files) {
        if (!referenced.count(path.filename().string())) AZB_RETURN_IF_ERROR(remove_file(path));
    }
    containers_[container] = std::move(index);
    return Status::ok();
}

Result<std::vector<std::string>> LocalDirBlobStore::list_containers() {
    std::lock_guard lock(mu_);
    std::vector<std::string> names;
    for (const auto& [name, index] : containers_) names.push_back(name);
    return names;
}

Status LocalDirBlobStore::create_container(const std::string& container) {
    AZB_RETURN_IF_ERROR(validate_container_name(container));
    std::lock_guard lock(mu_);
    if (containers_.count(container)) return Status::ok();
    std::error_code ec;
    fs::create_directories(blobs_dir(container), ec);
    if (!ec) fs::create_directories(root_ / container / "staging", ec);
    if (ec) return io_error("create directory", root_ / container, ec.value());
    AZB_RETURN_IF_ERROR(fsync_dir(root_ / container));
    AZB_RETURN_IF_ERROR(fsync_dir(root_));
    containers_[container] = BlobIndex{};
    return Status::ok();
}

Status LocalDirBlobStore::delete_container(const std::string& container) {
    AZB_RETURN_IF_ERROR(validate_container_name(container));
    std::lock_guard lock(mu_);
    AZB_RETURN_IF_ERROR(find_container(container).status());
    std::string token = etags_.next();
    fs::path trash = root_ / (kTrashPrefix + token.substr(1, token.size() - 2));
    if (::rename((root_ / container).c_str(), trash.c_str()) != 0) {
        return io_error("rename to " + trash.string(), root_ / container, errno);
    }
    containers_.erase(container);
    AZB_RETURN_IF_ERROR(fsync_dir(root_));
    return remove_tree(trash);
}

Result<ListPage> LocalDirBlobStore::list_blobs(const std::string& container, const ListOptions& options) {
    AZB_RETURN_IF_ERROR(validate_container_name(container));
    AZB_RETURN_IF_ERROR(validate_list_options(options));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(BlobIndex * index, find_container(container));
    return page_listing(*index, options, [](const LocalBlobRecord& r) { return r.props; });
}

Result<BlobProperties> LocalDirBlobStore::get_properties(const std::string& container,
                                                         const std::string& blob) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(LocalBlobRecord * r, find_blob(container, blob));
    return r->props;
}

Result<ReadResult> LocalDirBlobStore::read(const std::string& container, const std::string& blob,
                                           uint64_t offset, uint64_t length,
                                           const std::optional<std::string>& if_match) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string path = blob_path(container, blob);
    ReadResult out;
    ByteRange range;
    UniqueFd fd;
    fs::path data_path;
    {
        // The data file of the current version is opened under the lock; a later version may
        // unlink it, but the open descriptor keeps reading this version.
        std::lock_guard lock(mu_);
        AZB_ASSIGN_OR_RETURN(LocalBlobRecord * r, find_blob(container, blob));
        if (if_match && *if_match != r->props.etag) {
            return Status(Code::kPreconditionFailed,
                          "blob " + path + " has ETag " + r->props.etag + ", not " + *if_match);
        }
        if (r->props.is_archived()) {
            return Status(Code::kArchived, "blob " + path + " is in the Archive tier; rehydrate it first");
        }
        AZB_ASSIGN_OR_RETURN(range, clamp_read_range(r->props.size, offset, length, path));
        data_path = blobs_dir(container) / r->data_file;
        AZB_ASSIGN_OR_RETURN(fd, open_for_read(data_path));
        out.etag = r->props.etag;
        out.blob_size = r->props.size;
    }
    AZB_RETURN_IF_ERROR(read_at(fd.get(), range.offset, range.length, out.data, data_path));
    return out;
}

Result<WriteResult> LocalDirBlobStore::put_blob(const std::string& container, const std::string& blob,
                                                std::string_view data, const PutOptions& options) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string path = blob_path(container, blob);
    AZB_ASSIGN_OR_RETURN(Metadata metadata, normalize_metadata(options.metadata, path));
    {
        std::lock_guard lock(mu_);
        AZB_RETURN_IF_ERROR(find_container(container).status());
    }
    // Bytes and sidecar are written and fsynced outside the lock; under it only the conditions
    // are checked and the sidecar renamed into place, so concurrent puts overlap their I/O.
    // Both files live in blobs_dir, so one directory fsync makes both renames durable.
    LocalBlobRecord r;
    r.props.name = blob;
    r.props.size = data.size();
    r.props.content_type = effective_content_type(options.content_type);
    r.props.content_md5 = options.content_md5;
    r.props.metadata = std::move(metadata);
    r.props.tier = "Hot";
    r.props.etag = etags_.next();
    r.props.last_modified = unix_now_seconds();
    r.data_file = new_data_file_name(blob);
    fs::path data_path = blobs_dir(container) / r.data_file;
    AZB_ASSIGN_OR_RETURN(AtomicFileWriter data_writer, AtomicFileWriter::create(data_path));
    AZB_RETURN_IF_ERROR(data_writer.append(data));
    AZB_RETURN_IF_ERROR(data_writer.finish());
    AZB_RETURN_IF_ERROR(data_writer.publish());
    AZB_ASSIGN_OR_RETURN(std::string json, encode_sidecar(r));
    AZB_ASSIGN_OR_RETURN(AtomicFileWriter sidecar_writer, AtomicFileWriter::create(sidecar_path(container, blob)));
    AZB_RETURN_IF_ERROR(sidecar_writer.append(json));
    AZB_RETURN_IF_ERROR(sidecar_writer.finish());
    WriteResult out{r.props.etag, r.props.last_modified};
    std::string replaced_data;
    {
        std::lock_guard lock(mu_);
        Result<BlobIndex*> index = find_container(container);
        Status st = index.status();
        BlobIndex::iterator it;
        if (st) {
            it = (*index)->find(blob);
            st = check_write_conditions(it == (*index)->end() ? nullptr : &it->second.props.etag,
                                        options.conditions, path);
        }
        if (st) st = sidecar_writer.publish();
        if (!st) {
            remove_file(data_path);
            return st;
        }
        if (it != (*index)->end()) replaced_data = it->second.data_file;
        (**index)[blob] = std::move(r);
        AZB_RETURN_IF_ERROR(remove_tree(staging_dir(container, blob)));
    }
    AZB_RETURN_IF_ERROR(fsync_dir(blobs_dir(container)));
    if (!replaced_data.empty()) AZB_RETURN_IF_ERROR(remove_file(blobs_dir(container) / replaced_data));
    return out;
}

Status LocalDirBlobStore::put_block(const std::string& container, const std::string& blob,
                                    const std::string& block_id, std::string_view data) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    AZB_RETURN_IF_ERROR(validate_block_id(block_id, blob_path(container, blob)));
    {
        std::lock_guard lock(mu_);
        AZB_RETURN_IF_ERROR(find_container(container).status());
    }
    fs::path dir = staging_dir(container, blob);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return io_error("create directory", dir, ec.value());
    return write_file_atomic(block_path(container, blob, block_id), data);
}

Result<std::string> LocalDirBlobStore::build_from_blocks(const std::string& container, const std::string& blob,
                                                         const std::vector<BlockSource>& sources,
                                                         const LocalBlobRecord* current,
                                                         std::vector<CommittedBlock>& blocks) {
    std::string data_file = new_data_file_name(blob);
    AZB_ASSIGN_OR_RETURN(AtomicFileWriter writer, AtomicFileWriter::create(blobs_dir(container) / data_file));
    UniqueFd current_fd;
    fs::path current_path;
    if (current != nullptr) {
        current_path = blobs_dir(container) / current->data_file;
        AZB_ASSIGN_OR_RETURN(current_fd, open_for_read(current_path));
    }
    uint64_t written = 0;
    std::string chunk;
    for (const auto& s : sources) {
        fs::path from = s.staged ? block_path(container, blob, s.id) : current_path;
        UniqueFd staged_fd;
        uint64_t offset = s.offset;
        uint64_t length = s.length;
        if (s.staged) {
            AZB_ASSIGN_OR_RETURN(staged_fd, open_for_read(from));
            off_t size = ::lseek(staged_fd.get(), 0, SEEK_END);
            if (size < 0) return io_error("seek", from, errno);
            offset = 0;
            length = static_cast<uint64_t>(size);
        }
        int fd = s.staged ? staged_fd.get() : current_fd.get();
        for (uint64_t done = 0; done < length;) {
            uint64_t n = std::min(kCopyChunk, length - done);
            chunk.clear();
            AZB_RETURN_IF_ERROR(read_at(fd, offset + done, n, chunk, from));
            AZB_RETURN_IF_ERROR(writer.append(chunk));
            done += n;
        }
        blocks.push_back(CommittedBlock{s.id, written, length});
        written += length;
    }
    AZB_RETURN_IF_ERROR(writer.commit());
    return data_file;
}

Result<WriteResult> LocalDirBlobStore::put_block_list(const std::string& container, const std::string& blob,
                                                      const std::vector<std::string>& block_ids,
                                                      const PutOptions& options) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string path = blob_path(container, blob);
    AZB_ASSIGN_OR_RETURN(Metadata metadata, normalize_metadata(options.metadata, path));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(BlobIndex * index, find_container(container));
    auto it = index->find(blob);
    const LocalBlobRecord* current = it == index->end() ? nullptr : &it->second;
    AZB_RETURN_IF_ERROR(check_write_conditions(current ? &current->props.etag : nullptr,
                                               options.conditions, path));
    auto is_staged = [&](const std::string& id) {
        std::error_code ec;
        return fs::exists(block_path(container, blob, id), ec);
    };
    AZB_ASSIGN_OR_RETURN(std::vector<BlockSource> sources,
                         resolve_block_list(block_ids, is_staged,
                                            current ? current->blocks : std::vector<CommittedBlock>{}, path));
    LocalBlobRecord r;
    AZB_ASSIGN_OR_RETURN(r.data_file, build_from_blocks(container, blob, sources, current, r.blocks));
    r.props.name = blob;
    r.props.size = r.blocks.empty() ? 0 : r.blocks.back().offset + r.blocks.back().length;
    r.props.content_type = effective_content_type(options.content_type);
    r.props.content_md5 = options.content_md5;
    r.props.metadata = std::move(metadata);
    return install(container, *index, std::move(r));
}

Status LocalDirBlobStore::delete_blob(const std::string& container, const std::string& blob,
                                      const Conditions& conditions) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(LocalBlobRecord * r, find_blob(container, blob));
    AZB_RETURN_IF_ERROR(check_write_conditions(&r->props.etag, conditions, blob_path(container, blob)));
    // Sidecar first: a crash after it leaves only an orphan data file, removed on open.
    AZB_RETURN_IF_ERROR(remove_file(sidecar_path(container, blob)));
    AZB_RETURN_IF_ERROR(fsync_dir(blobs_dir(container)));
    fs::path data_path = blobs_dir(container) / r->data_file;
    containers_.at(container).erase(blob);
    AZB_RETURN_IF_ERROR(remove_file(data_path));
    return remove_tree(staging_dir(container, blob));
}

Result<WriteResult> LocalDirBlobStore::copy_blob(const std::string& src_container, const std::string& src_blob,
                                                 const std::string& dst_container, const std::string& dst_blob,
                                                 const CopyOptions& options) {
    AZB_RETURN_IF_ERROR(validate_names(src_container, src_blob));
    AZB_RETURN_IF_ERROR(validate_names(dst_container, dst_blob));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(LocalBlobRecord * src, find_blob(src_container, src_blob));
    if (src->props.is_archived()) {
        return Status(Code::kArchived, "copy source " + blob_path(src_container, src_blob) +
                                           " is in the Archive tier");
    }
    AZB_RETURN_IF_ERROR(check_copy_source(src->props.etag, options, blob_path(src_container, src_blob)));
    AZB_ASSIGN_OR_RETURN(BlobIndex * dst, find_container(dst_container));
    auto it = dst->find(dst_blob);
    AZB_RETURN_IF_ERROR(check_write_conditions(it == dst->end() ? nullptr : &it->second.props.etag,
                                               options.conditions, blob_path(dst_container, dst_blob)));
    // Data files are immutable, so the copy shares the source's bytes through a hard link.
    LocalBlobRecord copy = *src;
    copy.props.name = dst_blob;
    copy.props.tier = "Hot";
    if (options.metadata) {
        AZB_ASSIGN_OR_RETURN(copy.props.metadata, normalize_metadata(*options.metadata, blob_path(dst_container, dst_blob)));
    }
    copy.data_file = new_data_file_name(dst_blob);
    fs::path from = blobs_dir(src_container) / src->data_file;
    fs::path to = blobs_dir(dst_container) / copy.data_file;
    if (::link(from.c_str(), to.c_str()) != 0) return io_error("link to " + to.string(), from, errno);
    AZB_RETURN_IF_ERROR(fsync_dir(blobs_dir(dst_container)));
    return install(dst_container, *dst, std::move(copy));
}

Result<WriteResult> LocalDirBlobStore::set_metadata(const std::string& container, const std::string& blob,
                                                    const Metadata& metadata, const Conditions& conditions) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string path = blob_path(container, blob);
    AZB_ASSIGN_OR_RETURN(Metadata normalized, normalize_metadata(metadata, path));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(LocalBlobRecord * r, find_blob(container, blob));
    AZB_RETURN_IF_ERROR(check_write_conditions(&r->props.etag, conditions, path));
    LocalBlobRecord updated = *r;
    updated.props.metadata = std::move(normalized);
    updated.props.etag = etags_.next();
    updated.props.last_modified = unix_now_seconds();
    WriteResult out{updated.props.etag, updated.props.last_modified};
    AZB_RETURN_IF_ERROR(write_record(container, containers_.at(container), std::move(updated)));
    return out;
}

Status LocalDirBlobStore::set_tier(const std::string& container, const std::string& blob,
                                   const std::string& tier) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    AZB_RETURN_IF_ERROR(validate_tier(tier));
    std::lock_guard lock(mu_);
    AZB_ASSIGN_OR_RETURN(LocalBlobRecord * r, find_blob(container, blob));
    LocalBlobRecord updated = *r;
    updated.props.tier = tier;
    return write_record(container, containers_.at(container), std::move(updated));
}

}  // namespace

Result<std::unique_ptr<BlobStore>> make_local_dir_blob_store(const fs::path& root) {
    auto store = std::make_unique<LocalDirBlobStore>(root);
    AZB_RETURN_IF_ERROR(store->load());
    return std::unique_ptr<BlobStore>(std::move(store));
}

}  // namespace azblobfs
