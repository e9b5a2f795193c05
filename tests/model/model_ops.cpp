#include "model/model_ops.h"

#include <algorithm>
#include <sstream>

#include "cache/block_cache.h"

namespace azblobfs::testing {
namespace {

constexpr uint64_t kBlock = BlockCache::kBlockSize;
constexpr uint64_t kMaxFileSize = 3 * kBlock + 20000;  // keeps a sequence's reads cheap

struct Weight {
    OpKind kind;
    unsigned weight;
};

// How often each kind is tried; a kind whose preconditions fail falls back to another.
constexpr Weight kWeights[] = {
    {OpKind::kCreate, 14}, {OpKind::kWrite, 18},   {OpKind::kAppend, 7},    {OpKind::kTruncate, 7},
    {OpKind::kRename, 9},  {OpKind::kUnlink, 4},   {OpKind::kMkdir, 6},     {OpKind::kRmdir, 5},
    {OpKind::kRead, 7},    {OpKind::kFsync, 6},    {OpKind::kClose, 4},     {OpKind::kFlushAll, 3},
    {OpKind::kOobPut, 3},  {OpKind::kOobDelete, 2}, {OpKind::kRemount, 2},  {OpKind::kCrash, 2},
    {OpKind::kRenameDir, 4}, {OpKind::kSidecar, 6},
};

size_t depth_of(const std::string& path) {
    return path.empty() ? 0 : 1 + static_cast<size_t>(std::count(path.begin(), path.end(), '/'));
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

const char* op_name(OpKind kind) {
    switch (kind) {
        case OpKind::kCreate: return "kCreate";
        case OpKind::kWrite: return "kWrite";
        case OpKind::kAppend: return "kAppend";
        case OpKind::kTruncate: return "kTruncate";
        case OpKind::kRename: return "kRename";
        case OpKind::kUnlink: return "kUnlink";
        case OpKind::kMkdir: return "kMkdir";
        case OpKind::kRmdir: return "kRmdir";
        case OpKind::kRead: return "kRead";
        case OpKind::kFsync: return "kFsync";
        case OpKind::kClose: return "kClose";
        case OpKind::kFlushAll: return "kFlushAll";
        case OpKind::kOobPut: return "kOobPut";
        case OpKind::kOobDelete: return "kOobDelete";
        case OpKind::kRemount: return "kRemount";
        case OpKind::kCrash: return "kCrash";
        case OpKind::kRenameDir: return "kRenameDir";
        case OpKind::kSidecar: return "kSidecar";
    }
    return "?";
}

std::string to_code(const Op& op) {
    std::ostringstream out;
    out << "{OpKind::" << op_name(op.kind) << ", " << quoted(op.path) << ", " << quoted(op.path2) << ", "
        << op.offset << ", " << op.length << ", " << op.seed << ", " << (op.keep_open ? "true" : "false")
        << ", " << op.advance_ms << "}";
    return out.str();
}

std::string ops_to_code(const std::vector<Op>& ops) {
    std::string out;
    for (size_t i = 0; i < ops.size(); ++i) out += "    /*" + std::to_string(i) + "*/ " + to_code(ops[i]) + ",\n";
    return out;
}

std::string sidecar_json(uint64_t seed) {
    return "{\"n\": " + std::to_string(seed % 50) + ", \"tag\": \"t" + std::to_string(seed % 3) + "\"}";
}

const std::vector<std::string>& file_name_pool() {
    static const std::vector<std::string> pool = {"f0", "f1", "f2", "f3", "f4"};
    return pool;
}

const std::vector<std::string>& dir_name_pool() {
    static const std::vector<std::string> pool = {"d0", "d1", "d2"};
    return pool;
}

uint64_t OpGenerator::scramble(uint64_t x) {
    x = (x ^ (x >> 33)) * 0xFF51AFD7ED558CCDull;
    x = (x ^ (x >> 33)) * 0xC4CEB9FE1A85EC53ull;
    return x ^ (x >> 33);
}

uint64_t OpGenerator::rand() {
    // splitmix64: the same seed gives the same sequence on every platform.
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t OpGenerator::write_length() {
    unsigned roll = static_cast<unsigned>(below(100));
    if (roll < 60) return 1 + below(256);
    if (roll < 92) return 1 + below(8192);
    return 1 + below(kBlock + 100);
}

uint64_t OpGenerator::write_offset(uint64_t size) {
    unsigned roll = static_cast<unsigned>(below(100));
    if (roll < 70) return below(size + 1);
    if (roll < 90) return size + below(4096);
    return below(3 * kBlock);
}

std::vector<std::string> OpGenerator::files_without_handle(const ModelTree& model,
                                                           const std::set<std::string>& open_paths) const {
    std::vector<std::string> out;
    for (const std::string& f : model.files()) {
        if (!open_paths.count(f)) out.push_back(f);
    }
    return out;
}

std::vector<std::string> OpGenerator::shallow_dirs(const ModelTree& model, size_t max_depth) const {
    std::vector<std::string> out;
    for (const std::string& d : model.dirs()) {
        if (depth_of(d) <= max_depth) out.push_back(d);
    }
    return out;
}

bool OpGenerator::pick_new_name(const ModelTree& model, const std::vector<std::string>& pool,
                                size_t max_depth, std::string* path) {
    std::vector<std::string> dirs = shallow_dirs(model, max_depth);
    for (int attempt = 0; attempt < 6; ++attempt) {
        std::string candidate = join_path(pick(dirs), pick(pool));
        if (!model.exists(candidate)) {
            *path = candidate;
            return true;
        }
    }
    return false;
}

bool OpGenerator::make_rename(const ModelTree& model, const std::set<std::string>& open_paths, Op* op) {
    std::vector<std::string> files = files_without_handle(model, open_paths);
    if (files.empty()) return false;
    op->path = pick(files);
    if (chance(45) && files.size() > 1) {
        for (int attempt = 0; attempt < 4; ++attempt) {
            std::string target = pick(files);
            if (target != op->path) {
                op->path2 = target;
                return true;
            }
        }
    }
    return pick_new_name(model, file_name_pool(), 2, &op->path2);
}

// A directory without kept handles below it, to a new name or over an empty directory, never
// into itself; sometimes cut off by a crash part-way.
bool OpGenerator::make_rename_dir(const ModelTree& model, const std::set<std::string>& open_paths,
                                  Op* op) {
    std::vector<std::string> dirs = model.dirs();
    dirs.erase(dirs.begin());  // the root
    if (dirs.empty()) return false;
    op->path = pick(dirs);
    for (const std::string& open : open_paths) {
        if (within(open, op->path)) return false;
    }
    std::vector<std::string> empty_dirs;
    for (const std::string& d : dirs) {
        if (model.children(d).empty() && !within(d, op->path)) empty_dirs.push_back(d);
    }
    if (!empty_dirs.empty() && chance(30)) {
        op->path2 = pick(empty_dirs);
    } else if (!pick_new_name(model, dir_name_pool(), 1, &op->path2) || within(op->path2, op->path)) {
        return false;
    }
    op->length = chance(40) ? 1 + below(4) : 0;
    return true;
}

bool OpGenerator::make_oob_put(const ModelTree& model, const std::set<std::string>& open_paths, Op* op) {
    op->length = chance(20) ? 0 : write_length();
    op->seed = rand() & 0xFFFFFF;
    std::vector<std::string> files = files_without_handle(model, open_paths);
    if (!files.empty() && chance(55)) {
        op->path = pick(files);
        return true;
    }
    if (chance(25)) {  // a file in a directory that exists only implicitly (no marker)
        std::string dir = join_path(pick(shallow_dirs(model, 1)), pick(dir_name_pool()));
        if (model.exists(dir)) return false;
        op->path = join_path(dir, pick(file_name_pool()));
        return true;
    }
    return pick_new_name(model, file_name_pool(), 2, &op->path);
}

bool OpGenerator::make_op(OpKind kind, const ModelTree& model, const std::set<std::string>& open_paths,
                          Op* op) {
    op->kind = kind;
    std::vector<std::string> files = model.files();
    std::vector<std::string> free_files = files_without_handle(model, open_paths);
    switch (kind) {
        case OpKind::kCreate:
            op->length = chance(30) ? 0 : write_length();
            op->seed = rand() & 0xFFFFFF;
            op->keep_open = chance(20);
            return pick_new_name(model, file_name_pool(), 2, &op->path);
        case OpKind::kWrite:
        case OpKind::kAppend:
            if (files.empty()) return false;
            op->path = pick(files);
            op->offset = kind == OpKind::kWrite ? write_offset(model.data(op->path).size()) : below(100);
            op->length = write_length();
            op->seed = rand() & 0xFFFFFF;
            op->keep_open = kind == OpKind::kWrite && chance(25);
            return std::max<uint64_t>(op->offset, model.data(op->path).size()) + op->length <= kMaxFileSize;
        case OpKind::kTruncate: {
            if (files.empty()) return false;
            op->path = pick(files);
            uint64_t size = model.data(op->path).size();
            op->length = chance(50) ? below(size + 1) : size + (chance(80) ? below(5000) : below(kBlock + 10));
            return op->length <= kMaxFileSize;
        }
        case OpKind::kRename: return make_rename(model, open_paths, op);
        case OpKind::kRenameDir: return make_rename_dir(model, open_paths, op);
        case OpKind::kSidecar:
            op->seed = rand() & 0xFFFFFF;
            if (!free_files.empty() && chance(50)) {
                op->path = pick(free_files);
                return true;
            }
            return pick_new_name(model, file_name_pool(), 2, &op->path);
        case OpKind::kUnlink:
        case OpKind::kOobDelete:
            if (free_files.empty()) return false;
            op->path = pick(free_files);
            return true;
        case OpKind::kMkdir: return pick_new_name(model, dir_name_pool(), 1, &op->path);
        case OpKind::kRmdir: {
            std::vector<std::string> dirs = model.dirs();
            dirs.erase(dirs.begin());  // the root
            if (dirs.empty()) return false;
            op->path = pick(dirs);
            return true;
        }
        case OpKind::kRead:
        case OpKind::kFsync:
            if (files.empty()) return false;
            op->path = pick(files);
            op->offset = below(model.data(op->path).size() + 100);
            op->length = kind == OpKind::kRead ? 1 + below(2 * kBlock) : 0;
            return true;
        case OpKind::kClose:
            if (open_paths.empty()) return false;
            op->path = pick(std::vector<std::string>(open_paths.begin(), open_paths.end()));
            return true;
        case OpKind::kOobPut: return make_oob_put(model, open_paths, op);
        case OpKind::kFlushAll:
        case OpKind::kRemount:
        case OpKind::kCrash: return true;
    }
    return false;
}

Op OpGenerator::next(const ModelTree& model, const std::set<std::string>& open_paths) {
    unsigned total = 0;
    for (const Weight& w : kWeights) total += w.weight;
    for (;;) {
        unsigned roll = static_cast<unsigned>(below(total));
        OpKind kind = OpKind::kRead;
        for (const Weight& w : kWeights) {
            if (roll < w.weight) {
                kind = w.kind;
                break;
            }
            roll -= w.weight;
        }
        Op op;
        op.advance_ms = chance(30) ? static_cast<int64_t>(below(1500)) : 0;
        if (make_op(kind, model, open_paths, &op)) return op;
    }
}

}  // namespace azblobfs::testing
