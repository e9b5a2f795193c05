// Parsing of RFC 3339 timestamps as written in blob metadata "mtime" by rclone and azblobfs:
// "2025-01-09T10:11:12Z", "2025-01-09T10:11:12.123456789Z", "2025-01-09T10:11:12.5+00:00",
// "2025-01-09T10:11:12-05:30". Up to 9 fraction digits (more is rejected, never rounded).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace azblobfs {

// Nanoseconds since the Unix epoch (UTC), or nullopt when `text` is not such a timestamp.
std::optional<int64_t> parse_rfc3339_ns(std::string_view text);

// "2025-01-09T10:11:12.123456789Z" (always 9 fraction digits, UTC); parses back exactly.
std::string format_rfc3339_ns(int64_t ns);

}  // namespace azblobfs
