// Inode numbers of the mounted tree.
//
// Invariants:
//  - Inode 1 is the root (path ""); it is never freed.
//  - Other inodes are numbered 2, 3, ... in order of first acquire() of their path; a number is
//    never reused within a mount, and a path has at most one live inode.
//  - acquire() adds one to the lookup count; forget() subtracts, and at zero the inode is freed
//    (a later acquire of the same path gets a new number).
//  - opened_etag remembers the ETag of the last open() of the inode, so open() can tell whether
//    the kernel's page cache for this inode may hold another version.
// Thread-safe (one mutex, never held across I/O).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace azblobfs {

inline constexpr uint64_t kRootIno = 1;

class InodeTable {
public:
    InodeTable();

    // Inode of `path`, created if needed; its lookup count grows by one.
    uint64_t acquire(const std::string& path);
    // Inode of `path` if it has one (the lookup count is unchanged).
    std::optional<uint64_t> find(const std::string& path) const;
    std::optional<std::string> path_of(uint64_t ino) const;
    void forget(uint64_t ino, uint64_t nlookup);

    // Sets the ETag of the inode's latest open and returns the previous one ("" if none).
    std::string exchange_opened_etag(uint64_t ino, const std::string& etag);

    // `from` and every path below it now live under `to` (inode numbers unchanged). An inode
    // already at `to` (the replaced target) keeps its number but loses its path.
    void rename(const std::string& from, const std::string& to);

    size_t size() const;

private:
    struct Inode {
        std::string path;
        uint64_t nlookup = 0;
        std::string opened_etag;
    };

    mutable std::mutex mu_;  // guards everything below
    uint64_t next_ino_ = kRootIno + 1;
    std::map<uint64_t, Inode> inodes_;
    std::unordered_map<std::string, uint64_t> by_path_;
};

}  // namespace azblobfs
