#include "blob/etag_source.h"

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

namespace azblobfs {

namespace {
constexpr const char* kPrefix = "\"0x8D";
}

std::string EtagSource::next() {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    auto ticks = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() / 100);
    uint64_t prev = last_.load();
    uint64_t value = 0;
    do {
        value = ticks > prev ? ticks : prev + 1;
    } while (!last_.compare_exchange_weak(prev, value));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%014" PRIX64 "\"", kPrefix, value);
    return buf;
}

void EtagSource::observe(const std::string& etag) {
    std::string prefix = kPrefix;
    if (etag.size() < prefix.size() + 2 || etag.compare(0, prefix.size(), prefix) != 0) return;
    std::string hex = etag.substr(prefix.size(), etag.size() - prefix.size() - 1);
    char* end = nullptr;
    uint64_t value = std::strtoull(hex.c_str(), &end, 16);
    if (end == nullptr || *end != '\0') return;
    uint64_t prev = last_.load();
    while (prev < value && !last_.compare_exchange_weak(prev, value)) {
    }
}

int64_t unix_now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace azblobfs
