#include "fs/dir_loader.h"

#include <utility>
#include <vector>

#include "fs/entry_builder.h"

namespace azblobfs {

Status DirLoader::load(const std::string& dir, int64_t now_ns) {
    AZB_ASSIGN_OR_RETURN(bool listed, load_pages(dir, now_ns, false));
    if (!listed) return Status(Code::kInternal, "listing of " + dir + " stopped after one page");
    return Status::ok();
}

Result<bool> DirLoader::load_if_one_page(const std::string& dir, int64_t now_ns) {
    return load_pages(dir, now_ns, true);
}

Result<bool> DirLoader::load_pages(const std::string& dir, int64_t now_ns, bool one_page) {
    BlobLocation loc = names_.locate(dir);
    std::optional<Children> listed;
    if (loc.account_root) {
        AZB_ASSIGN_OR_RETURN(listed, list_containers(now_ns));
    } else {
        AZB_ASSIGN_OR_RETURN(listed, list_blobs(dir, loc, now_ns, one_page));
    }
    if (!listed) return false;
    Children& children = *listed;
    AZB_RETURN_IF_ERROR(carry_over(dir, &children));

    std::vector<std::pair<std::string, EntryRecord>> rows;
    rows.reserve(children.size());
    for (auto& [name, record] : children) rows.emplace_back(name, std::move(record));
    AZB_ASSIGN_OR_RETURN(std::vector<uint64_t> removed, index_.replace_listing(dir, rows, now_ns));
    for (uint64_t file_id : removed) AZB_RETURN_IF_ERROR(gate_.remove(file_id));
    return true;
}

Result<DirLoader::Children> DirLoader::list_containers(int64_t now_ns) {
    AZB_ASSIGN_OR_RETURN(std::vector<std::string> containers, store_.list_containers());
    Children children;
    for (const std::string& c : containers) children[c] = virtual_dir_record(mount_start_ns_, now_ns);
    return children;
}

Result<std::optional<DirLoader::Children>> DirLoader::list_blobs(const std::string& dir, const BlobLocation& loc,
                                                                 int64_t now_ns, bool one_page) {
    ListOptions options;
    options.prefix = NameMapping::child_prefix(loc);
    options.delimiter = std::string(1, '/');  // (GCC 12 -Wrestrict false positive on = "/")
    options.include_metadata = true;
    ListAll all;
    if (one_page) {
        AZB_ASSIGN_OR_RETURN(ListPage page, store_.list_blobs(loc.container, options));
        if (!page.next_marker.empty()) return std::optional<Children>();
        all.blobs = std::move(page.blobs);
        all.prefixes = std::move(page.prefixes);
    } else {
        AZB_ASSIGN_OR_RETURN(all, store_.list_all(loc.container, options));
    }

    Children children;
    for (const std::string& p : all.prefixes) {
        std::string name = p.substr(options.prefix.size(), p.size() - options.prefix.size() - 1);
        if (auto why = NameMapping::unfit_component(name)) {
            skipped_.report(loc.container, p, *why + " (every blob under this prefix is skipped)");
            continue;
        }
        children[name] = virtual_dir_record(mount_start_ns_, now_ns);
    }
    std::optional<BlobProperties> self_marker;
    for (const BlobProperties& blob : all.blobs) {
        add_blob(loc, options.prefix, blob, now_ns, &children, &self_marker);
    }
    if (self_marker) AZB_RETURN_IF_ERROR(record_self_marker(dir, *self_marker, now_ns));
    return std::optional<Children>(std::move(children));
}

void DirLoader::add_blob(const BlobLocation& loc, const std::string& prefix,
                         const BlobProperties& blob, int64_t now_ns, Children* children,
                         std::optional<BlobProperties>* self_marker) {
    std::string name = blob.name.substr(prefix.size());
    if (name.empty()) {
        if (blob.size == 0) {
            *self_marker = blob;
        } else {
            skipped_.report(loc.container, blob.name, "non-empty blob whose name ends in '/'");
        }
        return;
    }
    if (auto why = NameMapping::unfit_component(name)) {
        skipped_.report(loc.container, blob.name, *why);
        return;
    }
    EntryRecord record = record_from_blob(blob, now_ns);
    auto it = children->find(name);
    if (it == children->end()) {
        children->emplace(name, std::move(record));
    } else if (record.type == EntryType::kDirectory) {
        apply_marker(&it->second, blob);  // hdi_isfolder marker of a directory with children
    } else {
        skipped_.report(loc.container, blob.name, "a directory of the same name exists");
    }
}

// Keeps file ids and marker facts of existing records; drops blocks of changed content.
Status DirLoader::carry_over(const std::string& dir, Children* children) {
    for (auto& [name, record] : *children) {
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> old, index_.get(NameMapping::join(dir, name)));
        if (!old) continue;
        record.file_id = old->file_id;
        if (has_content(*old)) {
            if (has_content(record) && old->etag == record.etag) continue;
            // A journaled entry stays as the journal wrote it (replace_listing keeps it), and so
            // do its cached blocks: a listing that sees this mount's own commit before the
            // upload is recorded is not another writer's change.
            AZB_ASSIGN_OR_RETURN(bool pending, index_.pending(NameMapping::join(dir, name)));
            if (pending) continue;
            if (!has_content(record)) {
                AZB_RETURN_IF_ERROR(gate_.remove(old->file_id));
            } else {
                AZB_RETURN_IF_ERROR(gate_.switch_to(old->file_id, old->etag, record.etag));
            }
        } else if (record.type == EntryType::kDirectory && !record.has_marker && old->has_marker) {
            int64_t validated = record.validated_at_ns;
            record = *old;
            record.validated_at_ns = validated;
        }
    }
    return Status::ok();
}

Status DirLoader::record_self_marker(const std::string& dir, const BlobProperties& marker,
                                     int64_t now_ns) {
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> old, index_.get(dir));
    EntryRecord record = old ? *old : virtual_dir_record(mount_start_ns_, now_ns);
    if (record.type != EntryType::kDirectory) return Status::ok();
    if (record.has_marker && record.etag == marker.etag) return Status::ok();
    apply_marker(&record, marker);
    record.validated_at_ns = now_ns;
    return index_.put(dir, std::move(record)).status();
}

}  // namespace azblobfs
