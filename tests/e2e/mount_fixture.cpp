#include "e2e/mount_fixture.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "e2e/shell.h"

extern char** environ;

namespace azblobfs::e2e {

namespace {

using Clock = std::chrono::steady_clock;

// /proc/mounts escapes space, tab, newline and backslash as \ooo.
std::string unescape_mount_field(const std::string& field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            out.push_back(static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8)));
            i += 3;
        } else {
            out.push_back(field[i]);
        }
    }
    return out;
}

// The environment of the mount process: ours without AZURE_STORAGE_* (they would override
// the development account the tests use).
std::vector<std::string> child_environment() {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e)
        if (std::strncmp(*e, "AZURE_STORAGE_", 14) != 0) env.emplace_back(*e);
    return env;
}

std::vector<std::string> mount_argv(const MountOptions& o, const std::filesystem::path& mountpoint) {
    std::vector<std::string> argv = {azblobfs_bin(), "mount", mountpoint.string(), "-f",
                                     "--cache-dir", o.cache_dir.string(), "--blob-endpoint", o.blob_endpoint,
                                     "--log-level", o.log_level};
    if (o.container) argv.insert(argv.end(), {"--container", *o.container});
    if (!o.cache_size.empty()) argv.insert(argv.end(), {"--cache-size", o.cache_size});
    argv.insert(argv.end(), o.extra_args.begin(), o.extra_args.end());
    return argv;
}

// Waits for `pid` until the deadline; returns true (and the wait status) when it exited.
bool wait_exit(pid_t pid, Clock::time_point deadline, int* status) {
    while (true) {
        if (waitpid(pid, status, WNOHANG) == pid) return true;
        if (Clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by signal ") + strsignal(WTERMSIG(status));
    return "stopped";
}

}  // namespace

std::string azblobfs_bin() { return AZBLOBFS_BIN; }

bool is_azblobfs_mount(const std::filesystem::path& mountpoint) {
    std::ifstream in("/proc/mounts");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string source, target, type;
        fields >> source >> target >> type;
        if (type == "fuse.azblobfs" && unescape_mount_field(target) == mountpoint.string()) return true;
    }
    return false;
}

Mount::Mount(const MountOptions& options)
    : mountpoint_(dir_.path() / "mnt"), log_path_(dir_.path() / "mount.log"), cache_dir_(options.cache_dir) {
    std::filesystem::create_directory(mountpoint_);
}

Result<std::unique_ptr<Mount>> Mount::start(const MountOptions& options) {
    std::unique_ptr<Mount> m(new Mount(options));
    AZB_RETURN_IF_ERROR(m->launch(options));
    Status ready = m->wait_until_mounted(options.ready_timeout);
    if (!ready.is_ok()) return ready;  // ~Mount cleans up
    return m;
}

Status Mount::launch(const MountOptions& options) {
    std::vector<std::string> args = mount_argv(options, mountpoint_);
    std::vector<std::string> env = child_environment();
    std::vector<char*> cargv, cenv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    for (auto& e : env) cenv.push_back(e.data());
    cenv.push_back(nullptr);
    std::string log = log_path_.string();
    pid_t parent = getpid();

    pid_t pid = fork();
    if (pid < 0) return Status(Code::kInternal, std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(124);
        int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        int in = open("/dev/null", O_RDONLY);
        if (out < 0 || in < 0) _exit(125);
        dup2(in, STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
        execve(cargv[0], cargv.data(), cenv.data());
        _exit(127);
    }
    pid_ = pid;
    return Status::ok();
}

Status Mount::wait_until_mounted(std::chrono::seconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!is_azblobfs_mount(mountpoint_)) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return Status(Code::kUnavailable, "azblobfs mount " + describe_wait_status(status) +
                                                  " before mounting; its output:\n" + log());
        }
        if (Clock::now() > deadline)
            return Status(Code::kUnavailable, "azblobfs mount did not appear in /proc/mounts within " +
                                                  std::to_string(timeout.count()) + " s; its output:\n" + log());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Status::ok();
}

Status Mount::unmount() {
    CommandResult r = run_command({azblobfs_bin(), "unmount", mountpoint_.string()});
    if (r.exit_code != 0)
        return Status(Code::kInternal, "azblobfs unmount failed: " + r.describe() + "\nmount output:\n" + log());
    if (pid_ > 0) {
        int status = 0;
        if (!wait_exit(pid_, Clock::now() + std::chrono::seconds(30), &status))
            return Status(Code::kInternal, "mount process still running 30 s after unmount; output:\n" + log());
        pid_ = -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return Status(Code::kInternal, "mount process " + describe_wait_status(status) + "; output:\n" + log());
    }
    if (is_azblobfs_mount(mountpoint_))
        return Status(Code::kInternal, "still listed in /proc/mounts after azblobfs unmount returned");
    return Status::ok();
}

void Mount::cleanup() {
    int status = 0;
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        if (!wait_exit(pid_, Clock::now() + std::chrono::seconds(10), &status)) {
            umount2(mountpoint_.c_str(), MNT_DETACH);
            if (!wait_exit(pid_, Clock::now() + std::chrono::seconds(5), &status)) {
                kill(pid_, SIGKILL);
                waitpid(pid_, &status, 0);
            }
        }
        pid_ = -1;
    }
    for (int i = 0; i < 10 && is_azblobfs_mount(mountpoint_); ++i) umount2(mountpoint_.c_str(), MNT_DETACH);
}

Mount::~Mount() {
    cleanup();
    if (::testing::Test::HasFailure()) {
        std::string text = log();
        if (text.size() > 6000) text = "...\n" + text.substr(text.size() - 6000);
        std::fprintf(stderr, "--- output of the azblobfs mount at %s (test failed) ---\n%s\n---\n",
                     mountpoint_.c_str(), text.c_str());
    }
}

std::string Mount::log() const { return read_local_file(log_path_); }

Result<nlohmann::json> Mount::status_json() const { return read_status_json(cache_dir_); }

Result<nlohmann::json> Mount::fresh_status_json(std::chrono::seconds timeout) const {
    return wait_for_status_json(cache_dir_, std::filesystem::file_time_type::clock::now(), timeout);
}

Result<nlohmann::json> read_status_json(const std::filesystem::path& cache_dir) {
    std::filesystem::path p = cache_dir / "status.json";
    std::string text = read_local_file(p);
    if (text.empty()) return Status(Code::kNotFound, p.string() + " is missing or empty");
    auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) return Status(Code::kInternal, p.string() + " is not JSON: " + text.substr(0, 500));
    return json;
}

Result<nlohmann::json> wait_for_status_json(const std::filesystem::path& cache_dir,
                                            std::filesystem::file_time_type since,
                                            std::chrono::seconds timeout) {
    std::filesystem::path p = cache_dir / "status.json";
    auto deadline = Clock::now() + timeout;
    Status last(Code::kNotFound, p.string() + " was not rewritten within " + std::to_string(timeout.count()) + " s");
    while (Clock::now() < deadline) {
        std::error_code ec;
        auto written = std::filesystem::last_write_time(p, ec);
        if (!ec && written > since) {
            auto json = read_status_json(cache_dir);
            if (json.is_ok()) return json;
            last = json.status();  // caught mid-write: try again
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return last;
}

}  // namespace azblobfs::e2e
