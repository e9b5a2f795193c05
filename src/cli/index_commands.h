// `azblobfs query` and `azblobfs index rebuild` (docs/INDEX.md): the sidecar index of a mount
// (--mount MP, found through its run file) or of a cache directory (--cache-dir DIR), online
// or offline. Each returns a process exit code: 0 done, 1 failure (one line naming the cause),
// 2 bad usage or a malformed query (with the column of the error).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "azure/credentials.h"
#include "cli/commands.h"

namespace azblobfs {

struct IndexTarget {
    std::string mountpoint;  // --mount
    std::string cache_dir;   // --cache-dir
};

struct QueryFlags {
    IndexTarget target;
    std::string expression;
    std::string format = "paths";  // paths | json
    std::string fields;            // comma-separated, with --format json
    bool count = false;
};

struct RebuildFlags {
    IndexTarget target;
    std::string container;
    std::string prefix;
    int threads = 16;
    std::string cache_size = "2G";  // map size when the cache directory is opened on its own
};

struct IndexCliFlags {
    QueryFlags query;
    RebuildFlags rebuild;
};

void add_index_subcommands(CLI::App& app, IndexCliFlags& flags);

int cmd_query(const QueryFlags& flags, CommandIo io);
int cmd_index_rebuild(const RebuildFlags& flags, const AccountConfig& account, CommandIo io);

}  // namespace azblobfs
