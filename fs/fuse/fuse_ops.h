// The libfuse3 low-level operations of azblobfs: a thin adapter over the Filesystem core.
//
// Contract:
//  - Each operation unpacks the request, calls the Filesystem once (or not at all) and replies.
//    Errors become errno values only through to_errno(); they are not logged here (the core
//    logs them where it knows the blob and the cause).
//  - Lookup counts: every positive entry the kernel receives (lookup, readdirplus) is one lookup
//    in the core. Entries the core counted but the kernel never received (a reply that failed,
//    an entry that did not fit the readdirplus buffer) are handed back with forget(). Likewise
//    a handle whose open/opendir reply failed is released, since the kernel will not.
//  - The mount is read-only: create, mknod, mkdir, unlink, rmdir, symlink, rename, setattr,
//    write, fallocate, setxattr and removexattr reply EROFS; link replies EPERM; an open for
//    writing or with O_TRUNC replies EROFS.
//  - init asks for async reads and READDIRPLUS (auto mode) when the kernel offers them, a
//    kernel readahead window of kFuseMaxReadahead, and kFuseMaxRead as max_read, which must
//    equal the max_read mount option (fuse_mount.cpp passes it). The kernel's window is kept
//    at 512 KiB on purpose: the read path does its own read-ahead, and with that window the
//    kernel's read-ahead after a header read (64 KiB in 4 or 8 KiB reads, or one 64 KiB read)
//    stays below 224 KiB, inside the one block such a read should cost; with 1 MiB it grows
//    to 416 KiB and more.
#pragma once

#include <cstdint>

struct fuse_lowlevel_ops;

namespace azblobfs {

class Filesystem;

inline constexpr unsigned kFuseMaxRead = 1u << 20;       // bytes per read request
inline constexpr unsigned kFuseMaxReadahead = 512u << 10;  // kernel readahead window we ask for

// The userdata of the session. Lives as long as the session; the Filesystem outlives both.
struct FuseOpsContext {
    Filesystem* fs = nullptr;
    // Validity of getattr replies (the core states timeouts only with entries).
    double attr_timeout_s = 60;
};

// The operations table (immutable).
const fuse_lowlevel_ops& fuse_operations();

}  // namespace azblobfs
