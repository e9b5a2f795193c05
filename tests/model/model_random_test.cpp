// The seeded reference-model test: seeds 1..kDefaultSeeds in CI, in kShards test cases that
// CTest runs in parallel (measured on the 2-core build machine: about 0.1 s per seed of ~130
// steps, so a shard of 500 seeds takes about a minute).
// AZB_MODEL_SEED=S runs only seed S and prints its op log; AZB_MODEL_SEEDS=N runs seeds 1..N,
// AZB_MODEL_SEEDS=A-B seeds A..B (either in shard 0; the other shards skip); AZB_MODEL_MAX_FAILURES (default 3) stops after that many
// failing seeds; AZB_MODEL_SHRINK_RUNS (default 150, 0: off) bounds the shortening. A failure
// prints the seed, the step, the op log and a shortened sequence ready to paste into
// model_regression_test.cpp.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "model/model_runner.h"

namespace azblobfs::testing {
namespace {

constexpr uint64_t kDefaultSeeds = 2000;
constexpr int kShards = 4;
constexpr int kDefaultReportedFailures = 3;
constexpr int kShrinkRuns = 150;

struct SeedRange {
    uint64_t first = 1;
    uint64_t last = kDefaultSeeds;
    bool verbose = false;
    int max_failures = kDefaultReportedFailures;  // AZB_MODEL_MAX_FAILURES
    int shrink_runs = kShrinkRuns;                 // AZB_MODEL_SHRINK_RUNS (0: no shrinking)
};

// The seeds of `shard`; nullopt when the shard has none (a chosen range runs in shard 0 only).
std::optional<SeedRange> seed_range(int shard) {
    SeedRange r;
    bool chosen = std::getenv("AZB_MODEL_SEED") != nullptr || std::getenv("AZB_MODEL_SEEDS") != nullptr;
    if (chosen && shard != 0) return std::nullopt;
    if (!chosen) {
        uint64_t per_shard = kDefaultSeeds / kShards;
        r.first = 1 + static_cast<uint64_t>(shard) * per_shard;
        r.last = r.first + per_shard - 1;
    }
    if (const char* one = std::getenv("AZB_MODEL_SEED")) {
        r.first = r.last = std::stoull(one);
        r.verbose = true;
    } else if (const char* many = std::getenv("AZB_MODEL_SEEDS")) {
        std::string s = many;
        size_t dash = s.find('-');
        if (dash == std::string::npos) {
            r.last = std::stoull(s);
        } else {
            r.first = std::stoull(s.substr(0, dash));
            r.last = std::stoull(s.substr(dash + 1));
        }
    }
    if (const char* max = std::getenv("AZB_MODEL_MAX_FAILURES")) r.max_failures = std::stoi(max);
    if (const char* runs = std::getenv("AZB_MODEL_SHRINK_RUNS")) r.shrink_runs = std::stoi(runs);
    return r;
}

class ModelRandom : public ::testing::TestWithParam<int> {};

TEST_P(ModelRandom, SeededSequencesMatchTheModel) {
    std::optional<SeedRange> chosen = seed_range(GetParam());
    if (!chosen) GTEST_SKIP() << "AZB_MODEL_SEED(S) runs in shard 0";
    SeedRange range = *chosen;
    spdlog::set_level(spdlog::level::warn);  // remount steps log every resumed upload at info
    auto started = std::chrono::steady_clock::now();
    int failures = 0;
    uint64_t steps = 0;
    for (uint64_t seed = range.first; seed <= range.last && failures < range.max_failures; ++seed) {
        std::vector<Op> ops;
        StackOptions options = options_for_seed(seed);
        std::optional<SequenceFailure> f = run_seed(seed, steps_for_seed(seed), options, &ops);
        steps += ops.size();
        if (range.verbose) std::cout << "seed " << seed << " op log:\n" << ops_to_code(ops);
        if (!f) continue;
        ++failures;
        std::vector<Op> shortened = range.shrink_runs > 0 ? shrink(ops, *f, options, range.shrink_runs) : ops;
        std::optional<SequenceFailure> again = run_ops(shortened, options);
        ADD_FAILURE() << "seed " << seed << " (AZB_MODEL_SEED=" << seed << ") failed at step " << f->step
                      << ": " << f->message << "\nop log:\n"
                      << ops_to_code(ops) << "shortened to " << shortened.size() << " ops (upload_delay_s "
                      << options.upload_delay_s << ", block_cache_bytes " << options.block_cache_bytes
                      << "), failing with: " << (again ? again->message : std::string("(passes now: flaky?)"))
                      << "\n"
                      << ops_to_code(shortened);
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "model: seeds " << range.first << ".." << range.last << ", " << steps << " steps in "
              << seconds << " s" << std::endl;
    RecordProperty("seeds", std::to_string(range.last - range.first + 1));
    RecordProperty("seconds", std::to_string(seconds));
}

INSTANTIATE_TEST_SUITE_P(Shards, ModelRandom, ::testing::Range(0, kShards));

}  // namespace
}  // namespace azblobfs::testing
