// A temporary directory removed (recursively) when the object is destroyed.
#pragma once

#include <filesystem>
#include <string>

namespace azblobfs::testing {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "azblobfs-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace azblobfs::testing
