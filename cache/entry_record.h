// What the metadata index remembers about one path of the mounted tree.
//
// Paths are relative to the mount root, '/'-separated, without a leading or trailing '/':
//   ""                                   the mount root
//   "digital-twins"                      a container (account mode) or a top-level directory
//   "digital-twins/2025/01/09/x.md"      account mode: container + '/' + blob name
// In single-container mode the container is not part of the path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "blob/blob_store.h"

namespace azblobfs {

enum class EntryType : uint8_t { kFile = 1, kDirectory = 2, kSymlink = 3 };

struct EntryRecord {
    EntryType type = EntryType::kFile;
    uint64_t size = 0;                // bytes of the blob (0 for directories)
    int64_t mtime_ns = 0;             // metadata "mtime" when present, else Last-Modified
    int64_t ctime_ns = 0;             // Last-Modified of the blob (0 for virtual directories)
    std::string etag;                 // empty for virtual directories
    std::string content_type;
    std::string tier;
    Metadata metadata;                // user metadata, x-ms-meta-* with lowercase keys
    bool has_marker = false;          // directory backed by a marker blob (hdi_isfolder / "dir/")
    uint64_t file_id = 0;             // stable id of this path in the index; keys its blocks.
                                      // Assigned by MetadataIndex::put when 0; kept across puts.
    int64_t validated_at_ns = 0;      // wall-clock time the store last confirmed this record
};

struct DirChild {
    std::string name;                 // one path component
    EntryType type = EntryType::kFile;
};

// What a listing says of one name (MetadataIndex::listed_name).
struct ListedName {
    int64_t validated_at_ns = 0;  // when the directory was last listed completely
    bool listed = false;          // the name is in that listing
};

struct DirListing {
    std::vector<DirChild> children;   // in name order
    int64_t validated_at_ns = 0;      // when the directory was last listed completely
};

}  // namespace azblobfs
