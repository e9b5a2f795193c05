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
    bool for_writing = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0;
    if (for_writing) AZB_RETURN_IF_ERROR(writable());
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    if (path.empty()) return Status(Code::kIsDirectory, "the mount root is a directory");
    if (journal_) {
        AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
        if (j && j->kind == JournalKind::kDelete) return Status(Code::kNotFound, path + " was removed");
        if (j || for_writing) return open_local(ino, path, flags);
    }
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
    handle->lineage = gate_.lineage_if(record.file_id, record.etag);
    handle->archived = archived;
    OpenReply reply;
    reply.keep_cache = unchanged && (opened_before.empty() || opened_before == record.etag);
    std::lock_guard lock(handles_mu_);
    reply.fh = next_fh_++;
    files_[reply.fh] = std::move(handle);
    return reply;
}

// Opens a file with local changes, or for writing: no revalidation of a journaled file (the
// local state is the truth); a clean one is revalidated first (close-to-open), then O_TRUNC.
Result<OpenReply> FilesystemImpl::open_local(uint64_t ino, const std::string& path, int flags) {
    bool for_writing = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0;
    AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
    if (!j) {
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> old, index_->get(path));
        if (old && old->type == EntryType::kDirectory) return Status(Code::kIsDirectory, path);
        BlobLocation loc = names_.locate(path);
        Result<BlobProperties> props = store_->get_properties(loc.container, loc.blob);
        if (props.is_ok()) {
            AZB_RETURN_IF_ERROR(save(path, old, record_from_blob(*props, now())).status());
        } else if (props.status().code() == Code::kNotFound) {
            AZB_RETURN_IF_ERROR(forget_path(path));
            return Status(Code::kNotFound, path + " no longer exists");
        } else if (!(is_offline_error(props.status()) && old)) {
            return props.status();
        }
    }
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> record, index_->get(path));
    if (!record) return Status(Code::kNotFound, path + " does not exist");
    if (record->type == EntryType::kDirectory) return Status(Code::kIsDirectory, path);
    if ((flags & O_TRUNC) != 0 && for_writing && record->size != 0) {
        SetAttrRequest truncate;
        truncate.size = 0;
        AZB_RETURN_IF_ERROR(setattr(ino, truncate).status());
    }
    inodes_.exchange_opened_etag(ino, "");
    auto handle = std::make_shared<FileHandle>();
    handle->ino = ino;
    handle->version = version_of(path, *record);
    AZB_RETURN_IF_ERROR(gate_.switch_to(record->file_id, record->etag, record->etag));
    handle->lineage = gate_.lineage_if(record->file_id, record->etag);
    handle->local = true;
    handle->writable = for_writing;
    handle->append = (flags & O_APPEND) != 0;
    OpenReply reply;
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
    if (journal_) {
        AZB_ASSIGN_OR_RETURN(std::optional<std::string> local, read_if_local(*h, offset, size));
        if (local) return std::move(*local);
    }
    FileVersion version;
    bool allow_restart = false;
    {
        std::lock_guard lock(h->mu);
        version = followed_version(*h);
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
    if (version.etag != before.etag && h->version.etag == before.etag) {
        h->version = version;
        h->lineage = gate_.lineage_if(version.file_id, version.etag);
    }
    if (data.is_ok() && !data->empty()) h->served_data = true;
    return data;
}

const FileVersion& FilesystemImpl::followed_version(FileHandle& h) {
    if (std::optional<std::string> etag = gate_.follow(h.version.file_id, h.lineage)) {
        h.version.etag = std::move(*etag);
    }
    return h.version;
}

// A read of a file with local changes: from the journal while it has a record; for a handle in
// local mode without one, from the version the index holds now (this mount's last commit).
// nullopt: the handle reads the ordinary way.
Result<std::optional<std::string>> FilesystemImpl::read_if_local(FileHandle& h, uint64_t offset,
                                                                 uint64_t size) {
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(h.ino));
    AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
    if (j && j->kind == JournalKind::kUpload) {
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> e, index_->get(path));
        if (e) {
            {
                std::lock_guard lock(h.mu);
                h.local = true;
            }
            AZB_ASSIGN_OR_RETURN(std::string data, read_local(path, *j, *e, offset, size));
            return std::optional<std::string>(std::move(data));
        }
    }
    {
        std::lock_guard lock(h.mu);
        if (!h.local) return std::optional<std::string>();
    }
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> e, index_->get(path));
    if (!e) return Status(Code::kNotFound, path + " was removed");
    AZB_RETURN_IF_ERROR(gate_.switch_to(e->file_id, e->etag, e->etag));
    FileVersion v = version_of(path, *e);
    AZB_ASSIGN_OR_RETURN(std::string data, read_version(&v, offset, size, &h.readahead, true));
    return std::optional<std::string>(std::move(data));
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
            readahead->trigger_block = 0;
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
    if (in_views(path)) return view_target(path);
    if (journal_) {
        AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
        if (j && j->kind == JournalKind::kUpload) return read_local(path, *j, record, 0, j->size);
    }
    AZB_RETURN_IF_ERROR(gate_.switch_to(record.file_id, record.etag, record.etag));
    FileVersion version = version_of(path, record);
    return read_version(&version, 0, version.size, nullptr, /*allow_restart=*/true);
}

}  // namespace azblobfs
