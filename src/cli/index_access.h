// How the index commands reach a cache's LMDB environment: through a running mount (its run
// file names the cache directory; the environment is shared with the mount process, LMDB's lock
// file serialising writers) or a cache directory (opened on its own, or shared when a mount
// holds it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cache/cache_env.h"
#include "cache/sidecar_index.h"
#include "cli/index_commands.h"
#include "common/status.h"

namespace azblobfs {

struct OpenedIndex {
    std::string cache_dir;
    bool beside_mount = false;   // a running mount holds the directory
    std::shared_ptr<CacheEnv> env;
    std::shared_ptr<SidecarIndex> index;
};

// NotFound when --mount names no running mount; InvalidArgument when neither is given.
// `read_only` (queries): the cache directory is opened without its lock, as beside a mount.
Result<OpenedIndex> open_index(const IndexTarget& target, uint64_t map_size, bool read_only);

}  // namespace azblobfs
