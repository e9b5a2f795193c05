// Test 3: random-offset pread() of a 256 MiB blob by 4 threads sharing one descriptor is
// byte-exact. The content is a seeded pattern, so expected bytes are recomputed per read.
#include <fcntl.h>
#include <sys/stat.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "e2e/e2e_fixture.h"
#include "e2e/pattern.h"

namespace azblobfs::e2e {
namespace {

constexpr uint64_t kSize = 256ull << 20;
constexpr uint64_t kSeed = 0x256;
constexpr int kThreads = 4;
constexpr int kReadsPerThread = 150;

struct Failures {
    std::atomic<int> count{0};
    std::mutex mu;
    std::string first;
    void add(const std::string& what) {
        if (count++ > 0) return;
        std::lock_guard<std::mutex> lock(mu);
        first = what;
    }
};

// A read length: small, page-sized, block-crossing or large, chosen by `rng`.
size_t pick_length(std::mt19937_64& rng) {
    switch (rng() % 4) {
        case 0: return 1 + rng() % 512;
        case 1: return 4096 * (1 + rng() % 8);
        case 2: return 200000 + rng() % 200000;
        default: return (1 << 20) - rng() % 4096;
    }
}

void reader(int fd, int thread, Failures* failures) {
    std::mt19937_64 rng(1000 + static_cast<uint64_t>(thread));
    for (int i = 0; i < kReadsPerThread; ++i) {
        uint64_t offset = rng() % kSize;
        if (i % 25 == 0) offset = kSize - 1 - rng() % 100000;   // near and across the end
        size_t length = pick_length(rng);
        ReadOutcome r = pread_exact(fd, offset, length);
        size_t want = static_cast<size_t>(std::min<uint64_t>(length, kSize - offset));
        std::string where = "thread " + std::to_string(thread) + " read " + std::to_string(i) + " at " +
                            std::to_string(offset) + "+" + std::to_string(length);
        if (r.error != 0) {
            failures->add(where + ": " + std::strerror(r.error));
        } else if (r.data.size() != want) {
            failures->add(where + ": got " + std::to_string(r.data.size()) + " bytes, expected " + std::to_string(want));
        } else if (int64_t bad = first_pattern_mismatch(kSeed, offset, r.data); bad >= 0) {
            failures->add(where + ": first wrong byte at offset " + std::to_string(bad));
        }
    }
}

class PreadTest : public E2eTest {};

TEST_F(PreadTest, FourThreadsReadRandomRangesOf256MiBByteExact) {
    const std::string container = container_for("pread");
    E2E_ASSERT_OK(put_pattern_blob(client(), container, "big/blob.bin", kSeed, kSize, 4));
    auto mount = Mount::start(options_for(container));
    E2E_ASSERT_OK(mount);

    Fd fd(open(((*mount)->path() / "big/blob.bin").c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(fd.ok()) << std::strerror(errno);
    struct stat st{};
    ASSERT_EQ(fstat(fd.get(), &st), 0);
    ASSERT_EQ(static_cast<uint64_t>(st.st_size), kSize);

    Failures failures;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) threads.emplace_back(reader, fd.get(), t, &failures);
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.count.load(), 0) << "first failure: " << failures.first;

    // A read exactly at the end returns 0 bytes.
    EXPECT_EQ(pread_exact(fd.get(), kSize, 4096).data.size(), 0u);
    fd.reset();
    E2E_ASSERT_OK((*mount)->unmount());
}

}  // namespace
}  // namespace azblobfs::e2e
