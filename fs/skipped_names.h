// Blob names the mount refuses to show (hostile names, file/directory clashes): each is logged
// with one warning naming the container and the blob, once per blob per mount, and counted.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>

namespace azblobfs {

class SkippedNames {
public:
    // First report of (container, blob): one warning line and the count grows by one.
    // Later reports of the same blob are silent.
    void report(const std::string& container, const std::string& blob, const std::string& reason);
    uint64_t count() const;

    // `s` with control characters and backslashes escaped (\xNN), fit for one log line.
    static std::string printable(const std::string& s);

private:
    mutable std::mutex mu_;  // guards seen_
    std::set<std::string> seen_;
};

}  // namespace azblobfs
