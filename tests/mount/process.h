// Running the azblobfs binary from tests: to completion with its output captured, or in the
// background. Children get our environment without AZURE_STORAGE_* (so only the flags a test
// passes select the account). Every wait is bounded; a bound that passes is a failure the test
// reports, never a timing assertion.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace azblobfs::mount_test {

struct ProcessResult {
    int exit_code = -1;          // -1 when killed by a signal or when the bound passed
    bool timed_out = false;
    std::string out;
    std::string err;
};

// Runs argv to completion (and until its stdout and stderr are closed), bounded by `bound`.
ProcessResult run_process(const std::vector<std::string>& argv,
                          std::chrono::seconds bound = std::chrono::seconds(120));

// A child running in the background, its output appended to `log_file`. The destructor kills
// it (SIGKILL) if it still runs and reaps it.
class BackgroundProcess {
public:
    BackgroundProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_file);
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    pid_t pid() const { return pid_; }
    // The wait status once the child exited within `bound`; nullopt if it still runs.
    std::optional<int> wait(std::chrono::seconds bound);

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
};

// Number of lines in `text` (a final line without '\n' counts).
size_t line_count(const std::string& text);

}  // namespace azblobfs::mount_test
