#include "fs/fuse/fuse_ops.h"

#include <fcntl.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <string>
#include <vector>

#include "common/errno_map.h"
#include "fs/filesystem.h"
#include "fs/fuse/dirent_packer.h"
#include "fs/fuse/fuse_ops_internal.h"

namespace azblobfs::fuse_ops {
namespace {

constexpr unsigned long kStatfsBlockSize = 4096;
constexpr unsigned long kNameMax = 255;

void reply_status(fuse_req_t req, const Status& status) { fuse_reply_err(req, to_errno(status)); }

void want_if_capable(fuse_conn_info* conn, unsigned capability) {
    if (conn->capable & capability) conn->want |= capability;
}

void init(void* /*userdata*/, fuse_conn_info* conn) {
    want_if_capable(conn, FUSE_CAP_ASYNC_READ);
    want_if_capable(conn, FUSE_CAP_READDIRPLUS);
    want_if_capable(conn, FUSE_CAP_READDIRPLUS_AUTO);
    conn->max_readahead = kFuseMaxReadahead;
    conn->max_read = kFuseMaxRead;
    conn->max_write = kFuseMaxRead;
}

void lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
    FuseOpsContext& ctx = context(req);
    auto reply = ctx.fs->lookup(parent, name);
    if (!reply.is_ok()) return reply_status(req, reply.status());
    fuse_entry_param e = to_entry_param(*reply);
    if (fuse_reply_entry(req, &e) != 0 && e.ino != 0) ctx.fs->forget(e.ino, 1);
}

void forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
    context(req).fs->forget(ino, nlookup);
    fuse_reply_none(req);
}

void forget_multi(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
    Filesystem& fs = *context(req).fs;
    for (size_t i = 0; i < count; ++i) fs.forget(forgets[i].ino, forgets[i].nlookup);
    fuse_reply_none(req);
}

void getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* /*fi*/) {
    FuseOpsContext& ctx = context(req);
    auto attr = ctx.fs->getattr(ino);
    if (!attr.is_ok()) return reply_status(req, attr.status());
    struct stat st = attr->st;
    st.st_ino = static_cast<ino_t>(ino);
    fuse_reply_attr(req, &st, ctx.attr_timeout_s);
}

void readlink(fuse_req_t req, fuse_ino_t ino) {
    auto target = context(req).fs->readlink(ino);
    if (!target.is_ok()) return reply_status(req, target.status());
    fuse_reply_readlink(req, target->c_str());
}

bool opens_for_writing(int flags) { return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0; }

void open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    Filesystem& fs = *context(req).fs;
    auto opened = fs.open(ino, fi->flags);
    if (!opened.is_ok()) return reply_status(req, opened.status());
    fi->fh = opened->fh;
    fi->keep_cache = opened->keep_cache ? 1 : 0;
    // A read-only open needs no flush round trip at close(); a writer's close queues the upload.
    fi->noflush = opens_for_writing(fi->flags) ? 0 : 1;
    if (fuse_reply_open(req, fi) != 0) fs.release(ino, opened->fh);
}

void read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
    auto data = context(req).fs->read(ino, fi->fh, static_cast<uint64_t>(off), size);
    if (!data.is_ok()) return reply_status(req, data.status());
    fuse_reply_buf(req, data->data(), data->size());
}

void release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    context(req).fs->release(ino, fi->fh);
    fuse_reply_err(req, 0);
}

// Replies to a getxattr/listxattr of `value` for a caller buffer of `size` bytes.
void reply_xattr_value(fuse_req_t req, const std::string& value, size_t size) {
    if (size == 0) {
        fuse_reply_xattr(req, value.size());
    } else if (size < value.size()) {
        fuse_reply_err(req, ERANGE);
    } else {
        fuse_reply_buf(req, value.data(), value.size());
    }
}

void getxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
    auto value = context(req).fs->getxattr(ino, name);
    if (!value.is_ok()) return reply_status(req, value.status());
    reply_xattr_value(req, *value, size);
}

void listxattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
    auto names = context(req).fs->listxattr(ino);
    if (!names.is_ok()) return reply_status(req, names.status());
    std::string packed;
    for (const auto& name : *names) {
        packed += name;
        packed.push_back('\0');
    }
    reply_xattr_value(req, packed, size);
}

// Capacity is the block cache: its limit as the size, what blocks do not use as free space.
void statfs(fuse_req_t req, fuse_ino_t /*ino*/) {
    FsStatus status = context(req).fs->status();
    uint64_t limit = status.cache.limit_bytes;
    uint64_t used = status.cache.used_bytes < limit ? status.cache.used_bytes : limit;
    struct statvfs st{};
    st.f_bsize = kStatfsBlockSize;
    st.f_frsize = kStatfsBlockSize;
    st.f_blocks = limit / kStatfsBlockSize;
    st.f_bfree = (limit - used) / kStatfsBlockSize;
    st.f_bavail = st.f_bfree;
    st.f_namemax = kNameMax;
    fuse_reply_statfs(req, &st);
}

fuse_lowlevel_ops make_operations() {
    fuse_lowlevel_ops ops{};
    ops.init = init;
    ops.lookup = lookup;
    ops.forget = forget;
    ops.forget_multi = forget_multi;
    ops.getattr = getattr;
    ops.readlink = readlink;
    ops.open = open;
    ops.read = read;
    ops.release = release;
    ops.opendir = opendir;
    ops.readdir = readdir;
    ops.readdirplus = readdirplus;
    ops.releasedir = releasedir;
    ops.getxattr = getxattr;
    ops.listxattr = listxattr;
    ops.statfs = statfs;
    set_write_ops(ops);
    return ops;
}

}  // namespace
}  // namespace azblobfs::fuse_ops

namespace azblobfs {

const fuse_lowlevel_ops& fuse_operations() {
    static const fuse_lowlevel_ops ops = fuse_ops::make_operations();
    return ops;
}

}  // namespace azblobfs
