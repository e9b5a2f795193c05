// What the core does with the sidecar index (cache/sidecar_index.h): a sidecar written or
// renamed through the mount is indexed from its local content at close or rename (its
// committed version is queued again by the commit, a new ETag, and read by the refresher);
// and the read-only .views tree (fs/view_tree.h) is served from it.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "fs/entry_builder.h"

#include "fs/filesystem_impl.h"

namespace azblobfs {

// The local content of sidecar `path`, flattened; nullopt when it has none to index.
std::optional<std::variant<std::vector<index::Field>, index::SidecarSkip>> FilesystemImpl::local_sidecar(
    const std::string& path) {
    auto record = journal_->get(path);
    if (!record.is_ok() || !record->has_value() || (*record)->kind != JournalKind::kUpload) return std::nullopt;
    const JournalRecord& r = **record;
    if (r.type != EntryType::kFile) return std::nullopt;
    auto entry = index_->get(path);
    if (!entry.is_ok() || !entry->has_value()) return std::nullopt;
    const uint64_t limit = sidecars_->rules().max_sidecar_bytes;
    if (r.size > limit) return index::SidecarSkip{index::over_limit_reason(r.size, limit)};
    auto content = read_local(path, r, **entry, 0, r.size);
    if (!content.is_ok()) {
        spdlog::warn("sidecar index: cannot read {} to index it: {}", path, content.status().to_string());
        return std::nullopt;
    }
    return index::flatten_sidecar(*content, limit);
}

void FilesystemImpl::index_sidecar(const std::string& path) {
    if (!sidecars_ || !journal_ || !sidecars_->rules().is_sidecar(path)) return;
    // A first read without the lock fetches what the content needs of its underlay (no lock is
    // held across network I/O); the read under the lock then finds those blocks cached.
    if (!local_sidecar(path)) return;
    auto lock = locks_->lock(path);
    auto fields = local_sidecar(path);
    if (!fields) return;
    Status st = sidecars_->index_local(path, *fields);
    if (!st.is_ok()) spdlog::warn("sidecar index: cannot index {}: {}", path, st.to_string());
}

bool FilesystemImpl::in_views(const std::string& path) const {
    return views_.has_value() && ViewTree::is_view_path(path);
}

Status FilesystemImpl::outside_views(const std::string& path) const {
    if (!in_views(path)) return Status::ok();
    return Status(Code::kReadOnly, path + " is in the read-only .views tree");
}

Result<EntryRecord> FilesystemImpl::view_record(const std::string& path) {
    AZB_ASSIGN_OR_RETURN(std::optional<ViewTree::Node> node, views_->resolve(path));
    if (!node) return Status(Code::kNotFound, path + " names nothing in .views");
    EntryRecord r = virtual_dir_record(mount_start_ns_, now());
    if (node->type == EntryType::kSymlink) {
        r.type = EntryType::kSymlink;
        r.size = node->target.size();
        r.ctime_ns = mount_start_ns_;
    }
    return r;
}

Result<EntryReply> FilesystemImpl::view_lookup(const std::string& path) {
    Result<EntryRecord> record = view_record(path);
    if (!record.is_ok() && record.status().code() == Code::kNotFound) return negative_reply();
    if (!record.is_ok()) return record.status();
    return positive_reply(path, *record);
}

Result<std::string> FilesystemImpl::view_target(const std::string& path) {
    AZB_ASSIGN_OR_RETURN(std::optional<ViewTree::Node> node, views_->resolve(path));
    if (!node || node->type != EntryType::kSymlink) return Status(Code::kInvalidArgument, path + " is not a symbolic link");
    return node->target;
}

}  // namespace azblobfs
