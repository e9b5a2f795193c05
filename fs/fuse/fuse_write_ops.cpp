// The mutating operations: unpack, call the Filesystem core, reply. Hard links and special
// files are refused by design (EPERM); fallocate is not offered (EOPNOTSUPP).
#include <fcntl.h>

#include <cerrno>
#include <chrono>
#include <string>

#include "common/errno_map.h"
#include "fs/filesystem.h"
#include "fs/fuse/fuse_ops_internal.h"

namespace azblobfs::fuse_ops {
namespace {

void reply_status(fuse_req_t req, const Status& status) { fuse_reply_err(req, to_errno(status)); }

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int64_t ns_of(const struct timespec& ts) { return ts.tv_sec * 1000000000LL + ts.tv_nsec; }

void reply_entry(fuse_req_t req, const Result<EntryReply>& reply) {
    if (!reply.is_ok()) return reply_status(req, reply.status());
    fuse_entry_param e = to_entry_param(*reply);
    if (fuse_reply_entry(req, &e) != 0 && e.ino != 0) context(req).fs->forget(e.ino, 1);
}

void create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
    Filesystem& fs = *context(req).fs;
    auto created = fs.create(parent, name, mode, fi->flags);
    if (!created.is_ok()) return reply_status(req, created.status());
    fuse_entry_param e = to_entry_param(created->entry);
    fi->fh = created->open.fh;
    fi->keep_cache = 0;
    if (fuse_reply_create(req, &e, fi) != 0) {
        fs.release(e.ino, created->open.fh);
        fs.forget(e.ino, 1);
    }
}

void mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
    reply_entry(req, context(req).fs->mkdir(parent, name, mode));
}

void symlink(fuse_req_t req, const char* target, fuse_ino_t parent, const char* name) {
    reply_entry(req, context(req).fs->symlink(target, parent, name));
}

void unlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
    reply_status(req, context(req).fs->unlink(parent, name));
}

void rmdir(fuse_req_t req, fuse_ino_t parent, const char* name) {
    reply_status(req, context(req).fs->rmdir(parent, name));
}

void rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t new_parent,
            const char* new_name, unsigned int flags) {
    reply_status(req, context(req).fs->rename(parent, name, new_parent, new_name, flags));
}

void setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* /*fi*/) {
    FuseOpsContext& ctx = context(req);
    SetAttrRequest r;
    if (to_set & FUSE_SET_ATTR_SIZE) r.size = static_cast<uint64_t>(attr->st_size);
    if (to_set & FUSE_SET_ATTR_MODE) r.mode = attr->st_mode & 07777;
    if (to_set & FUSE_SET_ATTR_UID) r.uid = attr->st_uid;
    if (to_set & FUSE_SET_ATTR_GID) r.gid = attr->st_gid;
    if (to_set & FUSE_SET_ATTR_MTIME_NOW) {
        r.mtime_ns = now_ns();
    } else if (to_set & FUSE_SET_ATTR_MTIME) {
        r.mtime_ns = ns_of(attr->st_mtim);
    }
    if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW)) r.atime_ns = ns_of(attr->st_atim);
    auto result = ctx.fs->setattr(ino, r);
    if (!result.is_ok()) return reply_status(req, result.status());
    struct stat st = result->st;
    st.st_ino = static_cast<ino_t>(ino);
    fuse_reply_attr(req, &st, ctx.attr_timeout_s);
}

void write(fuse_req_t req, fuse_ino_t ino, const char* buf, size_t size, off_t off, fuse_file_info* fi) {
    auto written = context(req).fs->write(ino, fi->fh, static_cast<uint64_t>(off), std::string_view(buf, size));
    if (!written.is_ok()) return reply_status(req, written.status());
    fuse_reply_write(req, *written);
}

void flush(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    reply_status(req, context(req).fs->flush(ino, fi->fh));
}

void fsync(fuse_req_t req, fuse_ino_t ino, int /*datasync*/, fuse_file_info* fi) {
    reply_status(req, context(req).fs->fsync(ino, fi->fh));
}

void fsyncdir(fuse_req_t req, fuse_ino_t, int, fuse_file_info*) { fuse_reply_err(req, 0); }

void setxattr(fuse_req_t req, fuse_ino_t ino, const char* name, const char* value, size_t size, int flags) {
    reply_status(req, context(req).fs->setxattr(ino, name, std::string(value, size), flags));
}

void removexattr(fuse_req_t req, fuse_ino_t ino, const char* name) {
    reply_status(req, context(req).fs->removexattr(ino, name));
}

void mknod(fuse_req_t req, fuse_ino_t, const char*, mode_t, dev_t) { fuse_reply_err(req, EPERM); }
void link(fuse_req_t req, fuse_ino_t, fuse_ino_t, const char*) { fuse_reply_err(req, EPERM); }
void fallocate(fuse_req_t req, fuse_ino_t, int, off_t, off_t, fuse_file_info*) {
    fuse_reply_err(req, EOPNOTSUPP);
}

}  // namespace

void set_write_ops(fuse_lowlevel_ops& ops) {
    ops.create = create;
    ops.mknod = mknod;
    ops.mkdir = mkdir;
    ops.unlink = unlink;
    ops.rmdir = rmdir;
    ops.symlink = symlink;
    ops.rename = rename;
    ops.setattr = setattr;
    ops.write = write;
    ops.flush = flush;
    ops.fsync = fsync;
    ops.fsyncdir = fsyncdir;
    ops.fallocate = fallocate;
    ops.setxattr = setxattr;
    ops.removexattr = removexattr;
    ops.link = link;
}

}  // namespace azblobfs::fuse_ops
