// A progress display for long CLI operations: on a terminal, one line redrawn in place
// ("[#####     ] 1200/5000 sidecars  810/s  ETA 4s"); otherwise a plain line every
// `period_s` seconds, so logs and CI output stay readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace azblobfs {

class ProgressLine {
public:
    ProgressLine(std::ostream& out, bool terminal, std::string what, double period_s = 2.0);
    // done of total (total 0: unknown); draws when due, or always when `force`.
    void update(uint64_t done, uint64_t total, bool force = false);
    // Draws the final state and ends the line.
    void finish(uint64_t done, uint64_t total);

    static std::string text(const std::string& what, uint64_t done, uint64_t total, double rate,
                            bool bar);

private:
    std::ostream& out_;
    const bool terminal_;
    const std::string what_;
    const double period_s_;
    const std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_;
    bool drawn_ = false;
};

}  // namespace azblobfs
