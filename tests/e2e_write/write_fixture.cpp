#include "e2e_write/write_fixture.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "e2e/shell.h"
#include "e2e/test_util.h"

extern char** environ;

namespace azblobfs::e2e {

namespace {

// argv of a process, from /proc/<pid>/cmdline (empty when it is gone).
std::vector<std::string> process_argv(pid_t pid) {
    std::string raw = read_local_file("/proc/" + std::to_string(pid) + "/cmdline");
    std::vector<std::string> argv;
    size_t start = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\0') continue;
        argv.push_back(raw.substr(start, i - start));
        start = i + 1;
    }
    return argv;
}

}  // namespace

std::filesystem::path WriteTest::new_cache_dir() {
    return caches_.path() / ("cache-" + std::to_string(next_cache_++));
}

MountOptions WriteTest::writable(const std::string& container, const std::filesystem::path& cache,
                                 std::vector<std::string> extra) const {
    MountOptions o = options_for(container);
    o.cache_dir = cache;
    o.extra_args = std::move(extra);
    return o;
}

std::set<std::string> WriteTest::blob_names(const std::string& container, const std::string& prefix) {
    std::set<std::string> names;
    ListOptions options;
    options.prefix = prefix;
    auto all = client().list_all(container, options);
    EXPECT_TRUE(all.is_ok()) << "list " << container << ": " << all.status().to_string();
    if (all.is_ok())
        for (const auto& b : all->blobs) names.insert(b.name);
    return names;
}

pid_t mount_pid(const Mount& mount) {
    DIR* proc = opendir("/proc");
    if (proc == nullptr) return -1;
    pid_t found = -1;
    const std::string mp = mount.path().string();
    while (dirent* e = readdir(proc)) {
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (end == e->d_name || *end != '\0') continue;
        std::vector<std::string> argv = process_argv(static_cast<pid_t>(pid));
        if (argv.size() < 3 || argv[1] != "mount" || argv[2] != mp) continue;
        if (!process_alive(static_cast<pid_t>(pid))) continue;
        found = static_cast<pid_t>(pid);
        break;
    }
    closedir(proc);
    return found;
}

bool process_alive(pid_t pid) {
    std::string stat = read_local_file("/proc/" + std::to_string(pid) + "/stat");
    if (stat.empty()) return false;
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
    char state = stat[paren + 2];
    return state != 'Z' && state != 'X';
}

Status signal_mount(const Mount& mount, int sig) {
    pid_t pid = mount_pid(mount);
    if (pid <= 0) return Status(Code::kNotFound, "no azblobfs process serves " + mount.path().string());
    if (kill(pid, sig) != 0) return Status(Code::kInternal, std::string("kill: ") + std::strerror(errno));
    if (sig != SIGKILL) return Status::ok();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (process_alive(pid)) {
        if (std::chrono::steady_clock::now() > deadline)
            return Status(Code::kInternal, "azblobfs still alive 30 s after SIGKILL");
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Status::ok();
}

int write_file(const std::filesystem::path& path, const std::string& data, int flags, bool fsync_it,
               off_t offset) {
    int fd = open(path.c_str(), flags | O_CLOEXEC, 0644);
    if (fd < 0) return errno;
    size_t done = 0;
    bool append = (flags & O_APPEND) != 0;
    int error = 0;
    while (done < data.size() && error == 0) {
        ssize_t n = append ? write(fd, data.data() + done, data.size() - done)
                           : pwrite(fd, data.data() + done, data.size() - done, offset + static_cast<off_t>(done));
        if (n < 0 && errno != EINTR) error = errno;
        if (n > 0) done += static_cast<size_t>(n);
    }
    if (error == 0 && fsync_it && fsync(fd) != 0) error = errno;
    if (close(fd) != 0 && error == 0) error = errno;
    return error;
}

pid_t spawn_to_file(const std::vector<std::string>& argv, const std::filesystem::path& out) {
    std::vector<std::string> args = argv;
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

int wait_child(pid_t pid, std::chrono::seconds timeout) {
    bool timed_out = false;
    return wait_bounded(pid, std::chrono::steady_clock::now() + timeout, &timed_out);
}

std::string describe_difference(const std::string& a, const std::string& b) {
    if (a == b) return "";
    size_t n = std::min(a.size(), b.size());
    size_t i = 0;
    while (i < n && a[i] == b[i]) ++i;
    return "sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + ", first difference at " +
           std::to_string(i);
}

}  // namespace azblobfs::e2e
