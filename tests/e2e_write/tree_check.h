// A generated local tree for the legacy-tool tests, and the comparison of a copy of it on the
// mount with the local original (what `ls -l --time-style=+%s` and `diff -r` would show).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/status.h"

namespace azblobfs::e2e {

struct TreeSpec {
    uint64_t seed = 1;
    int files = 2000;          // regular files in total (empty and big ones included)
    int empty_files = 25;
    int big_files = 4;         // 1-3 MiB each
    int symlinks = 3;          // relative links to files of the tree
};

struct TreeSummary {
    int files = 0;
    int directories = 0;
    int symlinks = 0;
    uint64_t bytes = 0;
};

// Creates the tree under `root` (which must exist): directories three levels deep, modes 0644,
// 0600 and 0755 (dirs 0755 and 0700), and fixed past mtimes with nanoseconds on files and
// directories.
Result<TreeSummary> make_tree(const std::filesystem::path& root, const TreeSpec& spec);

enum class MtimeCheck { kNone, kSeconds, kNanoseconds };

struct CompareOptions {
    MtimeCheck file_mtimes = MtimeCheck::kNanoseconds;  // regular files
    bool compare_modes = true;                          // permission bits of files and dirs
    bool dir_mtimes = true;                             // directory mtimes, to the second
};

// Differences between the trees under `expected` and `actual`: names, kinds, sizes, modes,
// file and directory mtimes, symlink targets, and the bytes of every file (`diff -r
// --no-dereference`). Empty when they match.
std::string compare_trees(const std::filesystem::path& expected, const std::filesystem::path& actual,
                          const CompareOptions& options);

}  // namespace azblobfs::e2e
