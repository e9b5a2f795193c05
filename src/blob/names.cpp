#include "blob/names.h"

#include <cstdint>
#include <optional>

namespace azblobfs {

namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Number of code points in `s` if it is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF); nullopt otherwise.
std::optional<size_t> count_utf8_code_points(std::string_view s) {
    size_t count = 0;
    size_t i = 0;
    while (i < s.size()) {
        auto b0 = static_cast<uint8_t>(s[i]);
        size_t len = 0;
        uint32_t cp = 0;
        uint32_t min_cp = 0;
        if (b0 < 0x80) { len = 1; cp = b0; }
        else if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1F; min_cp = 0x80; }
        else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0F; min_cp = 0x800; }
        else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07; min_cp = 0x10000; }
        else return std::nullopt;
        if (i + len > s.size()) return std::nullopt;
        for (size_t k = 1; k < len; ++k) {
            auto b = static_cast<uint8_t>(s[i + k]);
            if ((b & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        i += len;
        ++count;
    }
    return count;
}

}  // namespace

Status validate_container_name(std::string_view name) {
    auto bad = [&](const std::string& rule) {
        return Status(Code::kInvalidName, "container name '" + std::string(name) + "': " + rule);
    };
    if (name.size() < 3 || name.size() > 63) return bad("must be 3-63 characters long");
    for (char c : name) {
        if (!is_lower_alnum(c) && c != '-') {
            return bad("only lowercase letters, digits and hyphens are allowed");
        }
    }
    if (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back())) {
        return bad("must start and end with a letter or digit");
    }
    if (name.find("--") != std::string_view::npos) return bad("hyphens may not be consecutive");
    return Status::ok();
}

Status validate_blob_name(std::string_view name) {
    if (name.empty()) return Status(Code::kInvalidName, "blob name is empty");
    if (name.find('\0') != std::string_view::npos) {
        return Status(Code::kInvalidName, "blob name contains a NUL byte");
    }
    std::optional<size_t> chars = count_utf8_code_points(name);
    if (!chars) return Status(Code::kInvalidName, "blob name is not valid UTF-8");
    if (*chars > kMaxBlobNameChars) {
        return Status(Code::kNameTooLong, "blob name is " + std::to_string(*chars) +
                                              " characters long; the limit is " +
                                              std::to_string(kMaxBlobNameChars));
    }
    return Status::ok();
}

}  // namespace azblobfs
