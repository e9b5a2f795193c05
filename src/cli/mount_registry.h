// Where running mounts can be found: /proc/mounts (what the kernel has mounted) and a pid file
// per mount under /run/azblobfs/, named after the escaped mountpoint, so `azblobfs unmount MP`
// knows which process to wait for.
//
// Invariants:
//  - The pid file is written by the mount process once the mount exists and removed by the same
//    process at exit (only if it still holds its own pid). A stale file (crash) names a pid that
//    no longer runs azblobfs; readers check before trusting it.
//  - Escaping follows systemd-escape --path: "/mnt/blobs" -> "mnt-blobs", "/" -> "-", and
//    every byte outside [A-Za-z0-9:_.] (and a leading '.') becomes \xNN, so names never collide.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace azblobfs {

inline constexpr const char* kRunDir = "/run/azblobfs";
inline constexpr const char* kMountType = "fuse.azblobfs";

std::string escape_mount_path(std::string_view absolute_path);
std::string pid_file_path(const std::string& run_dir, const std::string& mountpoint);
// One-line files next to the pid file ("<pid file>.progress", "<pid file>.cache-dir"):
//  - kProgress: upload progress while an unmounted process drains its journal ("3 change(s),
//    1048576 bytes left"), which `azblobfs unmount` prints while it waits.
//  - kCacheDir: the mount's cache directory, so that `azblobfs query --mount MP` and
//    `azblobfs index rebuild --mount MP` find its index. Written and removed with the pid file.
// Writes replace the file atomically (rename); a missing or empty file reads as nullopt.
enum class SideFile { kProgress, kCacheDir };
std::string side_file_path(const std::string& run_dir, const std::string& mountpoint, SideFile kind);
void write_side_file(const std::string& run_dir, const std::string& mountpoint, SideFile kind,
                     const std::string& line);
std::optional<std::string> read_side_file(const std::string& run_dir, const std::string& mountpoint,
                                          SideFile kind);
void remove_side_file(const std::string& run_dir, const std::string& mountpoint, SideFile kind);

Status write_pid_file(const std::string& run_dir, const std::string& mountpoint, pid_t pid);
std::optional<pid_t> read_pid_file(const std::string& run_dir, const std::string& mountpoint);
void remove_pid_file_if_ours(const std::string& run_dir, const std::string& mountpoint, pid_t pid);

struct MountEntry {
    std::string source;
    std::string mountpoint;
    std::string type;
};

// Parses the text of /proc/mounts (octal escapes such as \040 decoded).
std::vector<MountEntry> parse_proc_mounts(std::string_view text);
// The last (topmost) entry of /proc/mounts whose mountpoint is `mountpoint`.
std::optional<MountEntry> find_mount(const std::string& mountpoint);

// True while `pid` exists, is not a zombie, and runs a program named azblobfs.
bool is_azblobfs_process(pid_t pid);

}  // namespace azblobfs
