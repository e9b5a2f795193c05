#include "e2e/tree_walk.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace azblobfs::e2e {

namespace {

Status errno_status(const std::string& what, const std::filesystem::path& path, int err) {
    return Status(Code::kIoError, what + " " + path.string() + ": " + std::strerror(err));
}

NodeKind kind_of(mode_t mode) {
    if (S_ISREG(mode)) return NodeKind::kFile;
    if (S_ISDIR(mode)) return NodeKind::kDirectory;
    if (S_ISLNK(mode)) return NodeKind::kSymlink;
    return NodeKind::kOther;
}

}  // namespace

const char* kind_name(NodeKind kind) {
    switch (kind) {
        case NodeKind::kFile: return "file";
        case NodeKind::kDirectory: return "directory";
        case NodeKind::kSymlink: return "symlink";
        case NodeKind::kOther: return "other";
    }
    return "?";
}

Result<NodeInfo> stat_node(const std::filesystem::path& path) {
    struct stat st{};
    if (lstat(path.c_str(), &st) != 0) return errno_status("lstat", path, errno);
    NodeInfo info;
    info.kind = kind_of(st.st_mode);
    info.size = static_cast<uint64_t>(st.st_size);
    info.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    info.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
    info.mode = st.st_mode;
    info.uid = st.st_uid;
    info.gid = st.st_gid;
    if (info.kind == NodeKind::kSymlink) {
        std::vector<char> buf(static_cast<size_t>(st.st_size) + 4097);
        ssize_t n = readlink(path.c_str(), buf.data(), buf.size());
        if (n < 0) return errno_status("readlink", path, errno);
        info.link_target.assign(buf.data(), static_cast<size_t>(n));
    }
    return info;
}

Result<Tree> walk_tree(const std::filesystem::path& root) {
    Tree tree;
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(root, ec), end;
    if (ec) return errno_status("opendir", root, ec.value());
    for (; it != end; it.increment(ec)) {
        const std::filesystem::path& p = it->path();
        AZB_ASSIGN_OR_RETURN(NodeInfo info, stat_node(p));
        tree.emplace(p.lexically_relative(root).generic_string(), std::move(info));
    }
    if (ec) return errno_status("readdir under", root, ec.value());
    return tree;
}

}  // namespace azblobfs::e2e
