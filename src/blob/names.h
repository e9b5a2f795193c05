// Validation of container and blob names, shared by every BlobStore so that all of them
// reject the same names with the same Status.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace azblobfs {

inline constexpr size_t kMaxBlobNameChars = 1024;

// 3-63 characters of lowercase letters, digits and single hyphens, starting and ending with a
// letter or digit. Returns InvalidName naming the rule that was broken.
Status validate_container_name(std::string_view name);

// 1-1,024 characters (counted as Unicode code points of the UTF-8 name). Over the limit:
// NameTooLong. Empty, invalid UTF-8, or a NUL byte: InvalidName.
Status validate_blob_name(std::string_view name);

}  // namespace azblobfs
