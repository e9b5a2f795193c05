#include "fs/entry_builder.h"

#include <cctype>

#include "fs/rfc3339.h"

namespace azblobfs {

namespace {

constexpr int64_t kNsPerSecond = 1000000000LL;

int64_t mtime_of(const BlobProperties& props) {
    auto it = props.metadata.find(kMtimeKey);
    if (it != props.metadata.end()) {
        if (auto ns = parse_rfc3339_ns(it->second)) return *ns;
    }
    return props.last_modified * kNsPerSecond;
}

}  // namespace

bool metadata_flag(const Metadata& metadata, const std::string& key) {
    auto it = metadata.find(key);
    if (it == metadata.end() || it->second.size() != 4) return false;
    std::string lower;
    for (char c : it->second) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower == "true";
}

EntryRecord record_from_blob(const BlobProperties& props, int64_t now_ns) {
    EntryRecord r;
    if (metadata_flag(props.metadata, kFolderKey)) {
        r.type = EntryType::kDirectory;
        apply_marker(&r, props);
    } else {
        r.type = metadata_flag(props.metadata, kSymlinkKey) ? EntryType::kSymlink : EntryType::kFile;
        r.size = props.size;
        r.mtime_ns = mtime_of(props);
        r.ctime_ns = props.last_modified * kNsPerSecond;
        r.etag = props.etag;
        r.content_type = props.content_type;
        r.tier = props.tier;
        r.metadata = props.metadata;
    }
    r.validated_at_ns = now_ns;
    return r;
}

EntryRecord virtual_dir_record(int64_t mount_start_ns, int64_t now_ns) {
    EntryRecord r;
    r.type = EntryType::kDirectory;
    r.mtime_ns = mount_start_ns;
    r.validated_at_ns = now_ns;
    return r;
}

void apply_marker(EntryRecord* dir, const BlobProperties& marker) {
    dir->type = EntryType::kDirectory;
    dir->size = 0;
    dir->has_marker = true;
    dir->mtime_ns = mtime_of(marker);
    dir->ctime_ns = marker.last_modified * kNsPerSecond;
    dir->etag = marker.etag;
    dir->content_type = marker.content_type;
    dir->tier = marker.tier;
    dir->metadata = marker.metadata;
}

}  // namespace azblobfs
