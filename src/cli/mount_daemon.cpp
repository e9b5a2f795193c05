#include "cli/mount_daemon.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <spdlog/spdlog.h>

namespace azblobfs {
namespace {

constexpr const char* kReadyLine = "ok";

class ForegroundReporter final : public StartupReporter {
public:
    explicit ForegroundReporter(std::ostream& err) : err_(err) {}
    void ready() override {}
    void failed(const Status& status) override { err_ << "azblobfs: " << status.message() << std::endl; }

private:
    std::ostream& err_;
};

void write_all(int fd, const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

// The child's end of the handshake pipe. Reports at most once.
class PipeReporter final : public StartupReporter {
public:
    explicit PipeReporter(int fd) : fd_(fd) {}
    ~PipeReporter() override { close_pipe(); }

    void ready() override {
        if (fd_ < 0) return;
        detach_stdio();
        write_all(fd_, std::string(kReadyLine) + "\n");
        close_pipe();
    }
    void failed(const Status& status) override {
        if (fd_ < 0) return;
        write_all(fd_, status.message() + "\n");
        close_pipe();
    }

private:
    static void detach_stdio() {
        int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull < 0) return;
        for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) ::dup2(devnull, fd);
        ::close(devnull);
    }
    void close_pipe() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    int fd_;
};

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::string describe_exit(int wstatus) {
    if (WIFEXITED(wstatus)) return "exit status " + std::to_string(WEXITSTATUS(wstatus));
    if (WIFSIGNALED(wstatus)) return "signal " + std::to_string(WTERMSIG(wstatus));
    return "unknown status";
}

[[noreturn]] void run_child(int write_fd, const std::function<int(StartupReporter&)>& child_main) {
    ::setsid();
    int rc = 1;
    {
        PipeReporter reporter(write_fd);
        rc = child_main(reporter);
        if (rc != 0) reporter.failed(Status(Code::kInternal, "the mount process failed (see its log)"));
    }
    spdlog::shutdown();
    std::_Exit(rc);
}

}  // namespace

std::unique_ptr<StartupReporter> make_foreground_reporter(std::ostream& err) {
    return std::make_unique<ForegroundReporter>(err);
}

int run_daemonized(const std::function<int(StartupReporter&)>& child_main, CommandIo io) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        io.err << "azblobfs: cannot create a pipe: " << std::strerror(errno) << "\n";
        return 1;
    }
    io.out.flush();
    io.err.flush();
    spdlog::default_logger()->flush();
    pid_t pid = ::fork();
    if (pid < 0) {
        io.err << "azblobfs: cannot fork: " << std::strerror(errno) << "\n";
        return 1;
    }
    if (pid == 0) {
        ::close(fds[0]);
        run_child(fds[1], child_main);
    }
    ::close(fds[1]);
    std::string report = read_all(fds[0]);
    ::close(fds[0]);
    while (!report.empty() && report.back() == '\n') report.pop_back();
    if (report == kReadyLine) return 0;
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    if (report.empty()) report = "the mount process ended before mounting (" + describe_exit(wstatus) + ")";
    io.err << "azblobfs: " << report << "\n";
    return 1;
}

}  // namespace azblobfs
