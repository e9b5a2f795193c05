// A real azblobfs mount for a test: runs `azblobfs mount MP -f ...` as a child process, waits
// until /proc/mounts lists MP as fuse.azblobfs, and unmounts with `azblobfs unmount MP`.
//
// Invariants:
//  - The destructor always leaves nothing behind: if the mount is still up it asks the process
//    to stop (SIGTERM), detaches the mount (umount2 MNT_DETACH) and kills the process, so a
//    failing test never leaves a stuck mount or a stray daemon.
//  - When the current GoogleTest test has failed, the destructor prints the tail of the mount
//    process's output, so failures come with the filesystem's side of the story.
//  - The mountpoint is a fresh directory owned by the Mount; the cache directory belongs to the
//    caller, so a test can remount over the same cache.
//  - The child runs without AZURE_STORAGE_* variables and with PR_SET_PDEATHSIG, so it talks to
//    the given endpoint only and dies with the test process.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "support/temp_dir.h"

namespace azblobfs::e2e {

// Path of the azblobfs binary under test.
std::string azblobfs_bin();

struct MountOptions {
    std::string blob_endpoint;                   // --blob-endpoint (development account)
    std::optional<std::string> container;        // --container; unset: every container
    std::filesystem::path cache_dir;             // --cache-dir (owned by the caller)
    std::string cache_size;                      // --cache-size; empty: the default
    std::string log_level = "info";              // --log-level (the log is shown when a test fails)
    std::vector<std::string> extra_args;         // more flags, e.g. {"--attr-ttl", "0"}
    std::chrono::seconds ready_timeout{90};      // bound on the wait for /proc/mounts
};

class Mount {
public:
    // Starts the mount and waits until it is listed. On failure (the process exited, or the
    // wait timed out) everything is cleaned up and the Status carries the process's output.
    static Result<std::unique_ptr<Mount>> start(const MountOptions& options);
    ~Mount();
    Mount(const Mount&) = delete;
    Mount& operator=(const Mount&) = delete;

    const std::filesystem::path& path() const { return mountpoint_; }
    const std::filesystem::path& cache_dir() const { return cache_dir_; }

    // `azblobfs unmount MP`, then waits (bounded) for the mount process; fails if either
    // fails or the process exits with a non-zero status.
    Status unmount();

    // What the mount process has written to stdout and stderr so far.
    std::string log() const;

    // status.json as it is now / the first one written after this call (waits, bounded).
    Result<nlohmann::json> status_json() const;
    Result<nlohmann::json> fresh_status_json(std::chrono::seconds timeout = std::chrono::seconds(15)) const;

private:
    Mount(const MountOptions& options);
    Status launch(const MountOptions& options);
    Status wait_until_mounted(std::chrono::seconds timeout);
    void cleanup();

    testing::TempDir dir_{"azblobfs-e2e-mount"};
    std::filesystem::path mountpoint_;
    std::filesystem::path log_path_;
    std::filesystem::path cache_dir_;
    pid_t pid_ = -1;
};

// True when /proc/mounts lists `mountpoint` with type fuse.azblobfs.
bool is_azblobfs_mount(const std::filesystem::path& mountpoint);

// Parses <cache_dir>/status.json.
Result<nlohmann::json> read_status_json(const std::filesystem::path& cache_dir);

// Polls until <cache_dir>/status.json is newer than `since` and parses; bounded by `timeout`.
Result<nlohmann::json> wait_for_status_json(const std::filesystem::path& cache_dir,
                                            std::filesystem::file_time_type since,
                                            std::chrono::seconds timeout);

}  // namespace azblobfs::e2e
