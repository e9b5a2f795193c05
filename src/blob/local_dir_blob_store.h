// A BlobStore persisted in a local directory, so that data survives a restart. Same contract and
// same errors as the in-memory store; local I/O failures are IoError naming the path.
//
// Layout under root (one store instance per root at a time):
//   <container>/blobs/<sha256(name)>.json          sidecar (local_dir_sidecar.h), names the data file
//   <container>/blobs/<sha256(name)>.<tok>.data    the committed bytes; immutable, new file per version
//   <container>/staging/<sha256(name)>/<hex(id)>.block   staged (uncommitted) blocks
//   .trash-<tok>/                                  a container being deleted
// Blob names can be 1,024 characters and contain '/', so files are named by their SHA-256.
//
// Invariants: every file is written under a temporary name, fsynced and renamed into place, then
// its directory is fsynced. A new version's data file is in place before the sidecar that names it,
// and the old data file is removed only after, so a crash leaves either version complete; on open,
// temporary files, data files no sidecar names, and trash directories are removed.
// Every blob's sidecar is loaded into an in-memory index on open; listings are served from it.
#pragma once

#include <filesystem>
#include <memory>

#include "blob/blob_store.h"

namespace azblobfs {

// Creates root if needed and loads every container and sidecar under it.
Result<std::unique_ptr<BlobStore>> make_local_dir_blob_store(const std::filesystem::path& root);

}  // namespace azblobfs
