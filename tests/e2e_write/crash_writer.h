// The writer of the crash test: creates files, appends to them and overwrites ranges in their
// middle on a mount, and records a file's expected bytes only after fsync() returned.
//
// Contract:
//  - `recorded()` holds, for every file whose last change was acknowledged by fsync, exactly
//    the bytes it must have. A file whose change was in progress when the mount died is not in
//    the record until adopt() re-reads it and a later change is fsynced again.
//  - run() stops at the first failing system call (the mount was killed) or when `stop` is set;
//    it never throws.
//  - Deterministic for a seed, apart from where the kill interrupts it.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>

namespace azblobfs::e2e {

class CrashWriter {
public:
    explicit CrashWriter(uint64_t seed) : rng_(seed) {}

    // Runs operations under `root` until a call fails or `stop` becomes true; returns the
    // number of fsync-acknowledged operations of this run.
    int run(const std::filesystem::path& root, const std::atomic<bool>& stop);

    // After a remount: takes the content of the file left in progress (if any) as its current
    // state, so later changes apply to what is really there. False with a message when it
    // cannot be read.
    bool adopt(const std::filesystem::path& root, std::string* error);

    const std::map<std::string, std::string>& recorded() const { return recorded_; }
    uint64_t recorded_bytes() const;
    int acknowledged() const { return acknowledged_; }

private:
    enum class Op { kCreate, kAppend, kOverwrite, kTruncate };
    Op choose(size_t files);
    // One change of one file, fsynced; false when a call failed.
    bool apply(const std::filesystem::path& root, Op op);
    std::string fresh_bytes(size_t size);
    size_t new_file_size();

    std::mt19937_64 rng_;
    std::map<std::string, std::string> model_;     // what every file holds (as far as we know)
    std::map<std::string, std::string> recorded_;  // fsync-acknowledged content
    std::optional<std::string> in_progress_;       // changed since its last acknowledged fsync
    int next_file_ = 0;
    int acknowledged_ = 0;
    uint64_t stream_ = 0;
};

}  // namespace azblobfs::e2e
