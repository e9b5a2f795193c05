// Running real tools (ls, cmp, cat, getfattr, touch, ...) against the mount and capturing what
// they print, for tests where "the tool works" is the point.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace azblobfs::e2e {

struct CommandResult {
    int exit_code = -1;           // -1: killed by a signal or by the timeout
    bool timed_out = false;
    std::string out;              // standard output
    std::string err;              // standard error
    std::string describe() const; // "exit N; stderr: ..." for failure messages
};

struct CommandOptions {
    std::filesystem::path cwd;                      // empty: inherit
    std::chrono::seconds timeout{120};              // the command is killed after this
};

// Runs argv[0] (searched in PATH) with the given arguments; never throws.
CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& options = {});

// The whole content of a local file ("" if it cannot be read).
std::string read_local_file(const std::filesystem::path& path);

// Writes `data` to a local file, replacing it. Returns false on failure.
bool write_local_file(const std::filesystem::path& path, const std::string& data);

// Waits for child `pid` until `deadline`; past it, kills it (SIGKILL) and sets *timed_out.
// Returns the wait status (-1 when waitpid fails).
int wait_bounded(pid_t pid, std::chrono::steady_clock::time_point deadline, bool* timed_out);

}  // namespace azblobfs::e2e
