// Declarations shared by the files that implement the operations table (fuse_ops.cpp,
// fuse_dir_ops.cpp, fuse_refused_ops.cpp). Private to fs/fuse/.
#pragma once

#include "fs/fuse/fuse_api.h"
#include "fs/fuse/dirent_packer.h"
#include "fs/fuse/fuse_ops.h"

namespace azblobfs::fuse_ops {

inline FuseOpsContext& context(fuse_req_t req) {
    return *static_cast<FuseOpsContext*>(fuse_req_userdata(req));
}

// Directory streams (fuse_dir_ops.cpp).
void opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
void readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
void releasedir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);

// Sets every mutating operation of `ops` (fuse_write_ops.cpp).
void set_write_ops(fuse_lowlevel_ops& ops);

}  // namespace azblobfs::fuse_ops
