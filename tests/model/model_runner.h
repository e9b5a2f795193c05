// Runs Op sequences against the real writable stack (FsStack over a MemoryBlobStore) and the
// ModelTree, and compares the two after every step:
//  - the tree seen through the Filesystem (lookup walks, opendir/readdir, getattr type and size,
//    the full content of every file, negative lookups of every unused pool name) equals the model;
//  - after kFsync the store's blob holds exactly the model's bytes;
//  - after kFlushAll (also inside kOobPut/kOobDelete) the journal is empty, every model file is
//    in the store byte-exact, every model directory exists in the store (marker or content),
//    and no other blob exists (directory markers and "*.conflict-*" blobs are ignored);
//  - the sidecar index (every model file is a sidecar) answers for the model's content after
//    every step (compare_index).
// A failure is reported as text naming the step, the op and what differs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/fs_stack.h"
#include "model/model_ops.h"
#include "model/model_tree.h"
#include "support/temp_dir.h"

namespace azblobfs::testing {

class ModelRunner {
public:
    explicit ModelRunner(StackOptions options);
    ~ModelRunner();

    // Mounts and compares the empty tree (so the root starts listed, like `ls` after a mount);
    // a failure text when the stack cannot be built.
    std::optional<std::string> start();
    // Runs one op and compares; a failure text on the first difference.
    std::optional<std::string> step(const Op& op);

    const ModelTree& model() const { return model_; }
    std::set<std::string> open_paths() const;
    FsStack& stack() { return *stack_; }

private:
    struct Handle {
        uint64_t ino = 0;
        uint64_t fh = 0;
    };

    // False when the op's preconditions do not hold in the model (the op is skipped).
    bool applicable(const Op& op) const;
    bool rename_dir_applicable(const Op& op) const;
    std::optional<std::string> execute(const Op& op);
    std::optional<std::string> do_create(const Op& op);
    std::optional<std::string> do_write(const Op& op, bool append);
    std::optional<std::string> do_truncate(const Op& op);
    std::optional<std::string> do_rename(const Op& op);  // kRename and kRenameDir
    std::optional<std::string> do_cut_rename_dir(const Op& op);
    std::optional<std::string> do_remove(const Op& op);
    std::optional<std::string> do_mkdir(const Op& op);
    std::optional<std::string> do_read(const Op& op);
    std::optional<std::string> do_fsync(const Op& op);
    std::optional<std::string> do_close(const std::string& path);
    std::optional<std::string> do_flush_all();
    std::optional<std::string> do_out_of_band(const Op& op);
    std::optional<std::string> do_remount(bool crash);
    std::optional<std::string> do_sidecar(const Op& op);   // model_index_check.cpp
    // Drops model directories that an out-of-band delete left without content or marker.
    void prune_vanished_dirs(const std::string& dir);
    bool store_has_dir(const std::string& dir);

    std::optional<std::string> compare_tree();
    std::optional<std::string> compare_dir(const std::string& path, uint64_t ino);
    std::optional<std::string> compare_file(const std::string& path, uint64_t ino);
    std::optional<std::string> compare_store();
    // model_index_check.cpp: after the background reader has caught up, the sidecar index holds
    // for every closed model file exactly the fields of its content (none when it is not a
    // sidecar JSON object), and no path the model does not have.
    std::optional<std::string> compare_index();

    StackOptions options_;
    TempDir cache_dir_;
    std::shared_ptr<BlobStore> store_;
    std::unique_ptr<FsStack> stack_;
    ModelTree model_;
    std::map<std::string, Handle> handles_;
    uint64_t steps_ = 0;
};

struct SequenceFailure {
    size_t step = 0;             // index of the failing op
    std::string message;
};

// Runs `ops` on a fresh stack; the first failure, if any.
std::optional<SequenceFailure> run_ops(const std::vector<Op>& ops, StackOptions options);

// Generates and runs `steps` ops from `seed`; the ops run so far are stored in *ops.
std::optional<SequenceFailure> run_seed(uint64_t seed, size_t steps, StackOptions options,
                                        std::vector<Op>* ops);

// Stack options and sequence length of a seed (both derived from the seed).
StackOptions options_for_seed(uint64_t seed);
size_t steps_for_seed(uint64_t seed);

// Shortens a failing sequence: drops ops while the sequence still fails at an op of the same
// kind. At most `max_runs` replays.
std::vector<Op> shrink(std::vector<Op> ops, const SequenceFailure& failure, StackOptions options,
                       int max_runs);

}  // namespace azblobfs::testing
