// File content: open (close-to-open revalidation), read (with one restart on a changed blob),
// readlink, release.
#include <fcntl.h>
#include <spdlog/spdlog.h>

#include "fs/entry_builder.h"
#include "fs/filesystem_impl.h"

namespace azblobfs {

namespace {

void log_read_failure(const FileVersion& v, const Status& status) {
    if (status.code() == Code::kArchived) {
        spdlog::error("read of blob {}/{} refused: it is in the Archive tier. Rehydrate it by "
                      "setting its tier to Hot or Cool (e.g. az storage blob set-tier --tier Hot) "
                      "and wait until rehydration completes (up to 15 hours)",
                      v.container, v.blob);
        return;
    }
    spdlog::error("read of blob {}/{} failed: {}", v.container, v.blob, status.to_string());
}

}  // namespace

FileVersion FilesystemImpl::version_of(const std::string& path, const EntryRecord& record) const {
    BlobLocation loc = names_.locate(path);
    return FileVersion{path, loc.container, loc.blob, record.file_id, record.etag, record.size};
}

Result<OpenReply> FilesystemImpl::open(uint64_t ino, int flags) {
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0) {
        return Status(Code::kReadOnly, "this mount is read-only");
    }
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    if (path.empty()) return Status(Code::kIsDirectory, "the mount root is a directory");
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> old, index_->get(path));
    if (old && old->type == EntryType::kDirectory) return Status(Code::kIsDirectory, path);

    BlobLocation loc = names_.locate(path);
    Result<BlobProperties> props = store_->get_properties(loc.container, loc.blob);
    EntryRecord record;
    bool archived = false;
    if (props.is_ok()) {
        archived = props->is_archived();
        AZB_ASSIGN_OR_RETURN(record, save(path, old, record_from_blob(*props, now())));
        if (record.type == EntryType::kDirectory) return Status(Code::kIsDirectory, path);
    } else if (props.status().code() == Code::kNotFound) {
        AZB_RETURN_IF_ERROR(forget_path(path));
        return Status(Code::kNotFound, path + " no longer exists");
    } else if (is_offline_error(props.status()) && old) {
        offline_.served(path, props.status());
        record = *old;
        archived = record.tier == "Archive";
        // The cached blocks belong to the record's ETag (VersionGate invariant); a fresh
        // process has not admitted them yet.
        AZB_RETURN_IF_ERROR(gate_.switch_to(record.file_id, record.etag, record.etag));
    } else {
        return props.status();
    }

    bool unchanged = old && old->etag == record.etag;
    std::string opened_before = inodes_.exchange_opened_etag(ino, record.etag);
    auto handle = std::make_shared<FileHandle>();
    handle->ino = ino;
    handle->version = version_of(path, record);
    handle->archived = archived;
    OpenReply reply;
    reply.keep_cache = unchanged && (opened_before.empty() || opened_before == record.etag);
    std::lock_guard lock(handles_mu_);
    reply.fh = next_fh_++;
    files_[reply.fh] = std::move(handle);
    return reply;
}

std::shared_ptr<FilesystemImpl::FileHandle> FilesystemImpl::file_handle(uint64_t fh) {
    std::lock_guard lock(handles_mu_);
    auto it = files_.find(fh);
    return it == files_.end() ? nullptr : it->second;
}

Result<std::string> FilesystemImpl::read(uint64_t /*ino*/, uint64_t fh, uint64_t offset,
                                         uint64_t size) {
    std::shared_ptr<FileHandle> h = file_handle(fh);
    if (!h) return Status(Code::kInvalidArgument, "unknown file handle " + std::to_string(fh));
    FileVersion version;
    bool allow_restart = false;
    {
        std::lock_guard lock(h->mu);
        version = h->version;
        allow_restart = !h->served_data;
        if (h->archived) {
            Status archived(Code::kArchived, "blob " + version.path + " is in the Archive tier");
            log_read_failure(version, archived);
            return archived;
        }
    }
    FileVersion before = version;
    Result<std::string> data = read_version(&version, offset, size, &h->readahead, allow_restart);
    std::lock_guard lock(h->mu);
    if (version.etag != before.etag && h->version.etag == before.etag) h->version = version;
    if (data.is_ok() && !data->empty()) h->served_data = true;
    return data;
}

// Reads from *version. On PreconditionFailed (the blob changed) it refreshes the record, which
// drops the old blocks, and then either restarts once on the new version (allow_restart) or
// returns PreconditionFailed so that a handle never mixes two versions.
Result<std::string> FilesystemImpl::read_version(FileVersion* version, uint64_t offset,
                                                 uint64_t size, ReadAheadState* readahead,
                                                 bool allow_restart) {
    Result<std::string> data = read_path_.read(*version, offset, size);
    if (!data.is_ok() && data.status().code() == Code::kPreconditionFailed && !allow_restart) {
        Result<FileVersion> refreshed = refresh_version(*version);
        Status stale(Code::kPreconditionFailed,
                     "blob " + version->container + "/" + version->blob +
                         " changed while open after this handle read the old version (ETag " +
                         version->etag + "); reopen the file to read the new version");
        spdlog::warn("{}", stale.message());
        if (!refreshed.is_ok()) return refreshed.status();
        return stale;
    }
    if (!data.is_ok() && data.status().code() == Code::kPreconditionFailed) {
        spdlog::info("blob {}/{} changed while open (ETag {}); reading the new version",
                     version->container, version->blob, version->etag);
        Result<FileVersion> refreshed = refresh_version(*version);
        if (!refreshed.is_ok()) {
            log_read_failure(*version, refreshed.status());
            return refreshed.status();
        }
        *version = std::move(refreshed).value();
        if (readahead) {
            std::lock_guard lock(readahead->mu);
            readahead->window = 0;
            readahead->next_block = 0;
        }
        data = read_path_.read(*version, offset, size);
    }
    if (!data.is_ok()) {
        log_read_failure(*version, data.status());
        return data.status();
    }
    if (readahead) read_path_.after_read(*readahead, *version, offset, offset + data->size());
    return data;
}

Result<FileVersion> FilesystemImpl::refresh_version(const FileVersion& stale) {
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> old, index_->get(stale.path));
    Result<BlobProperties> props = store_->get_properties(stale.container, stale.blob);
    if (!props.is_ok()) {
        if (props.status().code() == Code::kNotFound) AZB_RETURN_IF_ERROR(forget_path(stale.path));
        return props.status();
    }
    if (props->is_archived()) {
        return Status(Code::kArchived, "blob " + stale.path + " is in the Archive tier");
    }
    AZB_ASSIGN_OR_RETURN(EntryRecord record, save(stale.path, old, record_from_blob(*props, now())));
    if (record.type == EntryType::kDirectory) return Status(Code::kIsDirectory, stale.path);
    return version_of(stale.path, record);
}

void FilesystemImpl::release(uint64_t /*ino*/, uint64_t fh) {
    std::lock_guard lock(handles_mu_);
    files_.erase(fh);
}

Result<std::string> FilesystemImpl::readlink(uint64_t ino) {
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    AZB_ASSIGN_OR_RETURN(EntryRecord record, current_record(path));
    if (record.type != EntryType::kSymlink) {
        return Status(Code::kInvalidArgument, path + " is not a symbolic link");
    }
    AZB_RETURN_IF_ERROR(gate_.switch_to(record.file_id, record.etag, record.etag));
    FileVersion version = version_of(path, record);
    return read_version(&version, 0, version.size, nullptr, /*allow_restart=*/true);
}

}  // namespace azblobfs
