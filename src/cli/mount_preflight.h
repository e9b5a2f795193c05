// Checks made before anything is mounted, each failing with one line that names the cause:
//   "mountpoint /x does not exist", "mountpoint /x is not a directory",
//   "/x is already an azblobfs mount",
//   "endpoint http://... is unreachable: ...",
//   "authentication failed for account A: check the key or SAS",
//   "container C does not exist in account A".
// The store check makes a single attempt (connect timeout 5 s), so an unreachable endpoint
// fails within seconds rather than after the mount's full retry budget.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "azure/credentials.h"
#include "azure/http_transport.h"
#include "common/status.h"

namespace azblobfs {

Status check_mountpoint(const std::string& mountpoint);

enum class StoreReachability { kOnline, kOffline };

// Lists the container (--container) or the account's containers, in one attempt.
// With `offline_index_available`, an unreachable endpoint is kOffline (a warning is logged)
// instead of an error. `transport` is the caller's; it is only borrowed for the check.
Result<StoreReachability> check_store(const AccountConfig& account, const std::optional<std::string>& container,
                                      std::shared_ptr<HttpTransport> transport, bool offline_index_available);

}  // namespace azblobfs
