#include "fs/fuse/fuse_mount.h"

#include <pthread.h>
#include <signal.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include <spdlog/spdlog.h>

#include "fs/fuse/fuse_api.h"

namespace azblobfs {
namespace {

sigset_t termination_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    return set;
}

// libfuse's own messages (bad options, mount failures) go to our log instead of raw stderr.
void log_from_libfuse(enum fuse_log_level level, const char* fmt, va_list ap) {
    char line[1024];
    std::vsnprintf(line, sizeof line, fmt, ap);
    size_t n = std::strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (level <= FUSE_LOG_ERR) {
        spdlog::error("libfuse: {}", line);
    } else if (level <= FUSE_LOG_NOTICE) {
        spdlog::info("libfuse: {}", line);
    } else {
        spdlog::debug("libfuse: {}", line);
    }
}

struct LoopConfigDeleter {
    void operator()(fuse_loop_config* config) const { fuse_loop_cfg_destroy(config); }
};

// Unblocks the termination signals in this thread for its lifetime.
class ScopedTerminationSignals {
public:
    ScopedTerminationSignals() {
        sigset_t set = termination_signals();
        pthread_sigmask(SIG_UNBLOCK, &set, &saved_);
    }
    ~ScopedTerminationSignals() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
    ScopedTerminationSignals(const ScopedTerminationSignals&) = delete;
    ScopedTerminationSignals& operator=(const ScopedTerminationSignals&) = delete;

private:
    sigset_t saved_;
};

}  // namespace

std::string fuse_option_string(const FuseMountConfig& config) {
    std::string opts = "fsname=" + config.fsname + ",subtype=azblobfs,default_permissions";
    opts += ",max_read=" + std::to_string(kFuseMaxRead);
    if (config.read_only) opts += ",ro";
    for (const auto& option : config.options) {
        if (!option.empty()) opts += "," + option;
    }
    return opts;
}

void block_termination_signals() {
    sigset_t set = termination_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void FuseMount::SessionDeleter::operator()(fuse_session* se) const { fuse_session_destroy(se); }

FuseMount::FuseMount(FuseMountConfig config, FuseOpsContext context)
    : config_(std::move(config)), context_(std::make_unique<FuseOpsContext>(context)) {}

Result<std::unique_ptr<FuseMount>> FuseMount::mount(Filesystem& fs, const FuseMountConfig& config) {
    fuse_set_log_func(log_from_libfuse);
    std::unique_ptr<FuseMount> m(new FuseMount(config, FuseOpsContext{&fs, config.attr_timeout_s}));
    std::string opts = fuse_option_string(config);
    std::string argv0 = "azblobfs";
    std::string dash_o = "-o";
    char* argv[] = {argv0.data(), dash_o.data(), opts.data(), nullptr};
    fuse_args args = FUSE_ARGS_INIT(3, argv);
    const fuse_lowlevel_ops& ops = fuse_operations();
    m->session_.reset(fuse_session_new(&args, &ops, sizeof ops, m->context_.get()));
    fuse_opt_free_args(&args);
    if (!m->session_) {
        return Status(Code::kInvalidArgument, "FUSE rejected the mount options \"" + opts + "\"");
    }
    if (fuse_set_signal_handlers(m->session_.get()) != 0) {
        return Status(Code::kInternal, "cannot install the FUSE signal handlers");
    }
    m->signal_handlers_ = true;
    if (fuse_session_mount(m->session_.get(), config.mountpoint.c_str()) != 0) {
        return Status(Code::kIoError, "mounting FUSE at " + config.mountpoint +
                                          " failed (is /dev/fuse available, and are you root or "
                                          "allowed to use fusermount3?)");
    }
    m->mounted_ = true;
    return m;
}

FuseMount::~FuseMount() {
    if (!session_) return;
    if (signal_handlers_) fuse_remove_signal_handlers(session_.get());
    if (mounted_) fuse_session_unmount(session_.get());
}

Status FuseMount::run() {
    std::unique_ptr<fuse_loop_config, LoopConfigDeleter> loop(fuse_loop_cfg_create());
    if (!loop) return Status(Code::kInternal, "cannot allocate the FUSE loop configuration");
    fuse_loop_cfg_set_clone_fd(loop.get(), 0);
    fuse_loop_cfg_set_max_threads(loop.get(), config_.max_threads);
    fuse_loop_cfg_set_idle_threads(loop.get(), config_.max_idle_threads);
    int rc = 0;
    {
        ScopedTerminationSignals signals;
        rc = fuse_session_loop_mt(session_.get(), loop.get());
    }
    if (rc > 0) spdlog::info("signal {} received: unmounting {}", rc, config_.mountpoint);
    if (rc < 0) {
        return Status(Code::kIoError, "FUSE loop of " + config_.mountpoint + " failed: " + std::strerror(-rc));
    }
    return Status::ok();
}

}  // namespace azblobfs
