// Starting the mount process: in the foreground, or daemonised with a startup handshake.
//
// Handshake: the command forks; the child starts a new session and runs the mount. It reports
// exactly once through a pipe: "ok" once the mount exists, or the one-line cause of a failure.
// The parent exits 0 on "ok"; otherwise it prints "azblobfs: <cause>" and exits 1. A child that
// dies before reporting is a failure too. On "ok" the child has already replaced its stdin,
// stdout and stderr with /dev/null, so whoever reads the parent's output sees it end.
#pragma once

#include <functional>
#include <memory>

#include "cli/commands.h"
#include "common/status.h"

namespace azblobfs {

class StartupReporter {
public:
    virtual ~StartupReporter() = default;
    virtual void ready() = 0;                       // the mount exists
    virtual void failed(const Status& status) = 0;  // the mount will not come up
};

// Foreground: failed() prints "azblobfs: <message>" to `err`; ready() prints nothing.
std::unique_ptr<StartupReporter> make_foreground_reporter(std::ostream& err);

// Runs child_main(reporter) in a daemonised child, which exits with its result. Returns the
// parent's exit code (0: the mount is up; 1: it is not, and the cause was printed).
int run_daemonized(const std::function<int(StartupReporter&)>& child_main, CommandIo io);

}  // namespace azblobfs
