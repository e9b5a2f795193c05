// The stores the conformance suite runs against, and how each one is opened for a test.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "blob/blob_store.h"
#include "support/temp_dir.h"

namespace azblobfs::conformance {

enum class StoreKind { kMemory, kLocalDir, kAzure };

// "memory", "localdir", "azure": the parameter name in test names.
std::string store_kind_name(StoreKind kind);
inline void PrintTo(StoreKind kind, std::ostream* os) { *os << store_kind_name(kind); }

// Opens a store of `kind`. The local-directory store lives in `dir`; the Azure store talks to
// one Azurite shared by the whole test program, started on first use. Opening again with the
// same `dir` (local) or on the same Azurite (azure) sees the same data; a memory store cannot be
// reopened and `reopen` is then NotSupported.
Result<std::unique_ptr<BlobStore>> open_store(StoreKind kind, const testing::TempDir& dir, bool reopen);

}  // namespace azblobfs::conformance
