#include "cli/index_access.h"

#include <unistd.h>

#include <filesystem>

#include "cli/mount_registry.h"

namespace azblobfs {

Result<OpenedIndex> open_index(const IndexTarget& target, uint64_t map_size, bool read_only) {
    OpenedIndex opened;
    if (!target.mountpoint.empty()) {
        std::error_code ec;
        std::string mp = std::filesystem::absolute(target.mountpoint, ec).lexically_normal().string();
        while (mp.size() > 1 && mp.back() == '/') mp.pop_back();
        auto dir = read_side_file(kRunDir, mp, SideFile::kCacheDir);
        auto pid = read_pid_file(kRunDir, mp);
        if (!dir || !pid || !is_azblobfs_process(*pid)) {
            return Status(Code::kNotFound, "no running azblobfs mount at " + mp +
                                               " (use --cache-dir for an unmounted cache)");
        }
        opened.cache_dir = *dir;
        opened.beside_mount = true;
    } else if (!target.cache_dir.empty()) {
        opened.cache_dir = target.cache_dir;
    } else {
        return Status(Code::kInvalidArgument, "give --mount MOUNTPOINT or --cache-dir DIR");
    }
    // A reader never takes the directory lock, so a mount may start while it runs.
    if (read_only) opened.beside_mount = true;
    if (read_only && ::access((opened.cache_dir + "/data.mdb").c_str(), R_OK) != 0) {
        return Status(Code::kNotFound, "cache directory " + opened.cache_dir + " holds no index");
    }
    CacheEnvOptions options;
    options.beside_mount = opened.beside_mount;
    auto env = open_cache_env(opened.cache_dir, opened.beside_mount ? 0 : map_size, options);
    if (!env && env.status().code() == Code::kConflict) {
        // The directory belongs to a running mount: share it, as --mount would.
        options.beside_mount = opened.beside_mount = true;
        env = open_cache_env(opened.cache_dir, 0, options);
    }
    if (!env) return env.status();
    opened.env = *env;
    opened.index = make_sidecar_index(opened.env);
    return opened;
}

}  // namespace azblobfs
