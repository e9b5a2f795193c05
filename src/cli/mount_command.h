// `azblobfs mount`, `azblobfs unmount` and `azblobfs status`. Each returns the process exit
// code and prints failures as one line "azblobfs: <cause>" on stderr.
#pragma once

#include <string>

#include "azure/credentials.h"
#include "cli/commands.h"
#include "cli/mount_options.h"

namespace azblobfs {

// Validates the flags, runs the preflight checks, then mounts: in the foreground (returns when
// unmounted) or daemonised (returns once the mount is up, or failed).
int cmd_mount(const MountFlags& flags, const AccountConfig& account, const std::string& log_level, CommandIo io);

struct UnmountOptions {
    std::string run_dir = "/run/azblobfs";
    int wait_seconds = 0;          // bound on the wait for the mount process to exit (0: none;
                                   // it uploads pending changes first)
};

// Checks that MOUNTPOINT is an azblobfs mount, unmounts it (umount2 as root, else
// fusermount3 -u) and waits until the mount's process has exited.
int cmd_unmount(const std::string& mountpoint, CommandIo io, const UnmountOptions& options = {});

// Prints <cache-dir>/status.json.
int cmd_status(const std::string& cache_dir, CommandIo io);

}  // namespace azblobfs
