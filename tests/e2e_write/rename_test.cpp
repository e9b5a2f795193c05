// Directory rename on a real mount (DESIGN §5): `mv` of a directory of committed files returns
// without waiting for Azure, the new names show at once, and after a SIGKILL right after the
// rename the next mount completes it: every blob is under the new name with its bytes, none is
// left under the old one, and there is no conflict blob. The same holds for a SIGKILL while the
// rename call itself is still moving files.
#include <fcntl.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "e2e/e2e_env.h"
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

// SIGKILL while rename() of a large directory is still moving its files: the call never
// returned, yet the next mount finishes the rename before it serves anything, so no file is
// left behind under the old name and none is lost.
TEST_F(RenameTest, SigkillInsideADirectoryRenameIsFinishedByTheNextMount) {
    constexpr int kMany = 1500;
    const std::string container = container_for("rename-cut");
    std::vector<BlobSpec> blobs;
    for (int i = 0; i < kMany; ++i) blobs.push_back({"old/f" + std::to_string(i), file_bytes(i), {}});
    E2E_ASSERT_OK(upload_all(client(), container, blobs));
    const auto cache = new_cache_dir();
    {
        auto mount = Mount::start(writable(container, cache, {"--upload-delay", "600"}));
        E2E_ASSERT_OK(mount);
        const auto root = (*mount)->path();
        ASSERT_TRUE(std::filesystem::exists(root / "old/f0"));
        std::error_code ec;
        std::thread mover([&] { std::filesystem::rename(root / "old", root / "new", ec); });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        Status killed = signal_mount(**mount, SIGKILL);
        mover.join();
        ASSERT_TRUE(killed.is_ok()) << killed.to_string();
        ASSERT_TRUE(ec) << "the rename of " << kMany << " files finished within 0.3 s, before the kill";
        std::printf("rename interrupted by SIGKILL: %s\n", ec.message().c_str());
    }
    {
        auto mount = Mount::start(writable(container, cache, {"--upload-delay", "0"}));
        E2E_ASSERT_OK(mount);
        const auto root = (*mount)->path();
        EXPECT_FALSE(std::filesystem::exists(root / "old"));
        for (int i = 0; i < kMany; i += 97) {
            ReadOutcome r = read_whole_file(root / ("new/f" + std::to_string(i)));
            EXPECT_EQ(r.error, 0) << i;
            EXPECT_EQ(describe_difference(file_bytes(i), r.data), "") << i;
        }
        E2E_ASSERT_OK((*mount)->unmount());
    }
    EXPECT_EQ(blob_names(container, "old").size(), 0u) << "files are left under the old name";
    std::set<std::string> moved = blob_names(container, "new/");
    EXPECT_EQ(moved.size(), static_cast<size_t>(kMany));
    for (int i = 0; i < kMany; i += 13) {
        auto blob = read_blob(client(), container, "new/f" + std::to_string(i));
        ASSERT_TRUE(blob.is_ok()) << i << ": " << blob.status().to_string();
        EXPECT_EQ(describe_difference(file_bytes(i), *blob), "") << i;
    }
    for (const auto& name : blob_names(container)) EXPECT_EQ(name.find(".conflict-"), std::string::npos) << name;
}

}  // namespace
}  // namespace azblobfs::e2e
