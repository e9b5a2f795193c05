// Operations of the reference-model test and the seeded generator that picks them.
//
// An Op is plain data, printable as a C++ initializer (to_code) so that a failing sequence can be
// pasted into a regression test. The generator only produces ops whose preconditions hold in
// the model (a file to write exists, a new name is free, ...); the runner skips ops whose
// preconditions do not hold (that happens only in shortened sequences).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "model/model_tree.h"

namespace azblobfs::testing {

enum class OpKind {
    kCreate,      // create(path) O_CREAT|O_RDWR, write `length` bytes at 0 (maybe none)
    kWrite,       // open O_RDWR (or reuse a kept handle), write `length` bytes at `offset`
    kAppend,      // open O_WRONLY|O_APPEND, write `length` bytes (passing `offset`, ignored)
    kTruncate,    // setattr size = `length`
    kRename,      // rename file `path` to `path2` (new name or over an existing file)
    kUnlink,
    kMkdir,
    kRmdir,       // Ok on an empty directory, NotEmpty otherwise
    kRead,        // read [offset, offset + length)
    kFsync,       // fsync; then the store's blob holds exactly the model's bytes
    kClose,       // flush + release the kept handle of `path`
    kFlushAll,    // flusher flush_all; then the store equals the model
    kOobPut,      // flush_all, put `length` bytes to the blob behind the Filesystem, pass the TTLs
    kOobDelete,   // flush_all, delete the blob behind the Filesystem, pass the TTLs
    kRemount,     // clean unmount without flushing, mount again on the same cache directory
    kCrash,       // drop everything without stopping or syncing, mount again
    kRenameDir,   // rename directory `path` to `path2` (new name or over an empty directory);
                  // `length` > 0: cut off by a crash after moving `length` children (at most
                  // all), the way rename() leaves it, then mount again
    kSidecar,     // write sidecar_json(seed) as the whole content of `path` (created, or an
                  // existing file truncated first) and close it
};

// The JSON a kSidecar op writes: {"n": seed % 50, "tag": "t<seed % 3>"}.
std::string sidecar_json(uint64_t seed);

struct Op {
    OpKind kind = OpKind::kRead;
    std::string path;
    std::string path2;
    uint64_t offset = 0;
    uint64_t length = 0;
    uint64_t seed = 0;          // content: seeded_bytes(seed, length)
    bool keep_open = false;     // kCreate/kWrite: keep the handle open for later steps
    int64_t advance_ms = 0;     // the manual clock moves this much before the op
};

const char* op_name(OpKind kind);
// "{OpKind::kWrite, "d0/f1", "", 100, 20, 7, false, 0}"
std::string to_code(const Op& op);
std::string ops_to_code(const std::vector<Op>& ops);

// Names the generator uses (few, so that sequences collide on names).
const std::vector<std::string>& file_name_pool();
const std::vector<std::string>& dir_name_pool();

class OpGenerator {
public:
    // The seed is scrambled first: splitmix streams of seeds s and s+1 would otherwise be the
    // same stream shifted by one value.
    explicit OpGenerator(uint64_t seed) : state_(scramble(seed)) {}

    // The next op for the model's state; `open_paths` are files with a kept handle.
    Op next(const ModelTree& model, const std::set<std::string>& open_paths);

private:
    static uint64_t scramble(uint64_t x);
    uint64_t rand();
    uint64_t below(uint64_t n) { return n == 0 ? 0 : rand() % n; }
    bool chance(unsigned percent) { return below(100) < percent; }
    template <typename T>
    const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

    uint64_t write_length();
    uint64_t write_offset(uint64_t size);
    std::vector<std::string> files_without_handle(const ModelTree& model,
                                                  const std::set<std::string>& open_paths) const;
    std::vector<std::string> shallow_dirs(const ModelTree& model, size_t max_depth) const;
    bool pick_new_name(const ModelTree& model, const std::vector<std::string>& pool, size_t max_depth,
                       std::string* path);
    bool make_op(OpKind kind, const ModelTree& model, const std::set<std::string>& open_paths, Op* op);
    bool make_oob_put(const ModelTree& model, const std::set<std::string>& open_paths, Op* op);
    bool make_rename(const ModelTree& model, const std::set<std::string>& open_paths, Op* op);
    bool make_rename_dir(const ModelTree& model, const std::set<std::string>& open_paths, Op* op);

    uint64_t state_;
};

}  // namespace azblobfs::testing
