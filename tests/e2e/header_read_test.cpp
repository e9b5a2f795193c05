// Header reads (issue: fast where users feel it): a thumbnailer or `file *` reads the first
// 64 KiB of each image in a fresh process. Each such read costs one ranged GET of the first
// block (B = 262,128 bytes, cache/read_path.h), whatever the kernel's own read-ahead asks for,
// and each image's directory one List call, counted by the mount's own request counters
// (status.json "requests").
#include <fcntl.h>

#include "e2e/e2e_fixture.h"
#include "e2e/pattern.h"
#include "e2e/shell.h"

namespace azblobfs::e2e {
namespace {

constexpr uint64_t kBlock = 262128;
constexpr uint64_t kImageSize = 2ull << 20;
constexpr int kImages = 12;

class HeaderReadTest : public E2eTest {};

TEST_F(HeaderReadTest, HeadOf64KiBPerImageCostsOneGetOfOneBlockAndOneListPerDirectory) {
    const std::string container = container_for("header-read");
    for (int i = 0; i < kImages; ++i) {
        E2E_ASSERT_OK(put_pattern_blob(client(), container, "lead-" + std::to_string(i) + "/full.png",
                                       static_cast<uint64_t>(100 + i), kImageSize));
    }
    auto mount = Mount::start(options_for(container));
    E2E_ASSERT_OK(mount);
    for (int i = 0; i < kImages; ++i) {
        // A fresh process per image, reading 8 KiB at a time as head does.
        const auto image = (*mount)->path() / ("lead-" + std::to_string(i) + "/full.png");
        auto head = run_command({"head", "-c", "65536", image.string()});
        ASSERT_EQ(head.exit_code, 0) << head.describe();
        EXPECT_EQ(head.out, pattern_bytes(static_cast<uint64_t>(100 + i), 0, 64 * 1024)) << image;
    }
    E2E_ASSERT_OK((*mount)->unmount());  // waits for any read-ahead; status.json written at exit

    auto status = read_status_json(options_for(container).cache_dir);
    E2E_ASSERT_OK(status);
    const auto& requests = (*status)["requests"];
    EXPECT_EQ(status->value("bytes_fetched", 0ull), kImages * kBlock) << status->dump();
    EXPECT_EQ(requests.value("get", 0ull), static_cast<uint64_t>(kImages)) << "one GET per image";
    EXPECT_EQ(requests.value("bytes_read", 0ull), kImages * kBlock);
    EXPECT_EQ(requests.value("list_blobs", 0ull), static_cast<uint64_t>(kImages + 1))
        << "the container root once, each lead's directory once";
}

}  // namespace
}  // namespace azblobfs::e2e
