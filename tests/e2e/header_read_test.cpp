// Test 8: reading the first 64 KiB of a 20 MiB blob fetches at most one block plus one
// read-ahead window, not the whole blob (status.json's bytes_fetched).
//
// Bound: fetching is block-granular (B = 262,128 bytes, cache/read_path.h), and the first
// read-ahead window of 1 MiB, starting where a read ended, touches at most 5 blocks. So the
// kernel's own read-ahead may turn the 64 KiB read into reads that fetch at most 1 + 5 blocks.
#include <fcntl.h>

#include "e2e/e2e_fixture.h"
#include "e2e/pattern.h"

namespace azblobfs::e2e {
namespace {

constexpr uint64_t kBlobSize = 20ull << 20;
constexpr uint64_t kBlock = 262128;
constexpr uint64_t kWindow = 1 << 20;
constexpr uint64_t kWindowBlocks = (kWindow + kBlock - 1) / kBlock + 1;  // a misaligned 1 MiB
constexpr uint64_t kMaxFetched = kBlock * (1 + kWindowBlocks);
constexpr uint64_t kSeed = 88;

class HeaderReadTest : public E2eTest {};

TEST_F(HeaderReadTest, First64KiBOf20MiBFetchesOneBlockPlusOneWindowAtMost) {
    static_assert(kMaxFetched < kBlobSize / 10);
    const std::string container = container_for("header-read");
    E2E_ASSERT_OK(put_pattern_blob(client(), container, "media/video.bin", kSeed, kBlobSize));
    auto mount = Mount::start(options_for(container));
    E2E_ASSERT_OK(mount);
    auto before = (*mount)->fresh_status_json();
    E2E_ASSERT_OK(before);
    const uint64_t fetched_before = before->value("bytes_fetched", 0ull);

    {
        Fd fd(open(((*mount)->path() / "media/video.bin").c_str(), O_RDONLY | O_CLOEXEC));
        ASSERT_TRUE(fd.ok()) << std::strerror(errno);
        ReadOutcome header = pread_exact(fd.get(), 0, 64 * 1024);
        ASSERT_EQ(header.error, 0) << std::strerror(header.error);
        EXPECT_EQ(header.data, pattern_bytes(kSeed, 0, 64 * 1024));
    }
    E2E_ASSERT_OK((*mount)->unmount());  // waits for any read-ahead; status.json written at exit

    auto after = read_status_json(options_for(container).cache_dir);
    E2E_ASSERT_OK(after);
    const uint64_t fetched = after->value("bytes_fetched", 0ull) - fetched_before;
    EXPECT_GE(fetched, 64u * 1024) << "the header must have come from Azurite: " << after->dump();
    EXPECT_LE(fetched, kMaxFetched) << "a 64 KiB header read fetched " << fetched << " bytes: " << after->dump();
    EXPECT_GE(after->value("range_requests", 0ull), 1u);
}

}  // namespace
}  // namespace azblobfs::e2e
