// The mount process: the composition of one mount (cache environment, index, block cache, Azure
// store, Filesystem, FUSE session), serving until it is unmounted or told to stop.
//
// Order of start: termination signals blocked (before any thread), log file, cache environment
// (fails with Conflict if another process uses the directory), identity file, index and block
// cache, store, Filesystem, FUSE mount, pid file, status writer, then reporter.ready().
// Order of stop: loop ends (unmount or SIGTERM/SIGINT/SIGHUP), status writer stops, FUSE
// session unmounted and destroyed, final status.json (state "unmounted"), pid file removed,
// Filesystem and caches released, LMDB synced to disk.
#pragma once

#include "azure/credentials.h"
#include "cli/mount_daemon.h"
#include "cli/mount_options.h"

namespace azblobfs {

// Returns the process exit code (0: mounted and later unmounted cleanly).
int run_mount_process(const MountSettings& settings, const AccountConfig& account, bool offline,
                      StartupReporter& reporter);

}  // namespace azblobfs
