// `azblobfs unmount` and `azblobfs status` (declared in mount_command.h).
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/mount_command.h"
#include "cli/mount_registry.h"
#include "cli/status_file.h"

extern char** environ;

namespace azblobfs {
namespace {

int fail(CommandIo io, const std::string& message) {
    io.err << "azblobfs: " << message << std::endl;
    return 1;
}

std::string normalise(const std::string& path) {
    std::error_code ec;
    std::string s = std::filesystem::absolute(path, ec).lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

// The mountpoint as /proc/mounts spells it: symlinks in its parent resolved (never the
// mountpoint itself: stat on a broken FUSE mount can hang or fail).
std::string mount_table_path(const std::string& path) {
    std::string p = normalise(path);
    if (find_mount(p)) return p;
    std::filesystem::path fp(p);
    std::error_code ec;
    auto parent = std::filesystem::canonical(fp.parent_path(), ec);
    if (ec) return p;
    return (parent / fp.filename()).string();
}

Status unmount_as_root(const std::string& mp) {
    if (::umount2(mp.c_str(), 0) == 0) return Status::ok();
    if (errno == EBUSY) {
        return Status(Code::kConflict, mp + " is busy: a process has a file open or its working "
                                            "directory there; close it and retry");
    }
    return Status(Code::kIoError, "umount " + mp + ": " + std::strerror(errno));
}

Status unmount_with_fusermount(const std::string& mp) {
    std::string prog = "fusermount3", flag = "-u", target = mp;
    char* argv[] = {prog.data(), flag.data(), target.data(), nullptr};
    pid_t pid = 0;
    if (posix_spawnp(&pid, "fusermount3", nullptr, nullptr, argv, environ) != 0) {
        return Status(Code::kIoError, "cannot run fusermount3 -u " + mp);
    }
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return Status::ok();
    return Status(Code::kIoError, "fusermount3 -u " + mp + " failed");
}

// Waits until `pid` no longer runs azblobfs; says so once if it takes more than a second.
bool wait_for_exit(pid_t pid, int wait_seconds, CommandIo io, const std::string& run_dir,
                   const std::string& mp) {
    using clock = std::chrono::steady_clock;
    auto start = clock::now();
    auto deadline = start + std::chrono::seconds(wait_seconds);
    bool told = false;
    std::string last_progress;
    auto next_progress = start;
    while (is_azblobfs_process(pid)) {
        if (clock::now() >= next_progress) {
            if (auto progress = read_side_file(run_dir, mp, SideFile::kProgress); progress && *progress != last_progress) {
                io.err << "azblobfs: " << *progress << std::endl;
                last_progress = *progress;
            }
            next_progress = clock::now() + std::chrono::seconds(2);
        }
        if (wait_seconds > 0 && clock::now() >= deadline) return false;
        if (!told && clock::now() - start > std::chrono::seconds(1)) {
            io.err << "azblobfs: waiting for the mount process (pid " << pid
                   << ") to finish uploading pending changes (progress in its log and status.json)..."
                   << std::endl;
            told = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

}  // namespace

int cmd_unmount(const std::string& mountpoint, CommandIo io, const UnmountOptions& options) {
    std::string mp = mount_table_path(mountpoint);
    auto entry = find_mount(mp);
    if (!entry) return fail(io, mp + " is not mounted");
    if (entry->type != kMountType) return fail(io, mp + " is not an azblobfs mount (type " + entry->type + ")");
    // 0: no live mount process is known (no pid file, or a stale one).
    pid_t pid = read_pid_file(options.run_dir, mp).value_or(0);
    if (pid > 0 && !is_azblobfs_process(pid)) {
        remove_pid_file_if_ours(options.run_dir, mp, pid);  // left by a mount that crashed
        pid = 0;
    }
    Status st = ::geteuid() == 0 ? unmount_as_root(mp) : unmount_with_fusermount(mp);
    if (!st.is_ok()) return fail(io, st.message());
    if (pid == 0) return 0;
    if (!wait_for_exit(pid, options.wait_seconds, io, options.run_dir, mp)) {
        return fail(io, mp + " is unmounted, but its process " + std::to_string(pid) + " is still running after " +
                            std::to_string(options.wait_seconds) + " s");
    }
    return 0;
}

int cmd_status(const std::string& cache_dir, CommandIo io) {
    std::string dir = normalise(cache_dir);
    auto text = read_status_file(dir);
    if (!text) return fail(io, text.status().message());
    io.out << *text;
    if (text->empty() || text->back() != '\n') io.out << "\n";
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.value("state", "") == "mounted" && j.contains("pid") && j["pid"].is_number_integer() &&
        !is_azblobfs_process(j["pid"].get<pid_t>())) {
        io.err << "azblobfs: note: process " << j["pid"].get<pid_t>()
               << " is not running; this status is from a mount that ended without cleaning up" << std::endl;
    }
    return 0;
}

}  // namespace azblobfs
