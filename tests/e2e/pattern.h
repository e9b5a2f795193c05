// Deterministic pseudo-random content: byte p of stream `seed` is a pure function of (seed, p),
// so a test can regenerate any range of a large blob without keeping the blob in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace azblobfs::e2e {

// Writes bytes [offset, offset + length) of stream `seed` to out.
void fill_pattern(uint64_t seed, uint64_t offset, char* out, size_t length);

// Bytes [offset, offset + length) of stream `seed`.
std::string pattern_bytes(uint64_t seed, uint64_t offset, size_t length);

// Offset of the first byte where `actual` differs from stream `seed` starting at `offset`,
// or -1 when they are equal over actual.size() bytes.
int64_t first_pattern_mismatch(uint64_t seed, uint64_t offset, const std::string& actual);

}  // namespace azblobfs::e2e
