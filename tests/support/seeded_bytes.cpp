#include "support/seeded_bytes.h"

#include <random>

namespace azblobfs::testing {

std::string seeded_bytes(uint64_t seed, size_t n) {
    std::mt19937_64 rng(seed);
    std::string out(n, '\0');
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = rng();
        for (size_t k = 0; k < 8 && i + k < n; ++k) out[i + k] = static_cast<char>(v >> (8 * k));
    }
    return out;
}

}  // namespace azblobfs::testing
