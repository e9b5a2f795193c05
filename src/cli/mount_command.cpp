#include "cli/mount_command.h"

#include <ostream>

#include <spdlog/spdlog.h>

#include "azure/curl_transport.h"
#include "cli/cache_identity.h"
#include "cli/mount_daemon.h"
#include "cli/mount_preflight.h"
#include "cli/mount_process.h"

namespace azblobfs {
namespace {

int fail(CommandIo io, const Status& status) {
    io.err << "azblobfs: " << status.message() << std::endl;
    return 1;
}

// Every check that can be made before anything is started. Returns whether the mount will be
// offline (endpoint unreachable, but the cache holds this account's index).
Result<bool> preflight(const MountSettings& s, const AccountConfig& account) {
    AZB_RETURN_IF_ERROR(check_mountpoint(s.mountpoint));
    CacheIdentity identity{account.account_name, s.fs.container};
    AZB_RETURN_IF_ERROR(check_cache_identity(s.cache_dir, identity));
    bool offline_index = has_offline_index(s.cache_dir, identity);
    // The transport lives only for the check: no thread or connection survives into the fork.
    auto transport = make_curl_transport(CurlTransportOptions{account.verify_tls, ""});
    AZB_ASSIGN_OR_RETURN(StoreReachability reach, check_store(account, s.fs.container, transport, offline_index));
    return reach == StoreReachability::kOffline;
}

}  // namespace

int cmd_mount(const MountFlags& flags, const AccountConfig& account, const std::string& log_level, CommandIo io) {
    auto settings = validate_mount_flags(flags, account, log_level);
    if (!settings) return fail(io, settings.status());
    auto offline = preflight(*settings, account);
    if (!offline) return fail(io, offline.status());
    const MountSettings& s = *settings;
    bool is_offline = *offline;
    auto child = [&s, &account, is_offline](StartupReporter& reporter) {
        return run_mount_process(s, account, is_offline, reporter);
    };
    if (s.foreground) {
        auto reporter = make_foreground_reporter(io.err);
        return child(*reporter);
    }
    return run_daemonized(child, io);
}

}  // namespace azblobfs
