// The reference model: what a POSIX filesystem holds after a sequence of operations. A map from
// path ("" is the root, "a/b" nested) to a node that is a directory or a file with its bytes.
// Invariants: the root always exists; every node's parent exists and is a directory.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace azblobfs::testing {

class ModelTree {
public:
    struct Node {
        bool dir = false;
        std::string data;              // file content (empty for directories)
    };

    ModelTree() { nodes_[""] = Node{true, {}}; }

    bool exists(const std::string& path) const { return nodes_.count(path) != 0; }
    bool is_dir(const std::string& path) const;
    bool is_file(const std::string& path) const;
    const std::string& data(const std::string& path) const { return nodes_.at(path).data; }
    const std::map<std::string, Node>& nodes() const { return nodes_; }

    // Names directly in `dir`, in name order.
    std::vector<std::string> children(const std::string& dir) const;
    std::vector<std::string> files() const;
    std::vector<std::string> dirs() const;   // the root ("") included

    // Mutations. Callers check preconditions (the model never fails).
    void create(const std::string& path) { nodes_[path] = Node{false, {}}; }
    void mkdir(const std::string& path) { nodes_[path] = Node{true, {}}; }
    // Writes data at offset, zero-filling a gap past the end.
    void write(const std::string& path, uint64_t offset, const std::string& bytes);
    void truncate(const std::string& path, uint64_t size) { nodes_.at(path).data.resize(size, '\0'); }
    void remove(const std::string& path) { nodes_.erase(path); }
    // Moves a file (replacing a file at `to`).
    void rename_file(const std::string& from, const std::string& to);
    // Moves a directory and everything below it (replacing an empty directory at `to`).
    void rename_dir(const std::string& from, const std::string& to);
    // A file whose parents may not exist yet (an out-of-band put): creates the directories.
    void put_file(const std::string& path, const std::string& bytes);

private:
    std::map<std::string, Node> nodes_;
};

std::string parent_of(const std::string& path);
// True when `path` is `dir` or lies below it.
bool within(const std::string& path, const std::string& dir);
std::string join_path(const std::string& dir, const std::string& name);

}  // namespace azblobfs::testing
