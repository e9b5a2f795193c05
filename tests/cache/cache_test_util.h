// Shared helpers of the cache tests: a fresh environment in a temporary directory.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "cache/cache_env.h"
#include "cache/entry_record.h"
#include "support/temp_dir.h"

namespace azblobfs::testing {

inline constexpr uint64_t kMiB = 1024 * 1024;

// Opens the environment in `dir`, failing the test when it cannot.
std::shared_ptr<CacheEnv> open_env_or_die(const std::string& dir, uint64_t map_size = 64 * kMiB);

// A file record with distinctive field values derived from `seed`.
EntryRecord file_record(uint64_t size, const std::string& etag);
EntryRecord dir_record();

// `len` bytes whose content depends on (seed, position): two blocks differ unless equal seeds.
std::string pattern_bytes(uint64_t seed, size_t len);

// A path of exactly `len` bytes made of 200-byte components under `top`.
std::string long_path(const std::string& top, size_t len, char fill);

}  // namespace azblobfs::testing
