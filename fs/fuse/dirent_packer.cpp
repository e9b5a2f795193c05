#include "fs/fuse/dirent_packer.h"

namespace azblobfs {

namespace {

// Size of a packed entry whose name has one byte: the smallest entry there can be.
size_t smallest_dirent() { return fuse_add_direntry(nullptr, nullptr, 0, "x", nullptr, 0); }

size_t smallest_dirent_plus() {
    fuse_entry_param e{};
    return fuse_add_direntry_plus(nullptr, nullptr, 0, "x", &e, 0);
}

}  // namespace

bool counts_as_lookup(const DirEntryPlus& entry) {
    return entry.entry.attr.ino != 0 && entry.name != "." && entry.name != "..";
}

size_t max_dirents(size_t size) { return size / smallest_dirent(); }

size_t max_dirents_plus(size_t size) { return size / smallest_dirent_plus(); }

fuse_entry_param to_entry_param(const EntryReply& reply) {
    fuse_entry_param e{};
    e.ino = reply.attr.ino;
    e.attr = reply.attr.st;
    e.attr.st_ino = static_cast<ino_t>(reply.attr.ino);
    e.attr_timeout = reply.attr_timeout_s;
    e.entry_timeout = reply.entry_timeout_s;
    return e;
}

size_t pack_dirents(fuse_req_t req, const std::vector<DirEntryPlus>& entries, uint64_t first_offset,
                    char* buf, size_t size) {
    size_t used = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
        struct stat st{};
        st.st_ino = static_cast<ino_t>(entries[i].entry.attr.ino);
        st.st_mode = entries[i].entry.attr.st.st_mode;
        auto next = static_cast<off_t>(first_offset + i + 1);
        size_t need = fuse_add_direntry(req, buf + used, size - used, entries[i].name.c_str(), &st, next);
        if (need > size - used) break;
        used += need;
    }
    return used;
}

size_t pack_dirents_plus(fuse_req_t req, Filesystem& fs, const std::vector<DirEntryPlus>& entries,
                         uint64_t first_offset, char* buf, size_t size, size_t* packed) {
    size_t used = 0;
    size_t i = 0;
    for (; i < entries.size(); ++i) {
        fuse_entry_param e = to_entry_param(entries[i].entry);
        auto next = static_cast<off_t>(first_offset + i + 1);
        size_t need = fuse_add_direntry_plus(req, buf + used, size - used, entries[i].name.c_str(), &e, next);
        if (need > size - used) break;
        used += need;
    }
    *packed = i;
    forget_entries(fs, entries, i, entries.size());
    return used;
}

void forget_entries(Filesystem& fs, const std::vector<DirEntryPlus>& entries, size_t begin, size_t end) {
    for (size_t i = begin; i < end && i < entries.size(); ++i) {
        if (counts_as_lookup(entries[i])) fs.forget(entries[i].entry.attr.ino, 1);
    }
}

}  // namespace azblobfs
