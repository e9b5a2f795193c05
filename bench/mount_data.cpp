#include "bench/mount_data.h"

#include <cstdio>

#include "bench/bench_util.h"

namespace azblobfs::bench {

namespace {

std::string small_blob(int i) { return std::string(kSmallDir) + "/" + numbered("item-", i) + ".json"; }

std::string image_id(int i) {
    uint64_t x = static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    x ^= x >> 29;
    char id[40];
    std::snprintf(id, sizeof id, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(x >> 32),
                  static_cast<unsigned>(x >> 16) & 0xffffu, static_cast<unsigned>(i) & 0xfffu,
                  static_cast<unsigned>(x >> 4) & 0xfffu,
                  static_cast<unsigned long long>(x * 0xff51afd7ed558ccdull) & 0xffffffffffffull);
    return id;
}

std::string image_blob(int i) { return image_id(i) + "/full.png"; }

// A JSON-looking body of 200..599 bytes.
std::string small_body(int i) {
    std::string body = "{\"lead\":\"" + numbered("lead-", i) + "\",\"n\":" + std::to_string(i) + ",\"pad\":\"";
    size_t size = 200 + static_cast<size_t>(i) * 7919 % 400;
    while (body.size() + 2 < size) body += static_cast<char>('a' + body.size() % 26);
    return body + "\"}";
}

bool exists(BlobStore& store, const std::string& container, const std::string& blob, size_t size) {
    Result<BlobProperties> props = store.get_properties(container, blob);
    return props && props->size == size;
}

Status load_small_files(BlobStore& store, const MountDataSizes& sizes) {
    return parallel_for(sizes.small_count, sizes.threads, [&](int i) -> Status {
        PutOptions options;
        options.content_type = "application/json";
        if (i % 10 == 0) {
            options.metadata = {{"classification", i % 20 == 0 ? "hot" : "cold"}, {"lead", numbered("lead-", i)}};
        }
        return store.put_blob(kSmallContainer10k, small_blob(i), small_body(i), options).status();
    });
}

Status load_images(BlobStore& store, const MountDataSizes& sizes) {
    return parallel_for(sizes.image_count, sizes.threads / 2 + 1, [&](int i) -> Status {
        PutOptions options;
        options.content_type = "image/png";
        std::string data = pattern_bytes(sizes.image_bytes, 1000 + static_cast<uint64_t>(i));
        return store.put_blob(kImageContainer, image_blob(i), data, options).status();
    });
}

}  // namespace

Status load_mount_data(BlobStore& store, const MountDataSizes& sizes) {
    for (const char* container : {kSeqContainer, kSmallContainer10k, kImageContainer}) {
        AZB_RETURN_IF_ERROR(store.create_container(container));
    }
    if (!exists(store, kSeqContainer, kSeqBlob, sizes.seq_bytes)) {
        AZB_RETURN_IF_ERROR(put_pattern_blob(store, kSeqContainer, kSeqBlob, sizes.seq_bytes, sizes.block_bytes, 4));
    }
    int last_small = sizes.small_count - 1;
    if (!exists(store, kSmallContainer10k, small_blob(last_small), small_body(last_small).size())) {
        AZB_RETURN_IF_ERROR(load_small_files(store, sizes));
    }
    if (!exists(store, kImageContainer, image_blob(sizes.image_count - 1), sizes.image_bytes)) {
        AZB_RETURN_IF_ERROR(load_images(store, sizes));
    }
    return Status::ok();
}

std::vector<std::string> small_file_names(const MountDataSizes& sizes) {
    std::vector<std::string> names;
    for (int i = 0; i < sizes.small_count; ++i) names.push_back(std::string(kSmallContainer10k) + "/" + small_blob(i));
    return names;
}

std::vector<std::string> image_names(const MountDataSizes& sizes) {
    std::vector<std::string> names;
    for (int i = 0; i < sizes.image_count; ++i) names.push_back(std::string(kImageContainer) + "/" + image_blob(i));
    return names;
}

}  // namespace azblobfs::bench
