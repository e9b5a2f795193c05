#include "fs/rfc3339.h"

#include <gtest/gtest.h>

namespace azblobfs {
namespace {

constexpr int64_t kS = 1000000000LL;
constexpr int64_t k20250109T101112 = 1736417472LL;  // 2025-01-09T10:11:12Z

TEST(Rfc3339, ParsesWholeSecondsUtc) {
    EXPECT_EQ(parse_rfc3339_ns("2025-01-09T10:11:12Z"), k20250109T101112 * kS);
    EXPECT_EQ(parse_rfc3339_ns("1970-01-01T00:00:00Z"), 0);
}

TEST(Rfc3339, ParsesNanosecondsAndShorterFractions) {
    EXPECT_EQ(parse_rfc3339_ns("2025-01-09T10:11:12.123456789Z"), k20250109T101112 * kS + 123456789);
    EXPECT_EQ(parse_rfc3339_ns("2025-01-09T10:11:12.5Z"), k20250109T101112 * kS + 500000000);
    EXPECT_EQ(parse_rfc3339_ns("2025-01-09T10:11:12.000001Z"), k20250109T101112 * kS + 1000);
}

TEST(Rfc3339, AppliesNumericOffsets) {
    EXPECT_EQ(parse_rfc3339_ns("2025-01-09T10:11:12.25+00:00"), k20250109T101112 * kS + 250000000);
    EXPECT_EQ(parse_rfc3339_ns("2025-01-09T12:11:12+02:00"), k20250109T101112 * kS);
    EXPECT_EQ(parse_rfc3339_ns("2025-01-09T04:41:12-05:30"), k20250109T101112 * kS);
}

TEST(Rfc3339, HandlesDatesBeforeTheEpoch) {
    EXPECT_EQ(parse_rfc3339_ns("1969-12-31T23:59:59Z"), -kS);
}

TEST(Rfc3339, RejectsMalformedText) {
    for (const char* bad : {"", "2025-01-09", "2025-01-09T10:11:12", "2025-13-09T10:11:12Z",
                            "2025-02-30T10:11:12Z", "2025-01-09T24:00:00Z", "2025-01-09T10:11:12.Z",
                            "2025-01-09T10:11:12.1234567890Z", "2025-01-09T10:11:12+0200",
                            "2025-01-09T10:11:12Zjunk", "yesterday", "1736417472"}) {
        EXPECT_FALSE(parse_rfc3339_ns(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace azblobfs
