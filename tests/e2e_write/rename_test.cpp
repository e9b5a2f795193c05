// Directory rename on a real mount (DESIGN §5): `mv` of a directory of committed files returns
// without waiting for Azure, the new names show at once, and after a SIGKILL right after the
// rename the next mount completes it: every blob is under the new name with its bytes, none is
// left under the old one, and there is no conflict blob.
#include <fcntl.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "e2e/pattern.h"
#include "e2e_write/write_fixture.h"

namespace azblobfs::e2e {
namespace {

constexpr int kFiles = 150;

std::string file_name(const std::string& dir, int i) { return dir + "/sub" + std::to_string(i % 3) + "/f" + std::to_string(i); }
std::string file_bytes(int i) { return pattern_bytes(7000 + static_cast<uint64_t>(i), 0, 100 + 37 * i); }

class RenameTest : public WriteTest {};

TEST_F(RenameTest, SigkillRightAfterADirectoryRenameCompletesItOnTheNextMount) {
    const std::string container = container_for("rename-dir");
    E2E_ASSERT_OK(client().create_container(container));
    const auto cache = new_cache_dir();
    {
        auto mount = Mount::start(writable(container, cache));
        E2E_ASSERT_OK(mount);
        for (int s = 0; s < 3; ++s) {
            std::filesystem::create_directories((*mount)->path() / ("old/sub" + std::to_string(s)));
        }
        for (int i = 0; i < kFiles; ++i) {
            ASSERT_EQ(write_file((*mount)->path() / file_name("old", i), file_bytes(i), O_WRONLY | O_CREAT | O_TRUNC, false), 0);
        }
        E2E_ASSERT_OK((*mount)->unmount());  // drains: every file is committed
    }
    ASSERT_EQ(blob_names(container, "old/").size(), static_cast<size_t>(kFiles + 3));  // + the subdirectory markers

    {
        // A long upload delay: nothing of the rename reaches Azure before the kill.
        auto mount = Mount::start(writable(container, cache, {"--upload-delay", "600"}));
        E2E_ASSERT_OK(mount);
        const auto root = (*mount)->path();
        auto started = std::chrono::steady_clock::now();
        std::error_code ec;
        std::filesystem::rename(root / "old", root / "new", ec);
        ASSERT_FALSE(ec) << ec.message();
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::printf("rename of a directory of %d files: %.3f s\n", kFiles, seconds);
        EXPECT_FALSE(std::filesystem::exists(root / "old"));
        for (int i = 0; i < kFiles; i += 7) {
            ReadOutcome r = read_whole_file(root / file_name("new", i));
            EXPECT_EQ(r.error, 0) << file_name("new", i);
            EXPECT_EQ(describe_difference(file_bytes(i), r.data), "") << file_name("new", i);
        }
        EXPECT_EQ(blob_names(container, "new/").size(), 0u) << "the rename waited for Azure";
        Status killed = signal_mount(**mount, SIGKILL);
        ASSERT_TRUE(killed.is_ok()) << killed.to_string();
    }
    {
        auto mount = Mount::start(writable(container, cache, {"--upload-delay", "0"}));
        E2E_ASSERT_OK(mount);
        EXPECT_FALSE(std::filesystem::exists((*mount)->path() / "old"));
        E2E_ASSERT_OK((*mount)->unmount());
    }
    EXPECT_EQ(blob_names(container, "old").size(), 0u) << "the old directory's marker or files are left";
    EXPECT_EQ(blob_names(container, "new/").size(), static_cast<size_t>(kFiles + 3));
    for (int i = 0; i < kFiles; ++i) {
        auto blob = read_blob(client(), container, file_name("new", i));
        ASSERT_TRUE(blob.is_ok()) << file_name("new", i) << ": " << blob.status().to_string();
        EXPECT_EQ(describe_difference(file_bytes(i), *blob), "") << file_name("new", i);
    }
    for (const auto& name : blob_names(container)) EXPECT_EQ(name.find(".conflict-"), std::string::npos) << name;
}

}  // namespace
}  // namespace azblobfs::e2e
