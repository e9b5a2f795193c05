// The JSON sidecar of one blob in the local-directory store: everything but the bytes.
//
// {"name": blob name, "etag": quoted ETag, "last_modified": seconds, "content_type": ...,
//  "content_md5": base64 or "", "tier": ..., "metadata": {key: value},
//  "data_file": file name of the bytes (in the same directory), "size": bytes,
//  "blocks": [{"id": base64 of the raw id, "offset": n, "length": n}]}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "blob/blob_store.h"
#include "blob/store_rules.h"

namespace azblobfs {

struct LocalBlobRecord {
    BlobProperties props;
    std::vector<CommittedBlock> blocks;
    std::string data_file;  // immutable once written; a new version gets a new file
};

// InvalidArgument when a field cannot be represented (e.g. metadata that is not UTF-8).
Result<std::string> encode_sidecar(const LocalBlobRecord& record);
// IoError naming `source` when the JSON is malformed or incomplete.
Result<LocalBlobRecord> decode_sidecar(std::string_view json, const std::string& source);

}  // namespace azblobfs
