// Client subcommands that work on a BlobStore directly (no mount): ls, cat, put, rm, mb, sas,
// sample-data. Each returns a process exit code and prints errors as one line naming the blob.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "azure/credentials.h"
#include "blob/blob_store.h"

namespace azblobfs {

struct BlobPath {
    std::string container;
    std::string blob;  // may be empty (the whole container)
};

// "container/dir/name" -> {container, "dir/name"}; a leading '/' is ignored.
BlobPath split_blob_path(const std::string& path);

struct CommandIo {
    std::ostream& out;
    std::ostream& err;
};

int cmd_ls(BlobStore& store, const std::string& path, bool long_format, bool recursive, CommandIo io);
int cmd_cat(BlobStore& store, const std::string& path, uint64_t offset, uint64_t length, CommandIo io);
int cmd_put(BlobStore& store, const std::string& local_file, const std::string& path,
            const std::string& content_type, CommandIo io);
int cmd_rm(BlobStore& store, const std::string& path, CommandIo io);
int cmd_mb(BlobStore& store, const std::string& container, CommandIo io);
int cmd_sas(const AccountConfig& account, const std::string& container, int hours, CommandIo io);
int cmd_sample_data(BlobStore& store, int twins, uint64_t seed, CommandIo io);

}  // namespace azblobfs
