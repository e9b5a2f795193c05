// Directory streams: opendir, readdir, readdirplus, releasedir.
#include <vector>

#include "common/errno_map.h"
#include "fs/filesystem.h"
#include "fs/fuse/dirent_packer.h"
#include "fs/fuse/fuse_ops_internal.h"

namespace azblobfs::fuse_ops {

void opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    Filesystem& fs = *context(req).fs;
    auto fh = fs.opendir(ino);
    if (!fh.is_ok()) {
        fuse_reply_err(req, to_errno(fh.status()));
        return;
    }
    fi->fh = *fh;
    if (fuse_reply_open(req, fi) != 0) fs.releasedir(ino, *fh);
}

void readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
    Filesystem& fs = *context(req).fs;
    auto offset = static_cast<uint64_t>(off);
    auto entries = fs.readdir(ino, fi->fh, offset, max_dirents(size), /*plus=*/false);
    if (!entries.is_ok()) {
        fuse_reply_err(req, to_errno(entries.status()));
        return;
    }
    std::vector<char> buf(size);
    size_t used = pack_dirents(req, *entries, offset, buf.data(), buf.size());
    fuse_reply_buf(req, buf.data(), used);
}

// Asks the core only for as many entries as the buffer could hold at best; those that still do
// not fit (long names) are forgotten by the packer, and all of them if the reply fails.
void readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
    Filesystem& fs = *context(req).fs;
    auto offset = static_cast<uint64_t>(off);
    auto entries = fs.readdir(ino, fi->fh, offset, max_dirents_plus(size), /*plus=*/true);
    if (!entries.is_ok()) {
        fuse_reply_err(req, to_errno(entries.status()));
        return;
    }
    std::vector<char> buf(size);
    size_t packed = 0;
    size_t used = pack_dirents_plus(req, fs, *entries, offset, buf.data(), buf.size(), &packed);
    if (fuse_reply_buf(req, buf.data(), used) != 0) forget_entries(fs, *entries, 0, packed);
}

void releasedir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    context(req).fs->releasedir(ino, fi->fh);
    fuse_reply_err(req, 0);
}

}  // namespace azblobfs::fuse_ops
