// Asks the store what one path is, without listing its parent: get_properties of the blob and
// list_blobs(prefix "<blob>/", max_results 1). A directory wins over a blob of the same name
// (the blob is then reported to SkippedNames, unless it is the directory's hdi_isfolder
// marker). A container root (account mode) exists when listing it succeeds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "blob/blob_store.h"
#include "cache/entry_record.h"
#include "fs/name_mapping.h"
#include "fs/skipped_names.h"

namespace azblobfs {

class EntryProbe {
public:
    EntryProbe(BlobStore& store, SkippedNames& skipped, int64_t mount_start_ns)
        : store_(store), skipped_(skipped), mount_start_ns_(mount_start_ns) {}

    // The record of the path at `loc`, or nullopt when nothing is there.
    Result<std::optional<EntryRecord>> probe(const BlobLocation& loc, int64_t now_ns);

private:
    Result<std::optional<EntryRecord>> probe_container(const std::string& container, int64_t now_ns);

    BlobStore& store_;
    SkippedNames& skipped_;
    const int64_t mount_start_ns_;
};

}  // namespace azblobfs
