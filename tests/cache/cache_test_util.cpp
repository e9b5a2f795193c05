#include "support/seeded_bytes.h"
#include "cache_test_util.h"

namespace azblobfs::testing {

std::shared_ptr<CacheEnv> open_env_or_die(const std::string& dir, uint64_t map_size) {
    auto env = open_cache_env(dir, map_size);
    EXPECT_TRUE(env.is_ok()) << env.status().to_string();
    return env.is_ok() ? *env : nullptr;
}

EntryRecord file_record(uint64_t size, const std::string& etag) {
    EntryRecord rec;
    rec.type = EntryType::kFile;
    rec.size = size;
    rec.mtime_ns = 1736400000123456789;
    rec.ctime_ns = 1736400000000000000;
    rec.etag = etag;
    rec.content_type = "text/markdown";
    rec.tier = "Hot";
    rec.validated_at_ns = 1736400001000000000;
    return rec;
}

EntryRecord dir_record() {
    EntryRecord rec;
    rec.type = EntryType::kDirectory;
    return rec;
}

std::string pattern_bytes(uint64_t seed, size_t len) { return seeded_bytes(seed, len); }

std::string long_path(const std::string& top, size_t len, char fill) {
    std::string path = top;
    while (path.size() < len) {
        path += '/';
        size_t n = std::min<size_t>(200, len - path.size());
        if (n == 0) {  // never end with a '/'
            path.back() = fill;
            break;
        }
        path.append(n, fill);
    }
    path.resize(len);
    return path;
}

}  // namespace azblobfs::testing
