// The local state of paths with changes of this mount: journal records, dirty blocks over the
// underlay, back-pressure, and the commit callback that keeps the version gate true.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "blob/names.h"
#include "fs/entry_builder.h"
#include "fs/filesystem_impl.h"
#include "fs/rfc3339.h"

namespace azblobfs {

namespace {
constexpr uint64_t kB = BlockCache::kBlockSize;
}  // namespace

Status FilesystemImpl::writable() const {
    if (options_.read_only || !journal_) return Status(Code::kReadOnly, "this mount is read-only");
    return Status::ok();
}

// The path of a new name in `parent`, with the name rules of DESIGN §3.
Result<std::string> FilesystemImpl::new_child_path(uint64_t parent, const std::string& name) {
    AZB_RETURN_IF_ERROR(writable());
    AZB_ASSIGN_OR_RETURN(std::string dir, path_of(parent));
    if (name.size() > kMaxNameBytes) {
        return Status(Code::kNameTooLong, "name of " + std::to_string(name.size()) + " bytes");
    }
    if (auto why = NameMapping::unfit_component(name)) {
        return Status(Code::kInvalidName, "name \"" + name + "\" cannot be a blob name: " + *why);
    }
    std::string path = NameMapping::join(dir, name);
    AZB_RETURN_IF_ERROR(outside_views(path));
    BlobLocation loc = names_.locate(path);
    if (loc.blob.empty()) {
        return Status(Code::kNotPermitted, "creating containers through the mount is not supported: " + path);
    }
    if (NameMapping::code_points(loc.blob) > kMaxBlobNameChars) {
        return Status(Code::kNameTooLong, "blob name of " + path + " is over 1,024 characters");
    }
    return path;
}

// The entry of `path` as the mount sees it now (journal first), or nullopt when absent. A fresh
// listing of the parent, or a remembered miss, answers "absent" without asking the store.
Result<std::optional<EntryRecord>> FilesystemImpl::existing(const std::string& path) {
    AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
    if (j && j->kind == JournalKind::kDelete) return std::optional<EntryRecord>();
    if (j) return index_->get(path);
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> indexed, index_->get(path));
    std::optional<DirListing> listing;
    if (!indexed) {
        int64_t t = now();
        if (negatives_.contains(path, t)) return std::optional<EntryRecord>();
        AZB_ASSIGN_OR_RETURN(listing, index_->listing(NameMapping::parent_of(path)));
        if (listing && fresh(listing->validated_at_ns, options_.dir_ttl_s, t)) {
            return std::optional<EntryRecord>();  // a listed child always has its entry
        }
    }
    Result<EntryRecord> r = current_record(path);
    if (r.is_ok()) return std::optional<EntryRecord>(*r);
    if (r.status().code() == Code::kNotFound) return std::optional<EntryRecord>();
    if (is_offline_error(r.status()) && listing) {
        // Offline: the last listing of the parent did not have the name (else it had an entry).
        offline_.served(path, r.status());
        return std::optional<EntryRecord>();
    }
    return r.status();
}

JournalRecord FilesystemImpl::record_for(const std::string& path, const EntryRecord& e) const {
    BlobLocation loc = names_.locate(path);
    JournalRecord r;
    r.kind = JournalKind::kUpload;
    r.type = e.type;
    r.container = loc.container;
    r.blob = loc.blob;
    r.expect_exists = e.type != EntryType::kDirectory || e.has_marker;
    r.expect_etag = e.etag;
    r.underlay_etag = e.type == EntryType::kDirectory ? "" : e.etag;
    r.underlay_size = e.type == EntryType::kDirectory ? 0 : e.size;
    r.base_size = r.underlay_size;
    r.size = r.underlay_size;
    r.content_type = e.content_type;
    r.metadata = e.metadata;
    if (e.type == EntryType::kDirectory) r.metadata[kFolderKey] = "true";
    return r;
}

Result<std::optional<FilesystemImpl::LocalState>> FilesystemImpl::local_state(const std::string& path) {
    AZB_RETURN_IF_ERROR(outside_views(path));
    AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
    if (j && j->kind == JournalKind::kDelete) return std::optional<LocalState>();
    LocalState s;
    if (j) {
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> e, index_->get(path));
        if (!e) return Status(Code::kIoError, "journaled path " + path + " has no index entry");
        s.record = std::move(*j);
        s.entry = std::move(*e);
        s.journaled = true;
    } else {
        Result<EntryRecord> e = current_record(path);
        if (!e.is_ok() && e.status().code() == Code::kNotFound) return std::optional<LocalState>();
        if (!e.is_ok()) return e.status();
        s.entry = std::move(e).value();
        s.record = record_for(path, s.entry);
        // The cached blocks belong to the entry's ETag (VersionGate invariant): admit them.
        AZB_RETURN_IF_ERROR(gate_.switch_to(s.entry.file_id, s.entry.etag, s.entry.etag));
    }
    if (s.record.content_id == 0 && s.record.type != EntryType::kDirectory) {
        AZB_ASSIGN_OR_RETURN(s.record.content_id, journal_->allocate_content_id());
    }
    return std::optional<LocalState>(std::move(s));
}

// Records a change at now_ns: generation, times, and the "mtime" metadata the commit stores.
void FilesystemImpl::touch(LocalState* s, int64_t now_ns, bool content) {
    s->record.generation++;
    s->record.modified_ns = now_ns;
    if (content) {
        s->record.content_dirty = true;
        s->entry.mtime_ns = now_ns;
    }
    s->entry.ctime_ns = now_ns;
    s->record.metadata[kMtimeKey] = format_rfc3339_ns(s->entry.mtime_ns);
    s->entry.metadata = s->record.metadata;
    s->entry.size = s->record.type == EntryType::kDirectory ? 0 : s->record.size;
    s->entry.validated_at_ns = now_ns;
}

Result<std::string> FilesystemImpl::local_block(const std::string& path, const JournalRecord& r,
                                                const EntryRecord& entry, uint64_t index) {
    uint64_t start = index * kB;
    if (start >= r.size) return std::string();
    uint64_t len = std::min(kB, r.size - start);
    AZB_ASSIGN_OR_RETURN(auto dirty, journal_->block(r.content_id, index));
    std::string data;
    if (dirty) {
        data = std::move(*dirty);
    } else if (!r.underlay_etag.empty() && start < r.underlay_size) {
        BlobLocation loc = names_.locate(path);
        if (!r.source_path.empty()) loc.blob = r.source_blob;
        uint64_t blob_size = std::max(r.base_size, r.underlay_size);
        FileVersion v{path, loc.container, loc.blob, entry.file_id, r.underlay_etag, blob_size};
        // Cached blocks of the entry's ETag (the underlay) are admitted, e.g. after a remount.
        if (r.source_path.empty() && entry.etag == r.underlay_etag) {
            AZB_RETURN_IF_ERROR(gate_.switch_to(entry.file_id, entry.etag, entry.etag));
        }
        uint64_t end = std::min(start + len, r.underlay_size);
        AZB_ASSIGN_OR_RETURN(data, read_path_.read(v, start, end - start));
    }
    data.resize(len, '\0');
    return data;
}

Result<std::string> FilesystemImpl::read_local(const std::string& path, const JournalRecord& r,
                                               const EntryRecord& entry, uint64_t offset,
                                               uint64_t size) {
    if (offset >= r.size) return std::string();
    uint64_t end = std::min(r.size, offset + size);
    std::string out;
    out.reserve(end - offset);
    for (uint64_t i = offset / kB; i * kB < end; ++i) {
        AZB_ASSIGN_OR_RETURN(std::string block, local_block(path, r, entry, i));
        uint64_t from = std::max(offset, i * kB) - i * kB;
        uint64_t to = std::min(end, i * kB + block.size()) - i * kB;
        out.append(block, from, to - from);
    }
    return out;
}

Status FilesystemImpl::wait_for_room(uint64_t incoming_bytes) {
    for (;;) {
        uint64_t dirty = journal_->stats().dirty_bytes;
        if (dirty + incoming_bytes <= options_.dirty_limit_bytes) return Status::ok();
        auto wait = std::chrono::milliseconds(static_cast<int64_t>(options_.backpressure_wait_s * 1000));
        if (!flusher_->wait_for_progress(dirty, wait)) {
            FlusherStats st = flusher_->stats();
            Status full(Code::kNoSpace,
                        "the cache holds " + std::to_string(dirty) + " bytes of data not yet "
                        "uploaded (limit " + std::to_string(options_.dirty_limit_bytes) +
                        ") and uploads made no progress for " +
                        std::to_string(static_cast<int>(options_.backpressure_wait_s)) +
                        " s (the store is failing or too slow; upload errors are logged as "
                        "they end, " + std::to_string(st.failures) + " so far)");
            spdlog::error("write refused: {}", full.message());
            return full;
        }
    }
}

// Stores the path's record and entry with the rest of `b` in one transaction and schedules the
// upload (caller holds the path's lock). A new record replaces whatever record was there.
Status FilesystemImpl::save_local(const std::string& path, const LocalState& s, JournalBatch b) {
    if (!s.journaled) b.drop_records.push_back(path);
    b.put_records.emplace_back(path, s.record);
    b.put_entries.emplace_back(path, s.entry);
    AZB_RETURN_IF_ERROR(cache_->apply(b).status());
    negatives_.forget(path);
    flusher_->schedule(path);
    return Status::ok();
}

// A new directory at `path` (caller holds the lock): its marker is journaled and its listing is
// complete and empty from now on.
Status FilesystemImpl::make_dir_local(const std::string& path, mode_t mode,
                                      std::optional<int64_t> mtime_ns) {
    AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
    AZB_ASSIGN_OR_RETURN(LocalState s, make_local(path, EntryType::kDirectory, mode, j));
    if (mtime_ns) {
        s.entry.mtime_ns = *mtime_ns;
        touch(&s, now(), false);
    }
    JournalBatch b;
    b.new_listings.push_back(path);
    b.listed_at_ns = now();
    return save_local(path, s, std::move(b));
}

// After this mount committed `e.record`: the committed content's dirty blocks become cached
// blocks of the new ETag, and cached blocks of the version it started from stay when their bytes
// are unchanged (no truncation below that version's size). So the next partial write or read
// of the file needs no download.
}  // namespace azblobfs
