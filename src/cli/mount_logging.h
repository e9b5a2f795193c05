// Logging of the mount process: to stderr in the foreground (as every subcommand), or to a file
// (--log-file, or <cache-dir>/azblobfs.log for a daemon, whose stderr is /dev/null once mounted).
#pragma once

#include <string>

#include "common/status.h"

namespace azblobfs {

// Makes a logger writing to `file` (appending; created 0600, its directory 0700) the default.
// Lines of level info and above are flushed at once.
Status log_to_file(const std::string& file, const std::string& level);

}  // namespace azblobfs
