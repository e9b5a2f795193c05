// File content changes: create, write, truncate (setattr), times and mode, xattrs, flush, fsync.
// Every change is one journal batch (one LMDB transaction) under the path's lock.
#include <fcntl.h>
#include <sys/xattr.h>
#include <spdlog/spdlog.h>

#include "fs/attributes.h"
#include "fs/entry_builder.h"
#include "fs/filesystem_impl.h"
#include "fs/rfc3339.h"
#include "fs/xattrs.h"

namespace azblobfs {

namespace {

constexpr uint64_t kB = BlockCache::kBlockSize;
constexpr uint64_t kMaxFileSize = Flusher::kMaxBlocks * kB;

std::string octal(mode_t m) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
    return buf;
}

}  // namespace

// A new local entry of `type` (file, symlink or directory marker) at `path`. `deleted`: the
// kDelete record the path had (the new blob replaces that remote blob).
Result<FilesystemImpl::LocalState> FilesystemImpl::make_local(
    const std::string& path, EntryType type, mode_t mode, const std::optional<JournalRecord>& deleted) {
    int64_t t = now();
    LocalState s;
    s.entry.type = type;
    s.entry.mtime_ns = t;
    s.entry.ctime_ns = t;
    s.entry.validated_at_ns = t;
    s.entry.has_marker = type == EntryType::kDirectory;
    s.record = record_for(path, s.entry);
    s.record.expect_exists = deleted.has_value();
    s.record.expect_etag = deleted ? deleted->expect_etag : "";
    s.record.content_dirty = true;
    if (type == EntryType::kDirectory) s.record.metadata[kFolderKey] = "true";
    if (type == EntryType::kSymlink) s.record.metadata[kSymlinkKey] = "true";
    mode_t default_mode = type == EntryType::kDirectory ? options_.dir_mode : options_.file_mode;
    if (options_.store_mode && type != EntryType::kSymlink && (mode & 07777) != (default_mode & 07777)) {
        s.record.metadata[kModeKey] = octal(mode);
    }
    if (type != EntryType::kDirectory) {
        AZB_ASSIGN_OR_RETURN(s.record.content_id, journal_->allocate_content_id());
    }
    touch(&s, t, true);
    return s;
}

Result<CreateReply> FilesystemImpl::create(uint64_t parent, const std::string& name, mode_t mode,
                                           int flags) {
    AZB_ASSIGN_OR_RETURN(std::string path, new_child_path(parent, name));
    {
        auto lock = locks_->lock(path);
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> there, existing(path));
        if (!there) {
            AZB_ASSIGN_OR_RETURN(EntryRecord dir, current_record(NameMapping::parent_of(path)));
            if (dir.type != EntryType::kDirectory) return Status(Code::kNotDirectory, NameMapping::parent_of(path));
            AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
            AZB_ASSIGN_OR_RETURN(LocalState s, make_local(path, EntryType::kFile, mode, j));
            AZB_RETURN_IF_ERROR(save_local(path, s, {}));
        } else if ((flags & O_EXCL) != 0) {
            return Status(Code::kAlreadyExists, path + " exists");
        } else if (there->type == EntryType::kDirectory) {
            return Status(Code::kIsDirectory, path);
        }
    }
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> record, index_->get(path));
    if (!record) return Status(Code::kIoError, "created " + path + " has no index entry");
    CreateReply reply;
    reply.entry = positive_reply(path, *record);
    AZB_ASSIGN_OR_RETURN(reply.open, open(reply.entry.attr.ino, (flags & ~O_CREAT & ~O_EXCL)));
    return reply;
}

// Sets the size of the local content to `size` (caller holds the lock): a shrink drops dirty
// blocks past the end and bounds the underlay, so bytes past the old end read as zeros.
Status FilesystemImpl::resize(const std::string& /*path*/, LocalState* s, uint64_t size,
                              JournalBatch* batch) {
    if (size > kMaxFileSize) return Status(Code::kTooLarge, "file size over 50,000 blocks");
    JournalRecord& r = s->record;
    if (size < r.size) {
        r.underlay_size = std::min(r.underlay_size, size);
        batch->trim_blocks.emplace_back(r.content_id, (size + kB - 1) / kB);
        uint64_t last = size / kB;
        if (size % kB != 0) {
            AZB_ASSIGN_OR_RETURN(auto dirty, journal_->block(r.content_id, last));
            if (dirty && dirty->size() > size % kB) {
                dirty->resize(size % kB);
                batch->put_blocks.push_back({r.content_id, last, std::move(*dirty)});
            }
        }
    }
    r.size = size;
    return Status::ok();
}

Result<uint64_t> FilesystemImpl::write(uint64_t ino, uint64_t fh, uint64_t offset,
                                       std::string_view data) {
    AZB_RETURN_IF_ERROR(writable());
    std::shared_ptr<FileHandle> h = file_handle(fh);
    if (!h || !h->writable) return Status(Code::kInvalidArgument, "file handle not open for writing");
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    AZB_RETURN_IF_ERROR(finish_resumed(path));
    AZB_RETURN_IF_ERROR(wait_for_room(data.size()));
    prefetch_edges(path, *h, offset, data.size());
    auto lock = locks_->lock(path);
    AZB_ASSIGN_OR_RETURN(std::optional<LocalState> state, local_state(path));
    if (!state) return Status(Code::kNotFound, path + " was removed");
    LocalState& s = *state;
    if (!s.journaled) AZB_RETURN_IF_ERROR(start_from_opened_version(*h, &s));
    if (h->append) offset = s.record.size;
    uint64_t end = offset + data.size();
    if (end > kMaxFileSize) return Status(Code::kTooLarge, path + ": file size over 50,000 blocks");
    JournalBatch b;
    for (uint64_t i = offset / kB; i * kB < end; ++i) {
        uint64_t start = i * kB;
        uint64_t from = std::max(offset, start) - start;
        uint64_t to = std::min(end, start + kB) - start;
        std::string block;
        if (keeps_old_bytes(i, offset, end, s.record.size)) {
            AZB_ASSIGN_OR_RETURN(block, local_block(path, s.record, s.entry, i));
        }
        if (block.size() < to) block.resize(to, '\0');
        block.replace(from, to - from, data.substr(start + from - offset, to - from));
        b.put_blocks.push_back({s.record.content_id, i, std::move(block)});
    }
    s.record.size = std::max(s.record.size, end);
    touch(&s, now(), true);
    AZB_RETURN_IF_ERROR(save_local(path, s, std::move(b)));
    std::lock_guard hl(h->mu);
    h->local = true;
    h->wrote = true;
    return static_cast<uint64_t>(data.size());
}

// Close-to-open: the first change through a handle starts from the version the handle opened.
// When another writer replaced it since (a revalidation already shows the new version), the
// change is based on the opened version anyway, so its commit fails its If-Match and the bytes
// are kept as a conflict copy instead of silently overwriting the other writer.
bool FilesystemImpl::keeps_old_bytes(uint64_t index, uint64_t offset, uint64_t end, uint64_t size) {
    uint64_t start = index * kB;
    uint64_t from = std::max(offset, start) - start;
    uint64_t to = std::min(end, start + kB) - start;
    uint64_t existing_len = start < size ? std::min(kB, size - start) : 0;
    return from > 0 || to < existing_len;
}

// Runs before the path lock: fetches the base bytes that a write of [offset, offset + size)
// keeps from the two blocks at its edges into the block cache, so that the write under the lock
// finds them there and no operation on the path waits behind a GET. Read-only and best effort:
// it reads only a version the version gate admits already (never switches it, which could race
// with the flusher's commit of the file) and only blocks that are not dirty; whatever it skips,
// or what changed meanwhile, the write reads under the lock as before.
void FilesystemImpl::prefetch_edges(const std::string& path, FileHandle& h, uint64_t offset, uint64_t size) {
    if (size == 0 || h.append) return;
    Result<std::optional<LocalState>> state = local_state(path);
    if (!state.is_ok() || !*state) return;
    const LocalState& s = **state;
    const JournalRecord& r = s.record;
    if (r.underlay_etag.empty() || !r.source_path.empty()) return;
    if (gate_.lineage_if(s.entry.file_id, r.underlay_etag) == 0) return;
    const BlobLocation loc = names_.locate(path);
    const FileVersion v{path, loc.container, loc.blob, s.entry.file_id, r.underlay_etag,
                        std::max(r.base_size, r.underlay_size)};
    const uint64_t end = offset + size;
    for (uint64_t i : {offset / kB, (end - 1) / kB}) {
        const uint64_t start = i * kB;
        if (keeps_old_bytes(i, offset, end, r.size) && start < r.underlay_size) {
            Result<std::optional<std::string>> dirty = journal_->block(r.content_id, i);
            if (dirty.is_ok() && !*dirty) (void)read_path_.read(v, start, std::min(kB, r.underlay_size - start));
        }
        if (offset / kB == (end - 1) / kB) break;
    }
}

Status FilesystemImpl::start_from_opened_version(FileHandle& h, LocalState* s) {
    FileVersion opened;
    {
        std::lock_guard hl(h.mu);
        opened = followed_version(h);
    }
    if (opened.etag.empty() || opened.etag == s->entry.etag) return Status::ok();
    spdlog::warn("{} was replaced by another writer since it was opened (ETag {}, now {}); this "
                 "handle's changes will be kept as a conflict copy",
                 opened.path, opened.etag, s->entry.etag);
    AZB_RETURN_IF_ERROR(gate_.switch_to(s->entry.file_id, s->entry.etag, opened.etag));
    s->entry.etag = opened.etag;
    s->entry.size = opened.size;
    s->record.expect_exists = true;
    s->record.expect_etag = opened.etag;
    s->record.underlay_etag = opened.etag;
    s->record.underlay_size = opened.size;
    s->record.base_size = opened.size;
    s->record.size = opened.size;
    return Status::ok();
}

Result<Attributes> FilesystemImpl::setattr(uint64_t ino, const SetAttrRequest& req) {
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    bool changes = req.size || req.mode || req.mtime_ns;
    if (req.uid && *req.uid != options_.uid) return Status(Code::kNotPermitted, "chown of " + path);
    if (req.gid && *req.gid != options_.gid) return Status(Code::kNotPermitted, "chgrp of " + path);
    if (!changes) return getattr(ino);
    AZB_RETURN_IF_ERROR(writable());
    if (path.empty()) return getattr(ino);
    if (req.size) AZB_RETURN_IF_ERROR(finish_resumed(path));
    {
        auto lock = locks_->lock(path);
        AZB_ASSIGN_OR_RETURN(std::optional<LocalState> state, local_state(path));
        if (!state) return Status(Code::kNotFound, path + " does not exist");
        LocalState& s = *state;
        if (s.entry.type == EntryType::kDirectory && req.size) return Status(Code::kIsDirectory, path);
        if (s.entry.type == EntryType::kDirectory && names_.locate(path).blob.empty()) {
            // A container (account mode) has no blob to hold its time and mode: index only.
            if (req.mtime_ns) s.entry.mtime_ns = *req.mtime_ns;
            if (req.mode && options_.store_mode) s.entry.metadata[kModeKey] = octal(*req.mode);
            JournalBatch b;
            b.put_entries.emplace_back(path, s.entry);
            AZB_RETURN_IF_ERROR(cache_->apply(b).status());
            return make_attributes(ino, s.entry, options_);
        }
        // A directory that exists only through blobs below it gets a marker to hold its time and
        // mode (DESIGN §3: tar and rsync see the times they set, also through a new cache).
        if (s.entry.type == EntryType::kDirectory) s.entry.has_marker = true;
        JournalBatch b;
        if (req.size && *req.size != s.record.size) {
            AZB_RETURN_IF_ERROR(resize(path, &s, *req.size, &b));
            touch(&s, now(), true);
        }
        if (req.mode && options_.store_mode) s.record.metadata[kModeKey] = octal(*req.mode);
        if (req.mtime_ns) s.entry.mtime_ns = *req.mtime_ns;
        touch(&s, now(), false);
        AZB_RETURN_IF_ERROR(save_local(path, s, std::move(b)));
    }
    if (req.size) index_sidecar(path);  // truncate(2) has no close: its content counts now
    return getattr(ino);
}

namespace {

// The status of a change that lost a race (ESTALE); `kept_as` is the conflict blob, if any.
Status lost_race(const std::string& path, const std::string& kept_as) {
    if (kept_as.empty()) {
        return Status(Code::kPreconditionFailed, path + " was not stored: another writer changed the "
                                                        "blob it was made from, and it held no bytes of this mount");
    }
    return Status(Code::kPreconditionFailed, path + " was changed by another writer; this mount's "
                                                    "version is kept as blob " + kept_as);
}

}  // namespace

Status FilesystemImpl::finish_resumed(const std::string& path) {
    if (!flusher_ || !resumed_.take(path)) return Status::ok();
    Status st = flusher_->commit_now(path);
    if (auto conflict = flusher_->take_conflict(path)) return lost_race(path, *conflict);
    if (!st.is_ok()) {
        spdlog::warn("{}: the upload left by the previous mount is not finished ({}); this change "
                     "goes on top of it and both upload later", path, st.to_string());
    }
    return Status::ok();
}

Status FilesystemImpl::flush(uint64_t ino, uint64_t fh) {
    std::shared_ptr<FileHandle> h = file_handle(fh);
    if (!h || !flusher_) return Status::ok();
    bool wrote = false;
    {
        std::lock_guard hl(h->mu);
        wrote = h->wrote;
    }
    if (!wrote) return Status::ok();
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    if (auto conflict = flusher_->take_conflict(path)) return lost_race(path, *conflict);
    flusher_->schedule(path);
    index_sidecar(path);
    return Status::ok();
}

Status FilesystemImpl::fsync(uint64_t ino, uint64_t /*fh*/) {
    if (!flusher_) return Status::ok();
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    if (options_.fsync == FsyncMode::kLocal) return journal_->sync();
    Status st = flusher_->commit_now(path);
    if (auto conflict = flusher_->take_conflict(path)) return lost_race(path, *conflict);
    if (!st.is_ok()) spdlog::error("fsync of {}: the upload failed: {}", path, st.to_string());
    return st;
}

Status FilesystemImpl::setxattr(uint64_t ino, const std::string& name, const std::string& value,
                                int flags) {
    if (name.rfind("user.", 0) != 0) return Status(Code::kNotSupported, "only user.* attributes");
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    AZB_RETURN_IF_ERROR(outside_views(path));
    if (name == "user.azure.etag") return Status(Code::kNotPermitted, "user.azure.etag is read-only");
    AZB_RETURN_IF_ERROR(writable());
    if (name == "user.azure.tier") {
        AZB_ASSIGN_OR_RETURN(EntryRecord e, current_record(path));
        BlobLocation loc = names_.locate(path);
        AZB_RETURN_IF_ERROR(store_->set_tier(loc.container, loc.blob, value));
        e.tier = value;
        return index_->put(path, e).status();
    }
    auto lock = locks_->lock(path);
    AZB_ASSIGN_OR_RETURN(std::optional<LocalState> state, local_state(path));
    if (!state || path.empty()) return Status(Code::kNotFound, path + " does not exist");
    LocalState& s = *state;
    if (name == "user.azure.content_type") {
        s.record.content_type = value;
        s.entry.content_type = value;
        s.record.content_dirty = true;  // Put Block List re-commits the same blocks with it
        s.record.content_type_set = true;
    } else {
        std::string key = metadata_key(name);
        bool present = s.record.metadata.count(key) != 0;
        if ((flags & XATTR_CREATE) && present) return Status(Code::kAlreadyExists, name);
        if ((flags & XATTR_REPLACE) && !present) return Status(Code::kNoAttribute, name);
        s.record.metadata[key] = value;
    }
    touch(&s, now(), false);
    return save_local(path, s, {});
}

Status FilesystemImpl::removexattr(uint64_t ino, const std::string& name) {
    if (name.rfind("user.", 0) != 0) return Status(Code::kNotSupported, "only user.* attributes");
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    AZB_RETURN_IF_ERROR(writable());
    auto lock = locks_->lock(path);
    AZB_ASSIGN_OR_RETURN(std::optional<LocalState> state, local_state(path));
    if (!state || path.empty()) return Status(Code::kNotFound, path + " does not exist");
    LocalState& s = *state;
    if (s.record.metadata.erase(metadata_key(name)) == 0) return Status(Code::kNoAttribute, name);
    touch(&s, now(), false);
    return save_local(path, s, {});
}

}  // namespace azblobfs
