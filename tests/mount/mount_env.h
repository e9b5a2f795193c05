// What the mount-command tests share: the Azurite of this test process with a small tree in it,
// the binary under test, /proc/mounts checks, and a fixture that always cleans up its mounts.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/azurite_server.h"
#include "support/temp_dir.h"

namespace azblobfs::mount_test {

// Container "alpha" holds hello.txt ("hello from azblobfs\n") and dir/nested.txt.
inline constexpr const char* kContainer = "alpha";
inline constexpr const char* kHelloText = "hello from azblobfs\n";

// The Azurite of this process, started (and loaded with the tree) on first use.
const testing::AzuriteServer& azurite();

std::string azblobfs_bin();

// True when /proc/mounts lists `mountpoint` with type fuse.azblobfs.
bool is_azblobfs_mount(const std::filesystem::path& mountpoint);
// The source (fsname) of that entry, or "" when not mounted.
std::string mount_source(const std::filesystem::path& mountpoint);

// Connection strings of the development account: on this Azurite, with a wrong key, and at a
// port where nothing listens.
std::string good_connection_string();
std::string wrong_key_connection_string();
std::string unreachable_connection_string();

std::optional<nlohmann::json> read_json(const std::filesystem::path& file);

class MountTest : public ::testing::Test {
protected:
    MountTest();
    ~MountTest() override;

    // {bin, "mount", mountpoint, --cache-dir, --cache-size 64M, --connection-string cs} + extra.
    std::vector<std::string> mount_argv(const std::filesystem::path& mountpoint, const std::string& connection_string,
                                        const std::vector<std::string>& extra = {}) const;
    // Polls /proc/mounts until `mountpoint` is listed or `bound` passes.
    bool wait_until_mounted(const std::filesystem::path& mountpoint, std::chrono::seconds bound) const;

    testing::TempDir dir_{"azblobfs-mount-test"};
    std::filesystem::path mnt_;
    std::filesystem::path mnt2_;
    std::filesystem::path cache_;

private:
    // Detaches any mount left at mnt_/mnt2_ and kills a mount process still named in status.json.
    void cleanup() const;
};

}  // namespace azblobfs::mount_test
