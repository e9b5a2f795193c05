#include "e2e_write/tree_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

#include "e2e/pattern.h"
#include "e2e/shell.h"
#include "e2e/tree_walk.h"

namespace azblobfs::e2e {

namespace {

constexpr int64_t kNs = 1000000000;
constexpr int64_t kBaseTime = 1700000000;  // Nov 2023

Status errno_status(const std::string& what, const std::filesystem::path& p) {
    return Status(Code::kIoError, what + " " + p.string() + ": " + std::strerror(errno));
}

Status set_mtime(const std::filesystem::path& p, int64_t ns, bool follow) {
    struct timespec ts[2];
    ts[0].tv_sec = ts[1].tv_sec = static_cast<time_t>(ns / kNs);
    ts[0].tv_nsec = ts[1].tv_nsec = static_cast<long>(ns % kNs);
    if (utimensat(AT_FDCWD, p.c_str(), ts, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0) return errno_status("utimensat", p);
    return Status::ok();
}

// The leaf directories: d<i>/s<j>/t<k>, plus the top-level and middle levels hold files too.
std::vector<std::string> directories() {
    std::vector<std::string> dirs = {""};
    for (int i = 0; i < 5; ++i) {
        std::string a = "d" + std::to_string(i);
        dirs.push_back(a);
        for (int j = 0; j < 4; ++j) {
            std::string b = a + "/s" + std::to_string(j);
            dirs.push_back(b);
            for (int k = 0; k < 3; ++k) dirs.push_back(b + "/t" + std::to_string(k));
        }
    }
    return dirs;
}

size_t file_size(std::mt19937_64& rng, int index, const TreeSpec& spec) {
    if (index < spec.empty_files) return 0;
    if (index < spec.empty_files + spec.big_files) return (1u << 20) + rng() % (2u << 20);
    return 1 + rng() % 6000;
}

mode_t file_mode(int index) {
    if (index % 17 == 3) return 0755;
    if (index % 23 == 5) return 0600;
    return 0644;
}

Status write_local(const std::filesystem::path& p, const std::string& data, mode_t mode) {
    int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return errno_status("create", p);
    bool ok = data.empty() || write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
    close(fd);
    if (!ok) return errno_status("write", p);
    if (chmod(p.c_str(), mode) != 0) return errno_status("chmod", p);
    return Status::ok();
}

}  // namespace

Result<TreeSummary> make_tree(const std::filesystem::path& root, const TreeSpec& spec) {
    std::mt19937_64 rng(spec.seed);
    TreeSummary summary;
    std::vector<std::string> dirs = directories();
    for (size_t i = 1; i < dirs.size(); ++i) {
        mode_t mode = i % 11 == 4 ? 0700 : 0755;
        if (mkdir((root / dirs[i]).c_str(), mode) != 0 || chmod((root / dirs[i]).c_str(), mode) != 0)
            return errno_status("mkdir", root / dirs[i]);
        ++summary.directories;
    }
    std::vector<std::string> files;
    for (int n = 0; n < spec.files; ++n) {
        const std::string& dir = dirs[static_cast<size_t>(n) % dirs.size()];
        std::string name = (dir.empty() ? "" : dir + "/") + "file-" + std::to_string(n) + (n % 3 ? ".txt" : ".dat");
        size_t size = file_size(rng, n, spec);
        AZB_RETURN_IF_ERROR(write_local(root / name, pattern_bytes(spec.seed * 100000 + static_cast<uint64_t>(n), 0, size),
                                        file_mode(n)));
        AZB_RETURN_IF_ERROR(set_mtime(root / name, (kBaseTime + n * 37) * kNs + static_cast<int64_t>(rng() % kNs), true));
        files.push_back(name);
        summary.bytes += size;
        ++summary.files;
    }
    for (int s = 0; s < spec.symlinks; ++s) {
        std::filesystem::path link = root / dirs[1] / ("link-" + std::to_string(s));
        std::string target = std::filesystem::path(files[static_cast<size_t>(s) * 7 + 1])
                                 .lexically_relative(dirs[1]).generic_string();
        if (symlink(target.c_str(), link.c_str()) != 0) return errno_status("symlink", link);
        ++summary.symlinks;
    }
    for (size_t i = dirs.size(); i-- > 1;)  // deepest first: children no longer change parents
        AZB_RETURN_IF_ERROR(set_mtime(root / dirs[i], (kBaseTime - 86400 + static_cast<int64_t>(i)) * kNs + 123456789, true));
    return summary;
}

namespace {

std::string describe_node_difference(const std::string& path, const NodeInfo& e, const NodeInfo& a,
                                     const CompareOptions& options) {
    std::string out;
    auto add = [&](const std::string& what, const std::string& want, const std::string& got) {
        out += "  " + path + ": " + what + " " + got + " (expected " + want + ")\n";
    };
    if (e.kind != a.kind) {
        add("kind", kind_name(e.kind), kind_name(a.kind));
        return out;
    }
    if (e.kind == NodeKind::kFile && e.size != a.size) add("size", std::to_string(e.size), std::to_string(a.size));
    if (e.kind != NodeKind::kSymlink && options.compare_modes && (e.mode & 07777) != (a.mode & 07777)) {
        char want[16], got[16];
        std::snprintf(want, sizeof want, "%04o", e.mode & 07777);
        std::snprintf(got, sizeof got, "%04o", a.mode & 07777);
        add("mode", want, got);
    }
    if (e.kind == NodeKind::kSymlink && e.link_target != a.link_target) add("link target", e.link_target, a.link_target);
    if (e.kind == NodeKind::kDirectory && options.dir_mtimes && e.mtime_ns / kNs != a.mtime_ns / kNs) {
        add("dir mtime s", std::to_string(e.mtime_ns / kNs), std::to_string(a.mtime_ns / kNs));
    }
    if (e.kind == NodeKind::kFile && options.file_mtimes != MtimeCheck::kNone) {
        bool ns = options.file_mtimes == MtimeCheck::kNanoseconds;
        int64_t want = ns ? e.mtime_ns : e.mtime_ns / kNs, got = ns ? a.mtime_ns : a.mtime_ns / kNs;
        if (want != got) add(ns ? "mtime ns" : "mtime s", std::to_string(want), std::to_string(got));
    }
    return out;
}

}  // namespace

std::string compare_trees(const std::filesystem::path& expected, const std::filesystem::path& actual,
                          const CompareOptions& options) {
    auto want = walk_tree(expected);
    if (!want.is_ok()) return "walk " + expected.string() + ": " + want.status().to_string();
    auto got = walk_tree(actual);
    if (!got.is_ok()) return "walk " + actual.string() + ": " + got.status().to_string();
    std::string out = key_set_difference(*want, *got);
    std::string files, dirs;  // files first: a directory difference must not hide a file's
    int file_count = 0, dir_count = 0;
    for (const auto& [path, e] : *want) {
        auto it = got->find(path);
        if (it == got->end()) continue;
        std::string d = describe_node_difference(path, e, it->second, options);
        bool dir = e.kind == NodeKind::kDirectory;
        if (!d.empty() && (dir ? dir_count++ : file_count++) < 20) (dir ? dirs : files) += d;
    }
    if (file_count) out += std::to_string(file_count) + " files/symlinks differ:\n" + files;
    if (dir_count) out += std::to_string(dir_count) + " directories differ:\n" + dirs;
    CommandResult diff = run_command({"diff", "-r", "--no-dereference", expected.string(), actual.string()},
                                     {{}, std::chrono::seconds(600)});
    if (diff.exit_code != 0) out += "diff -r: " + diff.describe() + "\n";
    return out;
}

}  // namespace azblobfs::e2e
