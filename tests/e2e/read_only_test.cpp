// Test 10: a --read-only mount refuses every write with EROFS, through the real tools
// (touch, mkdir, rm) and through the system calls, and nothing changes in Azurite.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <set>

#include "e2e/e2e_fixture.h"
#include "e2e/shell.h"

namespace azblobfs::e2e {
namespace {

constexpr const char* kErofsText = "Read-only file system";

int errno_of(int rc) { return rc == 0 ? 0 : errno; }

// errno of open(), or 0 when it succeeded (the descriptor is closed).
int open_errno(const std::filesystem::path& path, int flags) {
    Fd fd(open(path.c_str(), flags | O_CLOEXEC, 0644));
    return fd.ok() ? 0 : errno;
}

std::set<std::string> blob_names(BlobStore& store, const std::string& container) {
    std::set<std::string> names;
    auto all = store.list_all(container, {});
    EXPECT_TRUE(all.is_ok()) << all.status().to_string();
    if (all.is_ok())
        for (const auto& b : all->blobs) names.insert(b.name);
    return names;
}

class ReadOnlyTest : public E2eTest {};

TEST_F(ReadOnlyTest, WritesAreRefusedWithErofs) {
    const std::string container = container_for("read-only");
    E2E_ASSERT_OK(upload_all(client(), container, {{"dir/existing.txt", "keep me", {}}, {"other.txt", "x", {}}}));
    const std::set<std::string> before = blob_names(client(), container);
    MountOptions options = options_for(container);
    options.extra_args.push_back("--read-only");
    auto mount = Mount::start(options);
    E2E_ASSERT_OK(mount);
    const auto root = (*mount)->path();
    const std::string existing = (root / "dir/existing.txt").string();

    for (const std::vector<std::string>& argv : std::vector<std::vector<std::string>>{
             {"touch", (root / "new.txt").string()},
             {"touch", existing},
             {"mkdir", (root / "newdir").string()},
             {"rm", "-f", existing},
             {"rmdir", (root / "dir").string()},
             {"mv", (root / "other.txt").string(), (root / "moved.txt").string()},
             {"sh", "-c", "echo data > '" + existing + "'"}}) {
        CommandResult r = run_command(argv);
        EXPECT_NE(r.exit_code, 0) << argv[0] << " " << argv.back() << " succeeded";
        EXPECT_NE(r.err.find(kErofsText), std::string::npos) << argv[0] << ": " << r.describe();
    }

    EXPECT_EQ(open_errno(root / "n.txt", O_CREAT | O_WRONLY), EROFS);
    EXPECT_EQ(open_errno(existing, O_WRONLY), EROFS);
    EXPECT_EQ(open_errno(existing, O_RDWR | O_TRUNC), EROFS);
    EXPECT_EQ(errno_of(mkdir((root / "d2").c_str(), 0755)), EROFS);
    EXPECT_EQ(errno_of(unlink(existing.c_str())), EROFS);
    EXPECT_EQ(errno_of(rmdir((root / "dir").c_str())), EROFS);
    EXPECT_EQ(errno_of(rename(existing.c_str(), (root / "r.txt").c_str())), EROFS);
    EXPECT_EQ(errno_of(symlink("other.txt", (root / "ln").c_str())), EROFS);
    EXPECT_EQ(errno_of(truncate(existing.c_str(), 0)), EROFS);
    EXPECT_EQ(errno_of(chmod(existing.c_str(), 0600)), EROFS);
    EXPECT_EQ(errno_of(setxattr(existing.c_str(), "user.k", "v", 1, 0)), EROFS);

    ReadOutcome still = read_whole_file(existing);
    EXPECT_EQ(still.error, 0);
    EXPECT_EQ(still.data, "keep me");
    E2E_ASSERT_OK((*mount)->unmount());
    EXPECT_EQ(blob_names(client(), container), before) << "a refused write changed the container";
    auto content = read_blob(client(), container, "dir/existing.txt");
    E2E_ASSERT_OK(content);
    EXPECT_EQ(*content, "keep me");
}

}  // namespace
}  // namespace azblobfs::e2e
