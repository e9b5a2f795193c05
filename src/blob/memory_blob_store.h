// A BlobStore held entirely in process memory: the reference implementation of the contract in
// blob_store.h, used by unit tests of the upper layers and by the conformance suite.
// Thread-safe (one mutex; no I/O). Differences from Azure: a tier change is immediate (no
// rehydration delay) and content_md5 is stored only when the caller gives one.
#pragma once

#include <memory>

#include "blob/blob_store.h"

namespace azblobfs {

std::unique_ptr<BlobStore> make_memory_blob_store();

}  // namespace azblobfs
