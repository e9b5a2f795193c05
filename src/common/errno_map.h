// The one place where Status codes become errno values (used by the FUSE adapter and the CLI).
#pragma once

#include "common/status.h"

namespace azblobfs {

int to_errno(const Status& status);

}  // namespace azblobfs
