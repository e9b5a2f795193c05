// A mounted FUSE session over a Filesystem: RAII over fuse_session (new, signal handlers, mount;
// on destruction: handlers removed, unmount, destroy) and the multithreaded request loop.
//
// Contract:
//  - mount() returns only once the kernel mount exists (it is listed in /proc/mounts as
//    "fuse.azblobfs" with source `fsname`); on failure nothing is left mounted.
//  - Mount options: fsname, subtype=azblobfs, default_permissions (the kernel checks access
//    against the mode/uid/gid the core reports), max_read (= kFuseMaxRead, as init() asks),
//    "ro" with read_only, then the caller's -o options in order.
//  - run() serves requests until the filesystem is unmounted (umount, fusermount3 -u) or
//    SIGTERM, SIGINT or SIGHUP arrives (libfuse's handlers end the loop); both are a clean end.
//  - Signals: libfuse's worker threads block those signals; every other thread of the process
//    must block them too, or the handler may run on a thread whose wake-up does not end the
//    loop. Call block_termination_signals() on the main thread before any other thread starts;
//    run() unblocks them on its own thread for the duration of the loop.
//  - The Filesystem must outlive the FuseMount.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "fs/filesystem.h"
#include "fs/fuse/fuse_ops.h"

struct fuse_session;

namespace azblobfs {

struct FuseMountConfig {
    std::string mountpoint;            // absolute path of an existing directory
    std::string fsname;                // e.g. "azblobfs:devstoreaccount1/digital-twins"
    std::vector<std::string> options;  // extra -o options, one per element (e.g. "allow_other")
    bool read_only = false;            // adds "ro"
    double attr_timeout_s = 60;        // validity of getattr replies
    unsigned max_idle_threads = 10;    // idle workers kept by the multithreaded loop
    unsigned max_threads = 16;         // most workers serving requests at once
};

// The -o option string mount() passes to libfuse (exposed for tests).
std::string fuse_option_string(const FuseMountConfig& config);

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (and in threads it starts later).
void block_termination_signals();

class FuseMount {
public:
    static Result<std::unique_ptr<FuseMount>> mount(Filesystem& fs, const FuseMountConfig& config);
    ~FuseMount();
    FuseMount(const FuseMount&) = delete;
    FuseMount& operator=(const FuseMount&) = delete;

    // Serves requests; see the contract above. A non-ok Status only when the loop failed.
    Status run();

private:
    struct SessionDeleter {
        void operator()(fuse_session* se) const;
    };

    FuseMount(FuseMountConfig config, FuseOpsContext context);

    FuseMountConfig config_;
    // Heap-allocated so its address (the session's userdata) never moves.
    std::unique_ptr<FuseOpsContext> context_;
    std::unique_ptr<fuse_session, SessionDeleter> session_;
    bool signal_handlers_ = false;
    bool mounted_ = false;
};

}  // namespace azblobfs
