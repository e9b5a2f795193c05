// Extended attributes of an entry (DESIGN §3), read-only for now:
//  - "user.<key>" for every blob metadata key (keys are lowercase; the lookup lowercases the
//    requested key, as Azure treats metadata keys case-insensitively);
//  - for files and symlinks: "user.azure.etag", "user.azure.content_type", "user.azure.tier"
//    (each only when the store reported a value).
// Anything else is NoAttribute.
#pragma once

#include <string>
#include <vector>

#include "cache/entry_record.h"
#include "common/status.h"

namespace azblobfs {

Result<std::string> xattr_value(const EntryRecord& record, const std::string& name);
// The metadata key of a user.* attribute name: the rest of the name, lowercased.
std::string metadata_key(const std::string& xattr_name);

std::vector<std::string> xattr_names(const EntryRecord& record);

}  // namespace azblobfs
