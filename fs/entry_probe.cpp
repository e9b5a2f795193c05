#include "fs/entry_probe.h"

#include "fs/entry_builder.h"

namespace azblobfs {

namespace {

// Codes that mean "there is nothing by this name" rather than a failure.
bool means_absent(const Status& s) {
    return s.code() == Code::kNotFound || s.code() == Code::kInvalidName;
}

}  // namespace

Result<std::optional<EntryRecord>> EntryProbe::probe_container(const std::string& container,
                                                               int64_t now_ns) {
    ListOptions options;
    options.max_results = 1;
    Result<ListPage> page = store_.list_blobs(container, options);
    if (!page.is_ok()) {
        if (means_absent(page.status())) return std::optional<EntryRecord>();
        return page.status();
    }
    return std::optional<EntryRecord>(virtual_dir_record(mount_start_ns_, now_ns));
}

Result<std::optional<EntryRecord>> EntryProbe::probe(const BlobLocation& loc, int64_t now_ns) {
    if (loc.blob.empty()) return probe_container(loc.container, now_ns);

    Result<BlobProperties> props = store_.get_properties(loc.container, loc.blob);
    if (!props.is_ok() && !means_absent(props.status())) return props.status();

    ListOptions options;
    options.prefix = NameMapping::child_prefix(loc);
    options.delimiter = std::string(1, '/');  // (GCC 12 -Wrestrict false positive on = "/")
    options.max_results = 1;
    options.include_metadata = true;
    Result<ListPage> page = store_.list_blobs(loc.container, options);
    if (!page.is_ok() && !means_absent(page.status())) return page.status();

    bool is_dir = page.is_ok() && (!page->blobs.empty() || !page->prefixes.empty());
    if (!is_dir) {
        if (!props.is_ok()) return std::optional<EntryRecord>();
        return std::optional<EntryRecord>(record_from_blob(*props, now_ns));
    }
    EntryRecord dir = virtual_dir_record(mount_start_ns_, now_ns);
    if (!page->blobs.empty() && page->blobs[0].name == options.prefix && page->blobs[0].size == 0) {
        apply_marker(&dir, page->blobs[0]);
    }
    if (props.is_ok()) {
        if (metadata_flag(props->metadata, kFolderKey)) {
            apply_marker(&dir, *props);
        } else {
            skipped_.report(loc.container, loc.blob, "a directory of the same name exists");
        }
    }
    return std::optional<EntryRecord>(std::move(dir));
}

}  // namespace azblobfs
