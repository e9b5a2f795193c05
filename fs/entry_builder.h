// How one blob (or a virtual directory) becomes an EntryRecord (DESIGN §3):
//  - metadata hdi_isfolder=true (value compared case-insensitively): a directory backed by a
//    marker blob; is_symlink=true: a symlink whose target is the blob's content.
//  - mtime_ns: metadata "mtime" (RFC 3339, up to nanoseconds) when present and parsable, else
//    Last-Modified. ctime_ns: Last-Modified.
//  - A virtual directory (a prefix with no marker) has mtime_ns = the mount start time and
//    ctime_ns = 0; stat reports its ctime as its mtime.
#pragma once

#include <cstdint>
#include <string>

#include "blob/blob_store.h"
#include "cache/entry_record.h"

namespace azblobfs {

inline constexpr const char* kFolderKey = "hdi_isfolder";
inline constexpr const char* kSymlinkKey = "is_symlink";
inline constexpr const char* kMtimeKey = "mtime";
inline constexpr const char* kModeKey = "mode";  // permission bits, octal (chmod)

// True when metadata[key] is "true" in any letter case.
bool metadata_flag(const Metadata& metadata, const std::string& key);

EntryRecord record_from_blob(const BlobProperties& props, int64_t now_ns);
EntryRecord virtual_dir_record(int64_t mount_start_ns, int64_t now_ns);

// Makes `dir` a directory backed by `marker`: has_marker, times, ETag, metadata of the marker.
void apply_marker(EntryRecord* dir, const BlobProperties& marker);

}  // namespace azblobfs
