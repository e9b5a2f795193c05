#include "fs/fake_metadata_index.h"

#include <set>

namespace azblobfs::testing {

namespace {
std::string child_path(const std::string& dir, const std::string& name) {
    return dir.empty() ? name : dir + "/" + name;
}
}  // namespace

Result<std::optional<EntryRecord>> FakeMetadataIndex::get(const std::string& path) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(path);
    if (it == entries_.end()) return std::optional<EntryRecord>();
    return std::optional<EntryRecord>(it->second);
}

EntryRecord FakeMetadataIndex::put_locked(const std::string& path, EntryRecord record) {
    auto it = entries_.find(path);
    if (it != entries_.end() && it->second.file_id != 0) {
        record.file_id = it->second.file_id;
    } else if (record.file_id == 0) {
        record.file_id = next_file_id_++;
    }
    entries_[path] = record;
    return record;
}

Result<EntryRecord> FakeMetadataIndex::put(const std::string& path, EntryRecord record) {
    std::lock_guard lock(mu_);
    return put_locked(path, std::move(record));
}

Result<uint64_t> FakeMetadataIndex::remove(const std::string& path) {
    std::lock_guard lock(mu_);
    listings_.erase(path);
    auto it = entries_.find(path);
    if (it == entries_.end()) return uint64_t{0};
    uint64_t id = it->second.file_id;
    entries_.erase(it);
    return id;
}

Result<std::vector<std::pair<std::string, std::string>>> FakeMetadataIndex::files_with_prefix(
    const std::string& prefix) {
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [path, rec] : entries_) {
        if (rec.type == EntryType::kFile && path.compare(0, prefix.size(), prefix) == 0) out.emplace_back(path, rec.etag);
    }
    return out;
}

Result<bool> FakeMetadataIndex::remove_if_unchanged(const std::string& path, const std::string& etag,
                                                    int64_t validated_before_ns) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(path);
    if (it == entries_.end() || it->second.type != EntryType::kFile || it->second.etag != etag ||
        it->second.validated_at_ns >= validated_before_ns) {
        return false;
    }
    entries_.erase(it);
    return true;
}

Result<std::optional<ListedName>> FakeMetadataIndex::listed_name(const std::string& dir, const std::string& name) {
    std::lock_guard lock(mu_);
    auto it = listings_.find(dir);
    if (it == listings_.end()) return std::optional<ListedName>();
    ListedName out;
    out.validated_at_ns = it->second.validated_at_ns;
    for (const DirChild& c : it->second.children) out.listed = out.listed || c.name == name;
    return std::optional<ListedName>(out);
}

Result<std::optional<DirListing>> FakeMetadataIndex::listing_page(const std::string& dir, const std::string& after,
                                                                  size_t max) {
    std::lock_guard lock(mu_);
    auto it = listings_.find(dir);
    if (it == listings_.end()) return std::optional<DirListing>();
    DirListing out;
    out.validated_at_ns = it->second.validated_at_ns;
    for (const DirChild& c : it->second.children) {
        if ((after.empty() || c.name > after) && out.children.size() < max) out.children.push_back(c);
    }
    return std::optional<DirListing>(std::move(out));
}

Result<std::optional<DirListing>> FakeMetadataIndex::listing(const std::string& dir) {
    std::lock_guard lock(mu_);
    auto it = listings_.find(dir);
    if (it == listings_.end()) return std::optional<DirListing>();
    return std::optional<DirListing>(it->second);
}

void FakeMetadataIndex::remove_tree_locked(const std::string& path, std::vector<uint64_t>* removed) {
    auto it = entries_.find(path);
    if (it != entries_.end()) {
        if (it->second.type != EntryType::kDirectory && it->second.file_id != 0) {
            removed->push_back(it->second.file_id);
        }
        entries_.erase(it);
    }
    auto listed = listings_.find(path);
    if (listed == listings_.end()) return;
    DirListing l = listed->second;
    listings_.erase(listed);
    for (const DirChild& c : l.children) remove_tree_locked(child_path(path, c.name), removed);
}

Result<std::vector<uint64_t>> FakeMetadataIndex::replace_listing(
    const std::string& dir, const std::vector<std::pair<std::string, EntryRecord>>& children,
    int64_t validated_at_ns) {
    std::lock_guard lock(mu_);
    std::vector<uint64_t> removed;
    std::set<std::string> now;
    for (const auto& [name, record] : children) now.insert(name);
    auto old = listings_.find(dir);
    if (old != listings_.end()) {
        for (const DirChild& c : old->second.children) {
            if (!now.count(c.name)) remove_tree_locked(child_path(dir, c.name), &removed);
        }
    }
    DirListing listing;
    listing.validated_at_ns = validated_at_ns;
    for (const auto& [name, record] : children) {
        put_locked(child_path(dir, name), record);
        listing.children.push_back(DirChild{name, record.type});
    }
    listings_[dir] = std::move(listing);
    return removed;
}

Result<IndexStats> FakeMetadataIndex::stats() {
    std::lock_guard lock(mu_);
    return IndexStats{entries_.size(), listings_.size()};
}

}  // namespace azblobfs::testing
