// The data set of bench/mount_bench.sh, loaded once into the benchmark's own Azurite:
//  - container "seqread": one blob "big-256m.bin" of 256 MiB (pattern bytes, 8 MiB blocks);
//  - container "smallfiles": one directory "dir10k/" of 10,000 blobs "item-NNNNNN.json" of
//    200..599 bytes each; every 10th carries metadata (classification, lead);
//  - container "persona-images": 200 blobs "<id>/full.png" of 2 MiB of pattern bytes, where
//    <id> is a fixed UUID-shaped string derived from the image's number.
// Names are printed as "container/blob", the form the list files of the script use.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "blob/blob_store.h"
#include "common/status.h"

namespace azblobfs::bench {

inline constexpr const char* kSeqContainer = "seqread";
inline constexpr const char* kSeqBlob = "big-256m.bin";
inline constexpr const char* kSmallContainer10k = "smallfiles";
inline constexpr const char* kSmallDir = "dir10k";
inline constexpr const char* kImageContainer = "persona-images";

struct MountDataSizes {
    size_t seq_bytes = 256u << 20;
    size_t block_bytes = 8u << 20;
    int small_count = 10000;
    int image_count = 200;
    size_t image_bytes = 2u << 20;
    int threads = 8;                 // uploads in flight
};

// Creates the containers, then loads each of the three sets unless its last blob is already
// there with the right size; a second call on loaded data only checks (idempotent).
Status load_mount_data(BlobStore& store, const MountDataSizes& sizes);

// "smallfiles/dir10k/item-000000.json", ... in name order.
std::vector<std::string> small_file_names(const MountDataSizes& sizes);

// "persona-images/<id>/full.png", ... in image-number order.
std::vector<std::string> image_names(const MountDataSizes& sizes);

}  // namespace azblobfs::bench
