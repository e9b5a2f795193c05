// Directory streams: opendir makes sure the listing is current, readdir pages through it.
#include "fs/attributes.h"
#include "fs/filesystem_impl.h"

namespace azblobfs {

// Makes sure `dir` has a listing in the index: re-listed when older than dir_ttl; a stale one
// is kept when the store is offline.
Status FilesystemImpl::ensure_listing(const std::string& dir) {
    int64_t t = now();
    AZB_ASSIGN_OR_RETURN(std::optional<ListedName> listed, index_->listed_name(dir, ""));
    if (listed && fresh(listed->validated_at_ns, options_.dir_ttl_s, t)) return Status::ok();
    Status loaded = loader_.load(dir, t);
    if (loaded.is_ok()) return Status::ok();
    if (is_offline_error(loaded) && listed) {
        offline_.served(dir, loaded);
        return Status::ok();
    }
    return loaded;
}

// The whole listing of `dir`, as ensure_listing leaves it.
Result<DirListing> FilesystemImpl::current_listing(const std::string& dir) {
    if (in_views(dir)) {
        AZB_ASSIGN_OR_RETURN(std::vector<DirChild> children, views_->children(dir));
        return DirListing{std::move(children), now()};
    }
    AZB_RETURN_IF_ERROR(ensure_listing(dir));
    AZB_ASSIGN_OR_RETURN(std::optional<DirListing> listing, index_->listing(dir));
    if (!listing) return Status(Code::kIoError, "listing of " + dir + " was not stored");
    return std::move(*listing);
}

Result<uint64_t> FilesystemImpl::opendir(uint64_t ino) {
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    AZB_ASSIGN_OR_RETURN(EntryRecord record, current_record(path));
    if (record.type != EntryType::kDirectory) return Status(Code::kNotDirectory, path);
    auto handle = std::make_shared<DirHandle>();
    handle->ino = ino;
    handle->path = path;
    if (in_views(path)) {
        AZB_ASSIGN_OR_RETURN(DirListing listing, current_listing(path));
        handle->whole = true;
        handle->children = std::move(listing.children);
    } else {
        AZB_RETURN_IF_ERROR(ensure_listing(path));
        AZB_RETURN_IF_ERROR(read_page(*handle, ""));
    }
    std::lock_guard lock(handles_mu_);
    uint64_t fh = next_fh_++;
    dirs_[fh] = std::move(handle);
    return fh;
}

// Replaces the handle's page with the children after `after` ("" from the first). A listing
// that went away since opendir ends the stream.
Status FilesystemImpl::read_page(DirHandle& dh, const std::string& after) {
    AZB_ASSIGN_OR_RETURN(std::optional<DirListing> page, index_->listing_page(dh.path, after, DirHandle::kPage));
    dh.children = page ? std::move(page->children) : std::vector<DirChild>();
    dh.last_page = dh.children.size() < DirHandle::kPage;
    return Status::ok();
}

Result<std::optional<DirChild>> FilesystemImpl::child_at(DirHandle& dh, uint64_t k) {
    if (dh.whole) {
        if (k >= dh.children.size()) return std::optional<DirChild>();
        return std::optional<DirChild>(dh.children[k]);
    }
    if (k < dh.page_start && !dh.previous.empty() && k >= dh.page_start - dh.previous.size()) {
        dh.page_start -= dh.previous.size();  // one page back: the one kept
        dh.children.swap(dh.previous);
        dh.previous.clear();
        dh.last_page = false;
    } else if (k < dh.page_start) {  // further back (seekdir, rewinddir): start over
        dh.page_start = 0;
        dh.previous.clear();
        AZB_RETURN_IF_ERROR(read_page(dh, ""));
    }
    while (k >= dh.page_start + dh.children.size()) {
        if (dh.last_page || dh.children.empty()) return std::optional<DirChild>();
        std::string after = dh.children.back().name;
        dh.page_start += dh.children.size();
        dh.previous = std::move(dh.children);
        AZB_RETURN_IF_ERROR(read_page(dh, after));
    }
    return std::optional<DirChild>(dh.children[k - dh.page_start]);
}

Result<std::vector<DirEntryPlus>> FilesystemImpl::readdir(uint64_t /*ino*/, uint64_t fh,
                                                          uint64_t offset, size_t max_entries,
                                                          bool plus) {
    std::shared_ptr<DirHandle> dh;
    {
        std::lock_guard lock(handles_mu_);
        auto it = dirs_.find(fh);
        if (it != dirs_.end()) dh = it->second;
    }
    if (!dh) return Status(Code::kInvalidArgument, "unknown directory handle " + std::to_string(fh));
    std::lock_guard lock(dh->mu);
    std::vector<DirEntryPlus> out;
    for (uint64_t pos = offset; out.size() < max_entries; ++pos) {
        std::optional<DirChild> child;
        if (pos >= 2) {
            Result<std::optional<DirChild>> got = child_at(*dh, pos - 2);
            if (!got.is_ok()) {
                if (!out.empty()) break;
                return got.status();
            }
            if (!*got) break;
            child = std::move(*got);
        }
        Result<DirEntryPlus> entry = dir_entry(*dh, pos, child ? &*child : nullptr, plus);
        if (!entry.is_ok()) {
            if (!out.empty()) break;  // return what we have; the caller asks again from here
            return entry.status();
        }
        out.push_back(std::move(entry).value());
    }
    return out;
}

// Entry `position` of the stream: 0 ".", 1 "..", then the children in name order (`child`).
Result<DirEntryPlus> FilesystemImpl::dir_entry(const DirHandle& dh, size_t position, const DirChild* child_ptr,
                                               bool plus) {
    DirEntryPlus e;
    if (position < 2) {
        e.name = position == 0 ? "." : "..";
        std::string path = position == 0 || dh.path.empty() ? dh.path : NameMapping::parent_of(dh.path);
        uint64_t ino = inodes_.find(path).value_or(kRootIno);
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> record, index_->get(path));
        e.entry.attr = make_attributes(ino, record ? *record : root_record(), options_);
        return e;
    }
    const DirChild& child = *child_ptr;
    e.name = child.name;
    std::string path = NameMapping::join(dh.path, child.name);
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> record, index_->get(path));
    if (plus && record) {
        e.entry = positive_reply(path, *record);
        return e;
    }
    if (plus) {  // the record went away since opendir: ask again
        AZB_ASSIGN_OR_RETURN(e.entry, lookup(dh.ino, child.name));
        if (e.entry.attr.ino != 0) return e;
        // Vanished: kept (positions stay stable) as an uncounted entry with inode 0.
        e.entry.attr.st.st_mode = child.type == EntryType::kDirectory ? S_IFDIR
                                  : child.type == EntryType::kSymlink ? S_IFLNK
                                                                      : S_IFREG;
        return e;
    }
    EntryRecord r;
    if (record) {
        r = *record;
    } else {
        r.type = child.type;
    }
    uint64_t ino = inodes_.find(path).value_or(kUnassignedInoBit | r.file_id);
    e.entry.attr = make_attributes(ino, r, options_);
    return e;
}

void FilesystemImpl::releasedir(uint64_t /*ino*/, uint64_t fh) {
    std::lock_guard lock(handles_mu_);
    dirs_.erase(fh);
}

}  // namespace azblobfs
