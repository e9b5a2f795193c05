#include "fs/attributes.h"

#include <optional>

#include "fs/entry_builder.h"

namespace azblobfs {

namespace {

struct timespec to_timespec(int64_t ns) {
    struct timespec ts{};
    int64_t sec = ns / 1000000000LL;
    int64_t rem = ns % 1000000000LL;
    if (rem < 0) {
        rem += 1000000000LL;
        --sec;
    }
    ts.tv_sec = static_cast<time_t>(sec);
    ts.tv_nsec = static_cast<long>(rem);
    return ts;
}

// Permission bits stored by chmod in metadata "mode" (octal), or nullopt.
std::optional<mode_t> stored_mode(const EntryRecord& record) {
    auto it = record.metadata.find(kModeKey);
    if (it == record.metadata.end() || it->second.empty() || it->second.size() > 6) return std::nullopt;
    mode_t m = 0;
    for (char c : it->second) {
        if (c < '0' || c > '7') return std::nullopt;
        m = static_cast<mode_t>(m * 8 + static_cast<mode_t>(c - '0'));
    }
    return static_cast<mode_t>(m & 07777);
}

}  // namespace

Attributes make_attributes(uint64_t ino, const EntryRecord& record, const FsOptions& options) {
    Attributes a;
    a.ino = ino;
    struct stat& st = a.st;
    st.st_ino = static_cast<ino_t>(ino);
    switch (record.type) {
        case EntryType::kDirectory:
            st.st_mode = S_IFDIR | (options.dir_mode & 07777);
            st.st_nlink = 2;
            break;
        case EntryType::kSymlink:
            st.st_mode = S_IFLNK | 0777;
            st.st_nlink = 1;
            break;
        case EntryType::kFile:
            st.st_mode = S_IFREG | (options.file_mode & 07777);
            st.st_nlink = 1;
            break;
    }
    if (options.store_mode && record.type != EntryType::kSymlink) {
        if (auto m = stored_mode(record)) st.st_mode = (st.st_mode & S_IFMT) | *m;
    }
    st.st_uid = options.uid;
    st.st_gid = options.gid;
    uint64_t size = record.type == EntryType::kDirectory ? 0 : record.size;
    st.st_size = static_cast<off_t>(size);
    st.st_blocks = static_cast<blkcnt_t>((size + 511) / 512);
    st.st_blksize = static_cast<blksize_t>(kStatBlockSize);
    st.st_mtim = to_timespec(record.mtime_ns);
    st.st_atim = st.st_mtim;
    st.st_ctim = to_timespec(record.ctime_ns != 0 ? record.ctime_ns : record.mtime_ns);
    return a;
}

}  // namespace azblobfs
