// Deterministic test content: the same (seed, n) always gives the same bytes, different seeds
// give different bytes. Shared by every suite that needs reproducible blob content.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace azblobfs::testing {

std::string seeded_bytes(uint64_t seed, size_t n);

}  // namespace azblobfs::testing
