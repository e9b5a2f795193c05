// The mutating operations of the read-only mount: EROFS, and EPERM for hard links (refused by
// design, read-only or not).
#include <cerrno>

#include "fs/fuse/fuse_ops_internal.h"

namespace azblobfs::fuse_ops {
namespace {

void refuse(fuse_req_t req) { fuse_reply_err(req, EROFS); }

void create(fuse_req_t req, fuse_ino_t, const char*, mode_t, fuse_file_info*) { refuse(req); }
void mknod(fuse_req_t req, fuse_ino_t, const char*, mode_t, dev_t) { refuse(req); }
void mkdir(fuse_req_t req, fuse_ino_t, const char*, mode_t) { refuse(req); }
void unlink(fuse_req_t req, fuse_ino_t, const char*) { refuse(req); }
void rmdir(fuse_req_t req, fuse_ino_t, const char*) { refuse(req); }
void symlink(fuse_req_t req, const char*, fuse_ino_t, const char*) { refuse(req); }
void rename(fuse_req_t req, fuse_ino_t, const char*, fuse_ino_t, const char*, unsigned int) { refuse(req); }
void setattr(fuse_req_t req, fuse_ino_t, struct stat*, int, fuse_file_info*) { refuse(req); }
void write(fuse_req_t req, fuse_ino_t, const char*, size_t, off_t, fuse_file_info*) { refuse(req); }
void fallocate(fuse_req_t req, fuse_ino_t, int, off_t, off_t, fuse_file_info*) { refuse(req); }
void setxattr(fuse_req_t req, fuse_ino_t, const char*, const char*, size_t, int) { refuse(req); }
void removexattr(fuse_req_t req, fuse_ino_t, const char*) { refuse(req); }
void link(fuse_req_t req, fuse_ino_t, fuse_ino_t, const char*) { fuse_reply_err(req, EPERM); }

}  // namespace

void set_refused_ops(fuse_lowlevel_ops& ops) {
    ops.create = create;
    ops.mknod = mknod;
    ops.mkdir = mkdir;
    ops.unlink = unlink;
    ops.rmdir = rmdir;
    ops.symlink = symlink;
    ops.rename = rename;
    ops.setattr = setattr;
    ops.write = write;
    ops.fallocate = fallocate;
    ops.setxattr = setxattr;
    ops.removexattr = removexattr;
    ops.link = link;
}

}  // namespace azblobfs::fuse_ops
