// The GoogleTest fixture of the writable-mount e2e tests: the e2e fixture (shared Azurite,
// client) plus fresh cache directories, writable mount options, and control of the mount
// process (its pid, SIGKILL/SIGTERM) for the crash and drain tests.
//
// Invariants:
//  - Every cache directory handed out lives under a TempDir owned by the fixture, so a test can
//    remount over the same cache, or over a new empty one, and nothing outlives the test.
//  - Mount processes are only ever signalled by pid (found through /proc from the mountpoint);
//    Mount's destructor reaps and detaches a killed mount.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "e2e/e2e_fixture.h"
#include "e2e/mount_fixture.h"
#include "support/temp_dir.h"

namespace azblobfs::e2e {

class WriteTest : public E2eTest {
protected:
    // A path for a new, not yet existing cache directory (the mount creates it).
    std::filesystem::path new_cache_dir();

    // Options for a writable mount of `container` over `cache` with `extra` flags.
    MountOptions writable(const std::string& container, const std::filesystem::path& cache,
                          std::vector<std::string> extra = {}) const;

    // Names of the blobs in `container` starting with `prefix` (a failed listing fails the test).
    std::set<std::string> blob_names(const std::string& container, const std::string& prefix = "");

private:
    testing::TempDir caches_{"azblobfs-e2ew-caches"};
    int next_cache_ = 0;
};

// The pid of the `azblobfs mount` process serving `mount`, or -1.
pid_t mount_pid(const Mount& mount);

// Sends `sig` to the mount process and, for SIGKILL, waits (bounded) until it is gone.
// Fails when the process cannot be found.
Status signal_mount(const Mount& mount, int sig);

// True while a process with this pid exists and is not a zombie.
bool process_alive(pid_t pid);

// errno of the failing step (0 on success): open(path, flags, 0644), write all of `data` at
// `offset` (or at the end with O_APPEND), fsync when asked, close.
int write_file(const std::filesystem::path& path, const std::string& data, int flags, bool fsync_it,
               off_t offset = 0);

// Starts argv (searched in PATH) in the background, stdin /dev/null, stdout and stderr to `out`
// (created or truncated); returns its pid, or -1.
pid_t spawn_to_file(const std::vector<std::string>& argv, const std::filesystem::path& out);

// Waits for the child `pid`, SIGKILLing it after `timeout`; returns its wait status (-1 if it
// could not be waited for).
int wait_child(pid_t pid, std::chrono::seconds timeout);

// `b` described against `a`: "" when equal, else sizes and the first differing offset.
std::string describe_difference(const std::string& a, const std::string& b);

}  // namespace azblobfs::e2e
