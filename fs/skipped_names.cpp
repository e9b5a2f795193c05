#include "fs/skipped_names.h"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace azblobfs {

void SkippedNames::report(const std::string& container, const std::string& blob,
                          const std::string& reason) {
    std::string key = container;
    key += '\0';
    key += blob;
    {
        std::lock_guard lock(mu_);
        if (!seen_.insert(std::move(key)).second) return;
    }
    spdlog::warn("skipping blob '{}' in container {}: {}; it is not shown in the mount",
                 printable(blob), container, reason);
}

uint64_t SkippedNames::count() const {
    std::lock_guard lock(mu_);
    return seen_.size();
}

std::string SkippedNames::printable(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7f || b == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", b);
            out += buf;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace azblobfs
