// Namespace changes: mkdir, symlink, unlink, rmdir, rename (DESIGN §3, §5).
#include <linux/fs.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "fs/entry_builder.h"
#include "fs/filesystem_impl.h"

namespace azblobfs {

namespace {
constexpr uint64_t kB = BlockCache::kBlockSize;
}  // namespace

Result<EntryReply> FilesystemImpl::mkdir(uint64_t parent, const std::string& name, mode_t mode) {
    AZB_ASSIGN_OR_RETURN(std::string path, new_child_path(parent, name));
    {
        auto lock = locks_->lock(path);
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> there, existing(path));
        if (there) return Status(Code::kAlreadyExists, path + " exists");
        AZB_ASSIGN_OR_RETURN(EntryRecord dir, current_record(NameMapping::parent_of(path)));
        if (dir.type != EntryType::kDirectory) return Status(Code::kNotDirectory, NameMapping::parent_of(path));
        AZB_RETURN_IF_ERROR(make_dir_local(path, mode, std::nullopt));
    }
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> record, index_->get(path));
    if (!record) return Status(Code::kIoError, "new directory " + path + " has no index entry");
    return positive_reply(path, *record);
}

Result<EntryReply> FilesystemImpl::symlink(const std::string& target, uint64_t parent,
                                           const std::string& name) {
    AZB_ASSIGN_OR_RETURN(std::string path, new_child_path(parent, name));
    if (target.empty() || target.size() > kB) return Status(Code::kInvalidArgument, "symlink target size");
    {
        auto lock = locks_->lock(path);
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> there, existing(path));
        if (there) return Status(Code::kAlreadyExists, path + " exists");
        AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
        AZB_ASSIGN_OR_RETURN(LocalState s, make_local(path, EntryType::kSymlink, 0777, j));
        s.record.size = target.size();
        touch(&s, now(), true);
        JournalBatch b;
        b.put_blocks.push_back({s.record.content_id, 0, target});
        AZB_RETURN_IF_ERROR(save_local(path, s, std::move(b)));
    }
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> record, index_->get(path));
    if (!record) return Status(Code::kIoError, "new symlink " + path + " has no index entry");
    return positive_reply(path, *record);
}

// Removes `path` locally and journals the removal of its blob (caller holds the lock). A blob
// that never reached the store just loses its record. A directory always leaves a kDelete
// record (a tombstone): it hides the directory from re-listings until every pending change
// below it is uploaded, and deletes its marker when it has one.
Status FilesystemImpl::remove_local(const std::string& path, const EntryRecord& entry,
                                    const std::optional<JournalRecord>& record) {
    JournalBatch b;
    b.remove_entries.push_back(path);
    b.drop_records.push_back(path);
    JournalRecord del = record ? *record : record_for(path, entry);
    del.source_path.clear();
    del.source_blob.clear();
    bool dir = entry.type == EntryType::kDirectory;
    bool remote = dir || (record ? record->expect_exists : true);
    if (remote) {
        del.kind = JournalKind::kDelete;
        del.type = entry.type;
        del.content_id = 0;
        if (dir && !record) del.expect_exists = entry.has_marker;
        del.modified_ns = now();
        b.put_records.emplace_back(path, del);
    }
    AZB_RETURN_IF_ERROR(cache_->apply(b).status());
    if (entry.type != EntryType::kDirectory) AZB_RETURN_IF_ERROR(gate_.remove(entry.file_id));
    negatives_.remember(path, now());
    if (remote) flusher_->schedule(path);
    return Status::ok();
}

Status FilesystemImpl::unlink(uint64_t parent, const std::string& name) {
    AZB_RETURN_IF_ERROR(writable());
    AZB_ASSIGN_OR_RETURN(std::string dir, path_of(parent));
    std::string path = NameMapping::join(dir, name);
    AZB_RETURN_IF_ERROR(outside_views(path));
    AZB_RETURN_IF_ERROR(finish_resumed(path));
    {
        auto lock = locks_->lock(path);
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> entry, existing(path));
        if (!entry) return Status(Code::kNotFound, path + " does not exist");
        if (entry->type == EntryType::kDirectory) return Status(Code::kIsDirectory, path);
        AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
        AZB_RETURN_IF_ERROR(remove_local(path, *entry, j));
    }
    return keep_parent(path);
}

// `path` left its directory. A directory that exists only because of blobs below it (no marker)
// would vanish from the store with its last blob, so an emptied one gets a marker.
Status FilesystemImpl::keep_parent(const std::string& path) {
    std::string parent = NameMapping::parent_of(path);
    if (names_.locate(parent).blob.empty()) return Status::ok();
    auto lock = locks_->lock(parent);
    AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(parent));
    if (j) return Status::ok();
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> entry, index_->get(parent));
    if (!entry || entry->type != EntryType::kDirectory || entry->has_marker) return Status::ok();
    AZB_ASSIGN_OR_RETURN(DirListing listing, current_listing(parent));
    if (!listing.children.empty()) return Status::ok();
    AZB_ASSIGN_OR_RETURN(LocalState s, make_local(parent, EntryType::kDirectory, options_.dir_mode, std::nullopt));
    s.entry.mtime_ns = entry->mtime_ns;
    touch(&s, now(), false);
    return save_local(parent, s, {});
}

Status FilesystemImpl::rmdir(uint64_t parent, const std::string& name) {
    AZB_RETURN_IF_ERROR(writable());
    AZB_ASSIGN_OR_RETURN(std::string dir, path_of(parent));
    std::string path = NameMapping::join(dir, name);
    AZB_RETURN_IF_ERROR(outside_views(path));
    if (names_.locate(path).blob.empty()) return Status(Code::kNotPermitted, "removing a container: " + path);
    auto lock = locks_->lock(path);
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> entry, existing(path));
    if (!entry) return Status(Code::kNotFound, path + " does not exist");
    if (entry->type != EntryType::kDirectory) return Status(Code::kNotDirectory, path);
    AZB_ASSIGN_OR_RETURN(DirListing listing, current_listing(path));
    if (!listing.children.empty()) return Status(Code::kNotEmpty, path + " is not empty");
    AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
    AZB_RETURN_IF_ERROR(remove_local(path, *entry, j));
    lock.unlock();
    return keep_parent(path);
}

// Makes every block of the local content dirty, so the content no longer needs the blob it came
// from (a rename moves it to another blob).
Status FilesystemImpl::materialize(const std::string& path, LocalState* s, JournalBatch* batch) {
    JournalRecord& r = s->record;
    if (r.underlay_etag.empty()) return Status::ok();
    AZB_ASSIGN_OR_RETURN(std::vector<uint64_t> dirty, journal_->block_indices(r.content_id));
    for (uint64_t i = 0; i * kB < std::min(r.size, r.underlay_size); ++i) {
        if (std::binary_search(dirty.begin(), dirty.end(), i)) continue;
        AZB_ASSIGN_OR_RETURN(std::string block, local_block(path, r, s->entry, i));
        batch->put_blocks.push_back({r.content_id, i, std::move(block)});
    }
    r.underlay_etag.clear();
    r.underlay_size = 0;
    r.base_size = 0;
    r.source_path.clear();
    r.source_blob.clear();
    return Status::ok();
}

Status FilesystemImpl::rename(uint64_t parent, const std::string& name, uint64_t new_parent,
                              const std::string& new_name, unsigned int flags) {
    AZB_RETURN_IF_ERROR(writable());
    if ((flags & RENAME_EXCHANGE) != 0) return Status(Code::kNotSupported, "RENAME_EXCHANGE");
    AZB_ASSIGN_OR_RETURN(std::string dir, path_of(parent));
    std::string from = NameMapping::join(dir, name);
    AZB_RETURN_IF_ERROR(outside_views(from));
    AZB_ASSIGN_OR_RETURN(std::string to, new_child_path(new_parent, new_name));
    if (from == to) return Status::ok();
    if (names_.locate(from).container != names_.locate(to).container) {
        return Status(Code::kCrossDevice, "rename of " + from + " to " + to + " crosses containers");
    }
    if (names_.locate(from).blob.empty()) return Status(Code::kNotPermitted, "renaming a container");
    if (to.size() > from.size() && to.compare(0, from.size() + 1, from + "/") == 0) {
        return Status(Code::kInvalidArgument, "cannot move " + from + " into itself");
    }
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> src, existing(from));
    if (!src) return Status(Code::kNotFound, from + " does not exist");
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> dst, existing(to));
    if (dst && (flags & RENAME_NOREPLACE) != 0) return Status(Code::kAlreadyExists, to + " exists");
    if (src->type == EntryType::kDirectory) {
        if (dst && dst->type != EntryType::kDirectory) return Status(Code::kNotDirectory, to);
        if (dst) {
            AZB_ASSIGN_OR_RETURN(DirListing listing, current_listing(to));
            if (!listing.children.empty()) return Status(Code::kNotEmpty, to + " is not empty");
        }
        AZB_RETURN_IF_ERROR(move_dir(from, to));
    } else {
        if (dst && dst->type == EntryType::kDirectory) return Status(Code::kIsDirectory, to);
        AZB_RETURN_IF_ERROR(rename_file(from, to));
        index_sidecar(to);
    }
    inodes_.rename(from, to);
    negatives_.forget(to);
    negatives_.remember(from, now());
    // move_dir already kept the parent, inside the journaled part of the rename.
    return src->type == EntryType::kDirectory ? Status::ok() : keep_parent(from);
}

// The commit condition of content that replaces whatever `to` holds in the store: a pending
// delete there still has its blob (caller holds the lock of `to`).
Result<Conditions> FilesystemImpl::replace_conditions(const std::string& to,
                                                      const std::optional<LocalState>& dst) {
    AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> dst_j, journal_->get(to));
    if (dst_j) return commit_conditions(*dst_j);
    if (dst) return commit_conditions(dst->record);
    Conditions create_only;
    create_only.if_none_match_any = true;
    return create_only;
}

// A file (or symlink) moves to `to`, replacing what is there. Only the journal changes: the
// record at `to` takes the content, with the blob `from` had as its source (the upload is a
// server-side copy when no byte changed), and `from` gets a kDelete, which waits until that copy
// is committed (DESIGN §5). When `to` is itself the source of pending records, the content is
// copied into dirty blocks instead, so sources never form a cycle (journal.h).
Status FilesystemImpl::rename_file(const std::string& from, const std::string& to) {
    AZB_RETURN_IF_ERROR(finish_resumed(from));
    AZB_RETURN_IF_ERROR(finish_resumed(to));
    auto locks = locks_->lock_pair(from, to);
    AZB_ASSIGN_OR_RETURN(std::optional<LocalState> src, local_state(from));
    if (!src) return Status(Code::kNotFound, from + " does not exist");
    if (src->entry.tier == "Archive" && !src->record.underlay_etag.empty()) {
        // Azure refuses to copy an archived blob: fail now, not in the background upload.
        return Status(Code::kArchived, "blob of " + from + " is in the Archive tier; rehydrate it "
                                       "(set user.azure.tier to Hot) before renaming it");
    }
    AZB_ASSIGN_OR_RETURN(std::optional<LocalState> dst, local_state(to));
    AZB_ASSIGN_OR_RETURN(Conditions target, replace_conditions(to, dst));
    JournalBatch b;
    AZB_ASSIGN_OR_RETURN(std::vector<std::string> copying_to, journal_->dependents(to));
    std::erase(copying_to, from);  // dropped by this very rename
    JournalRecord& r = src->record;
    if (!copying_to.empty()) {
        AZB_RETURN_IF_ERROR(materialize(from, &*src, &b));
    } else if (!r.underlay_etag.empty() && r.source_path.empty()) {
        r.source_path = from;
        r.source_blob = names_.locate(from).blob;
    }
    if (r.source_path == to) {  // the content goes back to the blob it came from
        r.source_path.clear();
        r.source_blob.clear();
    }
    JournalRecord moved = r;
    BlobLocation loc = names_.locate(to);
    moved.container = loc.container;
    moved.blob = loc.blob;
    moved.expect_exists = !target.if_none_match_any;
    moved.expect_etag = target.if_match.value_or("");
    moved.content_dirty = true;
    moved.generation++;
    moved.modified_ns = now();
    EntryRecord entry = src->entry;
    entry.file_id = 0;  // a fresh id: no cached blocks belong to it
    entry.etag.clear();
    b.drop_records = {from, to};
    b.remove_entries = {from, to};
    b.put_records.emplace_back(to, moved);
    if (r.expect_exists) {
        JournalRecord del = r;
        del.kind = JournalKind::kDelete;
        del.content_id = 0;
        del.source_path.clear();
        del.source_blob.clear();
        b.put_records.emplace_back(from, del);
    }
    b.put_entries.emplace_back(to, entry);
    AZB_RETURN_IF_ERROR(cache_->apply(b).status());
    if (dst && dst->entry.type != EntryType::kDirectory) (void)gate_.remove(dst->entry.file_id);
    (void)gate_.remove(src->entry.file_id);
    follow_rename(from);
    flusher_->schedule(to);
    if (r.expect_exists) flusher_->schedule(from);
    return Status::ok();
}

// Open handles of the file renamed away from `from` read and write its content at the new name
// (through the journal, then the index): the version they opened was this mount's own.
void FilesystemImpl::follow_rename(const std::string& from) {
    std::optional<uint64_t> ino = inodes_.find(from);
    if (!ino) return;
    std::lock_guard lock(handles_mu_);
    for (auto& [fh, h] : files_) {
        if (h->ino != *ino) continue;
        std::lock_guard hl(h->mu);
        h->local = true;
        h->version.etag.clear();
    }
}

// A directory rename is begun in the journal before its first child moves and ended after the
// last, so a mount that stops in between (a crash) finishes it when it starts again.
Status FilesystemImpl::move_dir(const std::string& from, const std::string& to) {
    JournalBatch begin;
    begin.begin_dir_renames.emplace_back(from, to);
    AZB_RETURN_IF_ERROR(cache_->apply(begin).status());
    Status st = move_dir_children(from, to);
    if (!st.is_ok()) {
        spdlog::error("rename of directory {} to {} failed: {}; what was moved before the failure "
                      "is under {}, the rest is still under {}", from, to, st.to_string(), to, from);
    }
    JournalBatch end;
    end.end_dir_renames.push_back(from);
    Status ended = cache_->apply(end).status();
    return st.is_ok() ? ended : st;
}

// The part of a directory rename its journal entry covers: every child moved, `from` removed,
// and a marker for the parent of `from` if it existed only through `from` (keep_parent).
Status FilesystemImpl::move_dir_children(const std::string& from, const std::string& to) {
    AZB_RETURN_IF_ERROR(rename_dir(from, to));
    return keep_parent(from);
}

// The rest of a directory rename the previous mount began. Without `from` every child has
// moved; the parent's marker may still be missing.
Status FilesystemImpl::finish_dir_rename(const std::string& from, const std::string& to) {
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> there, existing(from));
    if (there) return move_dir_children(from, to);
    return keep_parent(from);
}

// Finishes the directory renames the previous mount began and did not end. One that cannot
// finish for want of the store is left for the next mount; any other failure ends it.
void FilesystemImpl::resume_dir_renames() {
    auto renames = journal_->dir_renames();
    if (!renames.is_ok()) {
        spdlog::error("cannot read the unfinished directory renames: {}", renames.status().to_string());
        return;
    }
    for (const auto& [from, to] : *renames) {
        spdlog::warn("finishing the rename of directory {} to {} that the previous mount did not "
                     "finish", from, to);
        Status st = finish_dir_rename(from, to);
        if (st.code() == Code::kUnavailable) {
            spdlog::warn("rename of directory {} to {} is still unfinished: {}; the next mount tries "
                         "again", from, to, st.to_string());
            continue;
        }
        if (!st.is_ok()) {
            spdlog::error("rename of directory {} to {} could not be finished: {}; what was not "
                          "moved stays under {}", from, to, st.to_string(), from);
        }
        JournalBatch end;
        end.end_dir_renames.push_back(from);
        Status ended = cache_->apply(end).status();
        if (!ended.is_ok()) {
            spdlog::error("rename of directory {} to {} stays recorded as unfinished: {}", from, to,
                          ended.to_string());
        }
    }
}

// A directory moves blob by blob: the new directory is made, every child is renamed into it
// (recursively, each a journaled file rename), and the old directory gets a tombstone. All of it
// is in the journal when rename returns, so it shows at once and a crash resumes it.
Status FilesystemImpl::rename_dir(const std::string& from, const std::string& to) {
    AZB_ASSIGN_OR_RETURN(DirListing listing, current_listing(from));
    AZB_ASSIGN_OR_RETURN(EntryRecord src, current_record(from));
    {
        auto lock = locks_->lock(to);
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> there, existing(to));
        if (!there) AZB_RETURN_IF_ERROR(make_dir_local(to, options_.dir_mode, src.mtime_ns));
    }
    for (const DirChild& child : listing.children) {
        std::string a = NameMapping::join(from, child.name);
        std::string z = NameMapping::join(to, child.name);
        Status st = child.type == EntryType::kDirectory ? rename_dir(a, z) : rename_file(a, z);
        if (!st.is_ok()) return st;
        if (child.type != EntryType::kDirectory) index_sidecar(z);
    }
    auto lock = locks_->lock(from);
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> entry, existing(from));
    if (!entry) return Status::ok();
    AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(from));
    return remove_local(from, *entry, j);
}

}  // namespace azblobfs
