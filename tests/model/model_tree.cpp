#include "model/model_tree.h"

namespace azblobfs::testing {

std::string parent_of(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string join_path(const std::string& dir, const std::string& name) {
    return dir.empty() ? name : dir + "/" + name;
}

bool within(const std::string& path, const std::string& dir) {
    return path == dir || path.rfind(dir + "/", 0) == 0;
}

bool ModelTree::is_dir(const std::string& path) const {
    auto it = nodes_.find(path);
    return it != nodes_.end() && it->second.dir;
}

bool ModelTree::is_file(const std::string& path) const {
    auto it = nodes_.find(path);
    return it != nodes_.end() && !it->second.dir;
}

std::vector<std::string> ModelTree::children(const std::string& dir) const {
    std::vector<std::string> names;
    for (const auto& [path, node] : nodes_) {
        if (!path.empty() && parent_of(path) == dir) names.push_back(path.substr(dir.empty() ? 0 : dir.size() + 1));
    }
    return names;
}

std::vector<std::string> ModelTree::files() const {
    std::vector<std::string> out;
    for (const auto& [path, node] : nodes_) {
        if (!node.dir) out.push_back(path);
    }
    return out;
}

std::vector<std::string> ModelTree::dirs() const {
    std::vector<std::string> out;
    for (const auto& [path, node] : nodes_) {
        if (node.dir) out.push_back(path);
    }
    return out;
}

void ModelTree::write(const std::string& path, uint64_t offset, const std::string& bytes) {
    std::string& data = nodes_.at(path).data;
    if (data.size() < offset + bytes.size()) data.resize(offset + bytes.size(), '\0');
    data.replace(offset, bytes.size(), bytes);
}

void ModelTree::rename_file(const std::string& from, const std::string& to) {
    Node node = nodes_.at(from);
    nodes_.erase(from);
    nodes_[to] = std::move(node);
}

void ModelTree::rename_dir(const std::string& from, const std::string& to) {
    std::map<std::string, Node> moved;
    for (auto it = nodes_.begin(); it != nodes_.end();) {
        if (within(it->first, from)) {
            moved[to + it->first.substr(from.size())] = std::move(it->second);
            it = nodes_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& [path, node] : moved) nodes_[path] = std::move(node);
}

void ModelTree::put_file(const std::string& path, const std::string& bytes) {
    for (std::string dir = parent_of(path); !dir.empty(); dir = parent_of(dir)) {
        if (!exists(dir)) nodes_[dir] = Node{true, {}};
    }
    nodes_[path] = Node{false, bytes};
}

}  // namespace azblobfs::testing
