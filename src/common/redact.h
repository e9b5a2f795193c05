// Secrets never reach logs. redact() masks SAS signatures (sig=...), Authorization header
// values, AccountKey=... in connection strings, and x-ms-copy-source SAS tokens.
#pragma once

#include <string>
#include <string_view>

namespace azblobfs {

std::string redact(std::string_view text);

}  // namespace azblobfs
