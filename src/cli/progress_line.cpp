#include "cli/progress_line.h"

#include <cmath>
#include <cstdio>

namespace azblobfs {

ProgressLine::ProgressLine(std::ostream& out, bool terminal, std::string what, double period_s)
    : out_(out), terminal_(terminal), what_(std::move(what)), period_s_(terminal ? 0.1 : period_s),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

std::string ProgressLine::text(const std::string& what, uint64_t done, uint64_t total, double rate,
                               bool bar) {
    std::string line;
    if (bar && total > 0) {
        constexpr int kWidth = 24;
        int filled = static_cast<int>(kWidth * std::min(1.0, static_cast<double>(done) / total));
        line = "[" + std::string(filled, '#') + std::string(kWidth - filled, ' ') + "] ";
    }
    line += std::to_string(done) + (total > 0 ? "/" + std::to_string(total) : "") + " " + what;
    char buf[64];
    std::snprintf(buf, sizeof buf, ", %.0f/s", rate);
    line += buf;
    if (total > 0 && done < total && rate > 0) {
        std::snprintf(buf, sizeof buf, ", ETA %.0fs", std::ceil((total - done) / rate));
        line += buf;
    }
    return line;
}

void ProgressLine::update(uint64_t done, uint64_t total, bool force) {
    auto now = std::chrono::steady_clock::now();
    if (!force && std::chrono::duration<double>(now - last_).count() < period_s_) return;
    last_ = now;
    double elapsed = std::chrono::duration<double>(now - start_).count();
    double rate = elapsed > 0 ? done / elapsed : 0;
    if (terminal_) {
        out_ << "\r\033[K" << text(what_, done, total, rate, true) << std::flush;
    } else {
        out_ << text(what_, done, total, rate, false) << "\n" << std::flush;
    }
    drawn_ = true;
}

void ProgressLine::finish(uint64_t done, uint64_t total) {
    update(done, total, true);
    if (terminal_) out_ << "\n" << std::flush;
}

}  // namespace azblobfs
