// Command-line registration of `mount`, `unmount` and `status` (CLI11), used by main.cpp.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/mount_options.h"

namespace azblobfs {

struct MountCliFlags {
    MountFlags mount;
    std::string unmount_point;
    std::string status_cache_dir;
};

void add_mount_subcommands(CLI::App& app, MountCliFlags& flags);

}  // namespace azblobfs
