// What the core does with the sidecar index (cache/sidecar_index.h): a sidecar written or
// renamed through the mount is indexed from its local content at close or rename (its
// committed version is queued again by the commit, a new ETag, and read by the refresher);
// and the read-only .views tree (fs/view_tree.h) is served from it.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "fs/entry_builder.h"

#include "fs/filesystem_impl.h"

namespace azblobfs {

void FilesystemImpl::index_sidecar(const std::string& path) {
    if (!sidecars_ || !wb_.journal || !sidecars_->rules().is_sidecar(path)) return;
    auto lock = wb_.locks->lock(path);
    auto record = wb_.journal->get(path);
    if (!record.is_ok() || !record->has_value() || (*record)->kind != JournalKind::kUpload) return;
    const JournalRecord& r = **record;
    if (r.type != EntryType::kFile) return;
    auto entry = index_->get(path);
    if (!entry.is_ok() || !entry->has_value()) return;
    const uint64_t limit = sidecars_->rules().max_sidecar_bytes;
    std::variant<std::vector<index::Field>, index::SidecarSkip> fields =
        index::SidecarSkip{"size " + std::to_string(r.size) + " bytes is over the limit of " +
                           std::to_string(limit)};
    if (r.size <= limit) {
        auto content = read_local(path, r, **entry, 0, r.size);
        if (!content.is_ok()) {
            spdlog::warn("sidecar index: cannot read {} to index it: {}", path, content.status().to_string());
            return;
        }
        fields = index::flatten_sidecar(*content, limit);
    }
    Status st = sidecars_->index_local(path, fields);
    if (!st.is_ok()) spdlog::warn("sidecar index: cannot index {}: {}", path, st.to_string());
}

bool FilesystemImpl::in_views(const std::string& path) const {
    return views_.has_value() && ViewTree::is_view_path(path);
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
