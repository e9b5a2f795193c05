#include "e2e/shell.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "support/temp_dir.h"

namespace azblobfs::e2e {

namespace {


}  // namespace

// Waits for `pid` until `deadline`; kills it (SIGKILL) past the deadline. Returns the wait status.
int wait_bounded(pid_t pid, std::chrono::steady_clock::time_point deadline, bool* timed_out) {
    int status = 0;
    while (true) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0) return -1;
        if (std::chrono::steady_clock::now() > deadline) {
            *timed_out = true;
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

std::string CommandResult::describe() const {
    std::string text = timed_out ? "timed out" : "exit " + std::to_string(exit_code);
    return text + "; stdout: " + out.substr(0, 2000) + "; stderr: " + err.substr(0, 2000);
}

CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& options) {
    CommandResult result;
    if (argv.empty()) return result;
    testing::TempDir dir("azblobfs-e2e-cmd");
    std::string out_path = (dir.path() / "out").string();
    std::string err_path = (dir.path() / "err").string();
    std::vector<std::string> args = argv;
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    std::string cwd = options.cwd.string();

    pid_t pid = fork();
    if (pid < 0) return result;
    if (pid == 0) {
        int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = open("/dev/null", O_RDONLY);
        if (out < 0 || err < 0 || in < 0) _exit(125);
        dup2(in, STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
        execvp(cargv[0], cargv.data());
        _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + options.timeout;
    int status = wait_bounded(pid, deadline, &result.timed_out);
    if (status >= 0 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    result.out = read_local_file(out_path);
    result.err = read_local_file(err_path);
    return result;
}

std::string read_local_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool write_local_file(const std::filesystem::path& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    return static_cast<bool>(out);
}

}  // namespace azblobfs::e2e
