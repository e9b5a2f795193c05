// Directory streams: opendir snapshots the listing, readdir pages through it.
#include "fs/attributes.h"
#include "fs/filesystem_impl.h"

namespace azblobfs {

// The listing of `dir`, re-listed when older than dir_ttl; stale when the store is offline.
Result<DirListing> FilesystemImpl::current_listing(const std::string& dir) {
    int64_t t = now();
    if (in_views(dir)) {
        AZB_ASSIGN_OR_RETURN(std::vector<DirChild> children, views_->children(dir));
        return DirListing{std::move(children), t};
    }
    AZB_ASSIGN_OR_RETURN(std::optional<DirListing> listing, index_->listing(dir));
    if (listing && fresh(listing->validated_at_ns, options_.dir_ttl_s, t)) return *listing;
    Result<DirListing> loaded = loader_.load(dir, t);
    if (loaded.is_ok()) return loaded;
    if (is_offline_error(loaded.status()) && listing) {
        offline_.served(dir, loaded.status());
        return *listing;
    }
    return loaded.status();
}

Result<uint64_t> FilesystemImpl::opendir(uint64_t ino) {
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    AZB_ASSIGN_OR_RETURN(EntryRecord record, current_record(path));
    if (record.type != EntryType::kDirectory) return Status(Code::kNotDirectory, path);
    AZB_ASSIGN_OR_RETURN(DirListing listing, current_listing(path));
    auto handle = std::make_shared<DirHandle>();
    handle->ino = ino;
    handle->path = path;
    handle->children = std::move(listing.children);
    std::lock_guard lock(handles_mu_);
    uint64_t fh = next_fh_++;
    dirs_[fh] = std::move(handle);
    return fh;
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
    std::vector<DirEntryPlus> out;
    uint64_t total = dh->children.size() + 2;
    for (uint64_t pos = offset; pos < total && out.size() < max_entries; ++pos) {
        Result<DirEntryPlus> entry = dir_entry(*dh, pos, plus);
        if (!entry.is_ok()) {
            if (!out.empty()) break;  // return what we have; the caller asks again from here
            return entry.status();
        }
        out.push_back(std::move(entry).value());
    }
    return out;
}

// Entry `position` of the stream: 0 ".", 1 "..", then the snapshot's children in name order.
Result<DirEntryPlus> FilesystemImpl::dir_entry(const DirHandle& dh, size_t position, bool plus) {
    DirEntryPlus e;
    if (position < 2) {
        e.name = position == 0 ? "." : "..";
        std::string path = position == 0 || dh.path.empty() ? dh.path : NameMapping::parent_of(dh.path);
        uint64_t ino = inodes_.find(path).value_or(kRootIno);
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> record, index_->get(path));
        e.entry.attr = make_attributes(ino, record ? *record : root_record(), options_);
        return e;
    }
    const DirChild& child = dh.children[position - 2];
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
