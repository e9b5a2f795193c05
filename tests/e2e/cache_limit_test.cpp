// Test 7: with --cache-size 64M, reading files totalling more than twice that is byte-exact,
// and data.mdb and status.json's cache.used_bytes stay within the limit during and after.
#include <algorithm>
#include <mutex>
#include <stop_token>
#include <thread>

#include "e2e/e2e_fixture.h"
#include "e2e/pattern.h"

namespace azblobfs::e2e {
namespace {

constexpr uint64_t kLimit = 64ull << 20;
constexpr uint64_t kFileSize = 16ull << 20;
constexpr int kFiles = 10;  // 160 MiB read through a 64 MiB cache

// What the sampler saw while the reads ran.
struct Peaks {
    std::mutex mu;
    uint64_t data_mdb_bytes = 0;
    uint64_t used_bytes = 0;
    uint64_t over_limit_samples = 0;   // status.json samples with used_bytes > limit_bytes
    uint64_t status_samples = 0;
};

void sample(std::stop_token stop, std::filesystem::path cache_dir, Peaks* peaks) {
    std::filesystem::file_time_type last_status{};
    while (!stop.stop_requested()) {
        std::error_code ec;
        uint64_t size = std::filesystem::file_size(cache_dir / "data.mdb", ec);
        auto written = std::filesystem::last_write_time(cache_dir / "status.json", ec);
        bool fresh_status = !ec && written != last_status;
        auto status = fresh_status ? read_status_json(cache_dir) : Result<nlohmann::json>(Status(Code::kNotFound, ""));
        {
            std::lock_guard<std::mutex> lock(peaks->mu);
            peaks->data_mdb_bytes = std::max(peaks->data_mdb_bytes, size);
            if (status.is_ok() && status->contains("cache")) {
                last_status = written;
                const auto& cache = (*status)["cache"];
                uint64_t used = cache.value("used_bytes", 0ull);
                peaks->used_bytes = std::max(peaks->used_bytes, used);
                peaks->over_limit_samples += used > cache.value("limit_bytes", 0ull) ? 1 : 0;
                ++peaks->status_samples;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string file_name(int i) { return "files/part-" + std::to_string(i) + ".bin"; }

class CacheLimitTest : public E2eTest {};

TEST_F(CacheLimitTest, ReadingMoreThanTwiceTheLimitStaysWithinIt) {
    const std::string container = container_for("cache-limit");
    for (int i = 0; i < kFiles; ++i)
        E2E_ASSERT_OK(put_pattern_blob(client(), container, file_name(i), 900 + static_cast<uint64_t>(i), kFileSize));
    MountOptions options = options_for(container);
    options.cache_size = "64M";
    auto mount = Mount::start(options);
    E2E_ASSERT_OK(mount);

    Peaks peaks;
    {
        std::jthread sampler(sample, options.cache_dir, &peaks);
        for (int round = 0; round < 2; ++round) {   // the second round re-reads evicted blocks
            for (int i = 0; i < kFiles; ++i) {
                ReadOutcome r = read_whole_file((*mount)->path() / file_name(i));
                EXPECT_EQ(r.error, 0) << file_name(i) << ": " << std::strerror(r.error);
                EXPECT_EQ(r.data.size(), kFileSize) << file_name(i);
                EXPECT_EQ(first_pattern_mismatch(900 + static_cast<uint64_t>(i), 0, r.data), -1) << file_name(i);
            }
        }
        auto during = (*mount)->fresh_status_json();
        E2E_ASSERT_OK(during);
    }
    E2E_ASSERT_OK((*mount)->unmount());
    auto final_status = read_status_json(options.cache_dir);
    E2E_ASSERT_OK(final_status);
    const auto& cache = (*final_status)["cache"];
    const auto& env = (*final_status)["env"];

    EXPECT_LE(peaks.data_mdb_bytes, kLimit) << "data.mdb grew past --cache-size";
    EXPECT_GT(peaks.status_samples, 0u);
    EXPECT_EQ(peaks.over_limit_samples, 0u) << "status.json showed used_bytes above limit_bytes";
    EXPECT_LE(peaks.used_bytes, kLimit);
    EXPECT_LE(cache.value("limit_bytes", ~0ull), kLimit) << final_status->dump();
    EXPECT_LE(cache.value("used_bytes", ~0ull), cache.value("limit_bytes", 0ull)) << final_status->dump();
    EXPECT_GT(cache.value("evictions", 0ull), 0u) << "160 MiB through a 64 MiB cache must evict";
    EXPECT_LE(env.value("map_size", ~0ull), kLimit) << final_status->dump();
    EXPECT_LE(env.value("file_bytes", ~0ull), kLimit) << final_status->dump();
    EXPECT_LE(std::filesystem::file_size(options.cache_dir / "data.mdb"), kLimit);
}

}  // namespace
}  // namespace azblobfs::e2e
