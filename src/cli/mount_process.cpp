#include "cli/mount_process.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

#include <chrono>
#include <ctime>
#include <memory>

#include <spdlog/spdlog.h>

#include "azure/azure_blob_store.h"
#include "blob/metered_blob_store.h"
#include "blob/unreachable_guard_store.h"
#include "azure/curl_transport.h"
#include "cache/block_cache.h"
#include "cache/cache_env.h"
#include "cache/journal.h"
#include "cache/local_cache.h"
#include "cache/metadata_index.h"
#include "cache/sidecar_index.h"
#include "cache/sidecar_refresher.h"
#include "cli/cache_identity.h"
#include "cli/mount_logging.h"
#include "cli/mount_registry.h"
#include "cli/status_file.h"
#include "fs/filesystem.h"
#include "fs/fuse/fuse_mount.h"

namespace azblobfs {
namespace {

struct MountParts {
    std::shared_ptr<CacheEnv> env;
    std::shared_ptr<MetadataIndex> index;
    std::shared_ptr<Journal> journal;
    std::shared_ptr<LocalCache> cache;
    Flusher* flusher = nullptr;  // the cache's; null on a read-only mount
    std::shared_ptr<SidecarIndex> sidecars;
    std::unique_ptr<SidecarRefresher> refresher;
    std::unique_ptr<Filesystem> fs;
    std::shared_ptr<RequestCounters> requests;  // every request the mount sends, by kind
};

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

// A cache directory held by another process: name the mount that holds it when we can.
Status explain_cache_conflict(const Status& status, const std::string& cache_dir) {
    if (status.code() != Code::kConflict) return status;
    std::string message = "cache directory " + cache_dir + " is in use by another azblobfs mount";
    auto holder = describe_running_mount(cache_dir);
    if (holder) message += " (" + *holder + ")";
    return Status(Code::kConflict, message + ": use another --cache-dir");
}

Result<MountParts> build_parts(const MountSettings& s, const AccountConfig& account) {
    MountParts parts;
    CacheEnvOptions env_options;
    env_options.rules = s.index_rules;
    auto env = open_cache_env(s.cache_dir, s.cache_size, env_options);
    if (!env) return explain_cache_conflict(env.status(), s.cache_dir);
    parts.env = *env;
    CacheIdentity identity{account.account_name, s.fs.container};
    AZB_RETURN_IF_ERROR(check_cache_identity(s.cache_dir, identity));
    AZB_RETURN_IF_ERROR(write_cache_identity(s.cache_dir, identity));
    parts.index = make_metadata_index(parts.env);
    std::shared_ptr<BlockCache> cache = make_block_cache(parts.env, s.block_limit);
    auto transport = make_curl_transport(CurlTransportOptions{account.verify_tls, ""});
    // The guard makes offline answers immediate once the endpoint is known to be unreachable,
    // instead of paying the retry budget on every lookup.
    // The meter sits inside the guard: it counts requests that reach the network.
    parts.requests = std::make_shared<RequestCounters>();
    std::shared_ptr<BlobStore> store = make_unreachable_guard_store(
        make_metered_store(make_azure_blob_store(account, transport), parts.requests));
    parts.journal = make_journal(parts.env);
    parts.sidecars = make_sidecar_index(parts.env);
    LocalCacheOptions co;
    co.reads = s.reads;
    if (!s.read_only) {
        FlusherOptions fo;
        fo.upload_delay_s = s.upload_delay_s;
        fo.threads = s.upload_threads;
        co.write_back = fo;
    } else if (parts.journal->stats().records > 0) {
        spdlog::warn("read-only mount: {} change(s) of an earlier mount wait in the journal of {}; "
                     "they upload at the next writable mount",
                     parts.journal->stats().records, s.cache_dir);
    }
    parts.cache = std::make_shared<LocalCache>(
        store, LocalCacheParts{parts.index, cache, parts.journal, parts.sidecars}, co);
    parts.flusher = parts.cache->flusher();
    parts.fs = make_filesystem(store, parts.cache, s.fs);
    SidecarRefresherOptions ro;
    ro.container = s.fs.container;
    parts.refresher = std::make_unique<SidecarRefresher>(store, parts.sidecars, parts.journal, ro);
    parts.cache->start_uploads();
    parts.refresher->start();
    return parts;
}

FuseMountConfig fuse_config(const MountSettings& s) {
    FuseMountConfig config;
    config.mountpoint = s.mountpoint;
    config.fsname = fs_name(s.account, s.fs.container);
    config.options = s.fuse_options;
    config.read_only = s.read_only;
    config.attr_timeout_s = s.fs.attr_ttl_s;
    return config;
}

class StatusReporter {
public:
    StatusReporter(const MountSettings& s, MountParts& parts, bool offline) : parts_(parts) {
        base_.pid = ::getpid();
        base_.mountpoint = s.mountpoint;
        base_.cache_dir = s.cache_dir;
        base_.account = s.account;
        base_.container = s.fs.container;
        base_.offline = offline;
        base_.started_at = unix_now();
    }

    void write(bool mounted) {
        StatusSnapshot snap = base_;
        snap.mounted = mounted;
        snap.updated_at = unix_now();
        snap.fs = parts_.fs->status();
        snap.env = parts_.env->stats();
        snap.requests = parts_.requests->snapshot();
        auto index = parts_.index->stats();
        if (index.is_ok()) snap.index = *index;
        auto sidecars = parts_.sidecars->stats();
        if (sidecars.is_ok()) snap.sidecars = *sidecars;
        snap.refresher = parts_.refresher->stats();
        Status st = write_status_file(base_.cache_dir, status_json_text(snap));
        if (!st.is_ok() && !warned_) spdlog::warn("status file: {}", st.message());
        warned_ = warned_ || !st.is_ok();
    }

private:
    MountParts& parts_;
    StatusSnapshot base_;
    bool warned_ = false;  // touched by one thread at a time (writer thread, then main)
};

// True when SIGTERM or SIGINT is pending (the termination signals are blocked in this thread),
// consuming it.
bool termination_requested() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    struct timespec zero {};
    return sigtimedwait(&set, nullptr, &zero) > 0;
}

// After the filesystem is unmounted: waits until every journaled change is uploaded, logging
// progress. A SIGTERM/SIGINT stops the wait; what is left stays in the journal for the next mount.
void drain_uploads(const MountSettings& s, MountParts& parts, StatusReporter& status) {
    if (!parts.flusher || parts.journal->stats().records == 0) return;
    std::atomic<bool> interrupted{false};
    auto last_log = std::chrono::steady_clock::now() - std::chrono::seconds(10);
    spdlog::warn("unmount: uploading {} pending change(s), {} bytes; SIGTERM again to stop waiting "
                 "(they then stay in the journal for the next mount)",
                 parts.journal->stats().records, parts.journal->stats().dirty_bytes);
    Status drained = parts.flusher->drain(
        [&](const FlusherStats& st) {
            if (termination_requested()) interrupted = true;
            status.write(false);
            std::string line = std::to_string(st.pending_records) + " change(s), " +
                               std::to_string(st.dirty_bytes) + " bytes left to upload";
            write_side_file(kRunDir, s.mountpoint, SideFile::kProgress, line);
            if (std::chrono::steady_clock::now() - last_log >= std::chrono::seconds(2)) {
                spdlog::warn("unmount: {}", line);
                last_log = std::chrono::steady_clock::now();
            }
        },
        interrupted);
    remove_side_file(kRunDir, s.mountpoint, SideFile::kProgress);
    if (drained.is_ok()) {
        spdlog::warn("unmount: every change is uploaded");
    } else {
        spdlog::warn("unmount: stopped waiting: {}", drained.message());
    }
}

// Serves the mounted filesystem until it is unmounted; returns the loop's outcome.
Status serve(const MountSettings& s, MountParts& parts, bool offline, StartupReporter& reporter) {
    auto mount = FuseMount::mount(*parts.fs, fuse_config(s));
    if (!mount) return mount.status();
    Status pid_file = write_pid_file(kRunDir, s.mountpoint, ::getpid());
    if (!pid_file.is_ok()) spdlog::warn("{} (azblobfs unmount will not wait for this process)", pid_file.message());
    write_side_file(kRunDir, s.mountpoint, SideFile::kCacheDir, s.cache_dir);
    StatusReporter status(s, parts, offline);
    Status loop;
    {
        PeriodicWriter writer([&status] { status.write(true); },
                              std::chrono::milliseconds(static_cast<int>(kStatusIntervalSeconds * 1000)));
        spdlog::info("mounted {} at {}{}", fuse_config(s).fsname, s.mountpoint, offline ? " (offline)" : "");
        reporter.ready();
        loop = (*mount)->run();
        if (!loop.is_ok()) spdlog::error("{}", loop.message());
        writer.stop();
        mount->reset();
    }
    drain_uploads(s, parts, status);
    status.write(false);
    if (read_pid_file(kRunDir, s.mountpoint) == ::getpid()) remove_side_file(kRunDir, s.mountpoint, SideFile::kCacheDir);
    remove_pid_file_if_ours(kRunDir, s.mountpoint, ::getpid());
    spdlog::info("unmounted {}", s.mountpoint);
    return loop;
}

// A failure before the mount came up: reported to whoever waits for the start (the foreground
// reporter prints it; a daemon's parent prints it), and written to the daemon's log file.
int fail_start(const MountSettings& s, const Status& status, StartupReporter& reporter) {
    if (!s.foreground) spdlog::error("{}", status.message());
    reporter.failed(status);
    return 1;
}

}  // namespace

int run_mount_process(const MountSettings& s, const AccountConfig& account, bool offline,
                      StartupReporter& reporter) {
    block_termination_signals();
    if (!s.foreground && ::chdir("/") != 0) spdlog::debug("chdir / failed");
    if (!s.log_file.empty()) {
        Status st = log_to_file(s.log_file, s.log_level);
        if (!st.is_ok()) return fail_start(s, st, reporter);
    }
    auto parts = build_parts(s, account);
    if (!parts) return fail_start(s, parts.status(), reporter);
    Status served = serve(s, *parts, offline, reporter);
    if (!served.is_ok()) fail_start(s, served, reporter);
    std::shared_ptr<CacheEnv> env = parts->env;
    parts->refresher->stop();
    parts->cache->stop_uploads();
    parts->refresher.reset();
    parts->fs.reset();
    parts->flusher = nullptr;
    parts->cache.reset();
    parts->journal.reset();
    parts->index.reset();
    parts->env.reset();
    Status synced = env->sync();
    if (!synced.is_ok()) spdlog::error("{}", synced.message());
    return served.is_ok() && synced.is_ok() ? 0 : 1;
}

}  // namespace azblobfs
