// Walking a mounted tree the way applications do (readdir + lstat + readlink), and comparing
// two trees with readable failure messages.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "common/status.h"

namespace azblobfs::e2e {

enum class NodeKind { kFile, kDirectory, kSymlink, kOther };

const char* kind_name(NodeKind kind);

struct NodeInfo {
    NodeKind kind = NodeKind::kOther;
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    int64_t ctime_ns = 0;
    mode_t mode = 0;              // full st_mode
    uid_t uid = 0;
    gid_t gid = 0;
    std::string link_target;      // readlink() for symlinks

    bool operator==(const NodeInfo&) const = default;
};

using Tree = std::map<std::string, NodeInfo>;  // path relative to the root, '/'-separated

// Every entry under `root` (root itself excluded), without following symlinks. Fails with the
// path and errno of the first entry that cannot be listed, lstat'ed or read as a link.
Result<Tree> walk_tree(const std::filesystem::path& root);

// lstat (and readlink) of one path.
Result<NodeInfo> stat_node(const std::filesystem::path& path);

// Names present in only one of the two key sets (at most `limit` of each), for messages;
// empty when the key sets are equal.
template <typename A, typename B>
std::string key_set_difference(const std::map<std::string, A>& expected,
                               const std::map<std::string, B>& actual, size_t limit = 20) {
    std::string missing, extra;
    size_t n_missing = 0, n_extra = 0;
    for (const auto& [k, v] : expected)
        if (!actual.count(k) && n_missing++ < limit) missing += "  " + k + "\n";
    for (const auto& [k, v] : actual)
        if (!expected.count(k) && n_extra++ < limit) extra += "  " + k + "\n";
    if (n_missing == 0 && n_extra == 0) return {};
    return std::to_string(n_missing) + " missing:\n" + missing + std::to_string(n_extra) + " unexpected:\n" + extra;
}

}  // namespace azblobfs::e2e
