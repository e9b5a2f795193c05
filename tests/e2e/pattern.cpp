#include "e2e/pattern.h"

#include <algorithm>
#include <cstring>

namespace azblobfs::e2e {

namespace {

// splitmix64: a bijective 64-bit mixer; word w of stream s is mix(s * K + w).
uint64_t mix(uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

uint64_t word(uint64_t seed, uint64_t index) { return mix(seed * 0xD1B54A32D192ED03ULL + index); }

}  // namespace

void fill_pattern(uint64_t seed, uint64_t offset, char* out, size_t length) {
    size_t done = 0;
    while (done < length) {
        uint64_t pos = offset + done;
        uint64_t w = word(seed, pos / 8);
        unsigned char bytes[8];
        for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(w >> (8 * i));
        size_t skip = pos % 8;
        size_t n = std::min<size_t>(8 - skip, length - done);
        std::memcpy(out + done, bytes + skip, n);
        done += n;
    }
}

std::string pattern_bytes(uint64_t seed, uint64_t offset, size_t length) {
    std::string out(length, '\0');
    fill_pattern(seed, offset, out.data(), length);
    return out;
}

int64_t first_pattern_mismatch(uint64_t seed, uint64_t offset, const std::string& actual) {
    constexpr size_t kChunk = 1 << 20;
    std::string expected;
    for (size_t at = 0; at < actual.size(); at += kChunk) {
        size_t n = std::min(kChunk, actual.size() - at);
        expected = pattern_bytes(seed, offset + at, n);
        if (std::memcmp(expected.data(), actual.data() + at, n) == 0) continue;
        for (size_t i = 0; i < n; ++i)
            if (expected[i] != actual[at + i]) return static_cast<int64_t>(offset + at + i);
    }
    return -1;
}

}  // namespace azblobfs::e2e
