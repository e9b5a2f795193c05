#include "cli/mount_preflight.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "azure/azure_blob_store.h"
#include "cli/mount_registry.h"

namespace azblobfs {
namespace {

// One attempt: a check at a moment of outage fails at once with one clear line (a retry would
// also log a warning line per attempt); the mount itself uses the full retry policy.
AzureStoreOptions preflight_store_options() {
    AzureStoreOptions options;
    options.retry.max_attempts = 1;
    options.retry.max_total = std::chrono::milliseconds(0);
    options.retry.low_speed_time = std::chrono::seconds(10);
    return options;
}

// The first request's outcome: ok, or the Status of the failure.
Status probe(BlobStore& store, const std::optional<std::string>& container) {
    if (container) {
        ListOptions options;
        options.max_results = 1;
        auto page = store.list_blobs(*container, options);
        return page.is_ok() ? Status::ok() : page.status();
    }
    auto containers = store.list_containers();
    return containers.is_ok() ? Status::ok() : containers.status();
}

bool is_unreachable(const Status& status) {
    return status.code() == Code::kUnavailable || status.code() == Code::kThrottled;
}

}  // namespace

Status check_mountpoint(const std::string& mountpoint) {
    struct stat st{};
    if (::stat(mountpoint.c_str(), &st) != 0) {
        if (errno == ENOENT) return Status(Code::kNotFound, "mountpoint " + mountpoint + " does not exist");
        if (errno == ENOTCONN) {
            return Status(Code::kConflict, "mountpoint " + mountpoint +
                                               " is a disconnected FUSE mount: run azblobfs unmount " + mountpoint);
        }
        return Status(Code::kIoError, "mountpoint " + mountpoint + ": " + std::strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) return Status(Code::kNotDirectory, "mountpoint " + mountpoint + " is not a directory");
    auto mounted = find_mount(mountpoint);
    if (mounted && mounted->type == kMountType) {
        return Status(Code::kAlreadyExists, mountpoint + " is already an azblobfs mount (" + mounted->source + ")");
    }
    return Status::ok();
}

Result<StoreReachability> check_store(const AccountConfig& account, const std::optional<std::string>& container,
                                      std::shared_ptr<HttpTransport> transport, bool offline_index_available) {
    auto store = make_azure_blob_store(account, std::move(transport), preflight_store_options());
    Status st = probe(*store, container);
    if (st.is_ok()) return StoreReachability::kOnline;
    if (is_unreachable(st)) {
        std::string cause = "endpoint " + account.blob_endpoint + " is unreachable: " + st.message();
        if (!offline_index_available) return Status(st.code(), cause);
        spdlog::warn("{}; mounting offline from the cached index (answers may be stale)", cause);
        return StoreReachability::kOffline;
    }
    if (st.code() == Code::kAuthFailed) {
        std::string detail;
        if (st.http_status() != 0) detail = " (HTTP " + std::to_string(st.http_status()) + " " + st.azure_code() + ")";
        return Status(st.code(), "authentication failed for account " + account.account_name +
                                     ": check the key or SAS" + detail);
    }
    if (st.code() == Code::kNotFound && container) {
        return Status(st.code(), "container " + *container + " does not exist in account " + account.account_name);
    }
    return Status(st.code(), "cannot use account " + account.account_name + " at " + account.blob_endpoint + ": " +
                                 st.to_string());
}

}  // namespace azblobfs
