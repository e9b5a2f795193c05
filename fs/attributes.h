// stat(2) view of an EntryRecord under the mount options:
//  - st_mode: S_IFREG | file_mode, S_IFDIR | dir_mode, S_IFLNK | 0777; st_nlink 1 (files,
//    symlinks) or 2 (directories); st_uid/st_gid from the options.
//  - st_size: blob size (symlink: target length; directory: 0); st_blocks = ceil(size / 512);
//    st_blksize = 1 MiB, so cp and friends use large reads.
//  - st_mtim = mtime_ns, st_atim = mtime, st_ctim = ctime_ns (mtime when ctime_ns is 0, as
//    for virtual directories), all with nanoseconds.
#pragma once

#include <cstdint>

#include "cache/entry_record.h"
#include "fs/filesystem.h"

namespace azblobfs {

inline constexpr uint64_t kStatBlockSize = 1 << 20;

Attributes make_attributes(uint64_t ino, const EntryRecord& record, const FsOptions& options);

}  // namespace azblobfs
