#include "fs/inode_table.h"

#include <vector>

namespace azblobfs {

InodeTable::InodeTable() {
    inodes_[kRootIno] = Inode{"", 1, ""};
    by_path_[""] = kRootIno;
}

uint64_t InodeTable::acquire(const std::string& path) {
    std::lock_guard lock(mu_);
    auto it = by_path_.find(path);
    if (it != by_path_.end()) {
        ++inodes_[it->second].nlookup;
        return it->second;
    }
    uint64_t ino = next_ino_++;
    inodes_[ino] = Inode{path, 1, ""};
    by_path_[path] = ino;
    return ino;
}

std::optional<uint64_t> InodeTable::find(const std::string& path) const {
    std::lock_guard lock(mu_);
    auto it = by_path_.find(path);
    if (it == by_path_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> InodeTable::path_of(uint64_t ino) const {
    std::lock_guard lock(mu_);
    auto it = inodes_.find(ino);
    if (it == inodes_.end()) return std::nullopt;
    if (!it->second.path.empty() && it->second.path[0] == '\0') return std::nullopt;
    return it->second.path;
}

void InodeTable::forget(uint64_t ino, uint64_t nlookup) {
    if (ino == kRootIno) return;
    std::lock_guard lock(mu_);
    auto it = inodes_.find(ino);
    if (it == inodes_.end()) return;
    if (it->second.nlookup > nlookup) {
        it->second.nlookup -= nlookup;
        return;
    }
    by_path_.erase(it->second.path);
    inodes_.erase(it);
}

std::string InodeTable::exchange_opened_etag(uint64_t ino, const std::string& etag) {
    std::lock_guard lock(mu_);
    auto it = inodes_.find(ino);
    if (it == inodes_.end()) return "";
    std::string previous = std::move(it->second.opened_etag);
    it->second.opened_etag = etag;
    return previous;
}

size_t InodeTable::size() const {
    std::lock_guard lock(mu_);
    return inodes_.size();
}

void InodeTable::rename(const std::string& from, const std::string& to) {
    std::lock_guard lock(mu_);
    auto moved = [&](const std::string& p) {
        return p == from || (p.size() > from.size() && p.compare(0, from.size(), from) == 0 &&
                             p[from.size()] == '/');
    };
    auto displaced = [&](const std::string& p) {
        return p == to || (p.size() > to.size() && p.compare(0, to.size(), to) == 0 &&
                           p[to.size()] == '/');
    };
    std::vector<std::pair<std::string, uint64_t>> moves;
    for (auto it = by_path_.begin(); it != by_path_.end();) {
        if (!it->first.empty() && moved(it->first)) {
            moves.emplace_back(to + it->first.substr(from.size()), it->second);
            it = by_path_.erase(it);
        } else if (!it->first.empty() && displaced(it->first)) {
            inodes_[it->second].path = std::string(1, '\0');  // no path: path_of() is nullopt
            it = by_path_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& [path, ino] : moves) {
        inodes_[ino].path = path;
        by_path_[path] = ino;
    }
}

}  // namespace azblobfs
