// Generates the sample data set of DESIGN.md §1 (digital twins, JSON sidecars, persona images in
// three sizes, training CSVs) deterministically from a seed, and uploads it through a BlobStore.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "blob/blob_store.h"

namespace azblobfs {

struct SampleDataOptions {
    int twins = 200;
    uint64_t seed = 42;
    int threads = 8;
};

struct SampleDataSummary {
    int blobs = 0;
    uint64_t bytes = 0;
};

// Creates containers digital-twins, persona-images, training-data and writes the blobs.
// Idempotent: running it twice with the same options writes the same bytes.
Result<SampleDataSummary> load_sample_data(BlobStore& store, const SampleDataOptions& options);

}  // namespace azblobfs
