// Running whole sequences: explicit op lists, seeded sequences, and shrinking a failure.
#include <algorithm>

#include "model/model_runner.h"

namespace azblobfs::testing {

std::optional<SequenceFailure> run_ops(const std::vector<Op>& ops, StackOptions options) {
    ModelRunner runner(options);
    if (auto f = runner.start()) return SequenceFailure{0, *f};
    for (size_t i = 0; i < ops.size(); ++i) {
        if (auto f = runner.step(ops[i])) return SequenceFailure{i, *f};
    }
    return std::nullopt;
}

std::optional<SequenceFailure> run_seed(uint64_t seed, size_t steps, StackOptions options,
                                        std::vector<Op>* ops) {
    ModelRunner runner(options);
    if (auto f = runner.start()) return SequenceFailure{0, *f};
    OpGenerator generator(seed);
    for (size_t i = 0; i < steps; ++i) {
        ops->push_back(generator.next(runner.model(), runner.open_paths()));
        if (auto f = runner.step(ops->back())) return SequenceFailure{i, *f};
    }
    return std::nullopt;
}

StackOptions options_for_seed(uint64_t seed) {
    StackOptions o;
    o.upload_delay_s = seed % 2 == 0 ? 0 : 1;
    // Every third seed: a block cache of a few blocks, so clean blocks are evicted and re-read.
    if (seed % 3 == 0) o.block_cache_bytes = 2ull << 20;
    return o;
}

size_t steps_for_seed(uint64_t seed) { return 60 + static_cast<size_t>((seed * 7919) % 141); }

std::vector<Op> shrink(std::vector<Op> ops, const SequenceFailure& failure, StackOptions options,
                       int max_runs) {
    ops.resize(std::min(ops.size(), failure.step + 1));
    const OpKind kind = ops.back().kind;
    int runs = 0;
    // Still failing at an op of the same kind: keep `candidate`, cut after the failing op.
    auto still_fails = [&](std::vector<Op>* candidate) {
        ++runs;
        std::optional<SequenceFailure> f = run_ops(*candidate, options);
        if (!f || f->step >= candidate->size() || (*candidate)[f->step].kind != kind) return false;
        candidate->resize(f->step + 1);
        return true;
    };
    size_t chunk = std::max<size_t>(1, ops.size() / 2);
    while (runs < max_runs) {
        bool removed = false;
        for (size_t start = 0; start < ops.size() && runs < max_runs;) {
            std::vector<Op> candidate;
            for (size_t i = 0; i < ops.size(); ++i) {
                if (i < start || i >= start + chunk) candidate.push_back(ops[i]);
            }
            if (!candidate.empty() && still_fails(&candidate)) {
                ops = std::move(candidate);
                removed = true;
            } else {
                start += chunk;
            }
        }
        if (!removed) {
            if (chunk == 1) break;
            chunk /= 2;
        }
    }
    for (size_t i = 0; i < ops.size() && runs < max_runs; ++i) {  // simpler clock: no advances
        if (ops[i].advance_ms == 0) continue;
        std::vector<Op> candidate = ops;
        candidate[i].advance_ms = 0;
        if (still_fails(&candidate)) ops = std::move(candidate);
    }
    return ops;
}

}  // namespace azblobfs::testing
