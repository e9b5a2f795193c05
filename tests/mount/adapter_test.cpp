// The FUSE adapter seen through a real mount: large directories come back whole through
// readdirplus pages, statfs reports the block cache, and xattr size queries follow the
// getxattr(2)/listxattr(2) conventions.
#include <gtest/gtest.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>

#include <cerrno>
#include <set>

#include "azure/azure_blob_store.h"
#include "azure/credentials.h"
#include "azure/curl_transport.h"
#include "mount/mount_env.h"
#include "mount/process.h"

namespace azblobfs::mount_test {
namespace {

class AdapterTest : public MountTest {
protected:
    void mount_container(const std::string& container) {
        ProcessResult r = run_process(mount_argv(mnt_, good_connection_string(), {"--container", container}));
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    void TearDown() override { run_process({azblobfs_bin(), "unmount", mnt_.string()}); }
};

TEST_F(AdapterTest, ListsALargeDirectoryAcrossManyReaddirPages) {
    // 600 names of 120 bytes: about 270 bytes per readdirplus entry, so the kernel needs
    // dozens of 4 KiB pages and the adapter packs partial batches.
    auto account = parse_connection_string(good_connection_string());
    ASSERT_TRUE(account.is_ok());
    auto store = make_azure_blob_store(*account, make_curl_transport());
    const std::string container = "big-directory";
    ASSERT_TRUE(store->create_container(container).is_ok());
    std::set<std::string> expected;
    for (int i = 0; i < 600; ++i) {
        std::string name = "entry-" + std::to_string(1000 + i) + "-" + std::string(110, 'x');
        ASSERT_TRUE(store->put_blob(container, "dir/" + name, std::to_string(i)).is_ok());
        expected.insert(name);
    }
    mount_container(container);

    std::set<std::string> seen;
    for (const auto& e : std::filesystem::directory_iterator(mnt_ / "dir")) {
        EXPECT_TRUE(e.is_regular_file()) << e.path();
        seen.insert(e.path().filename().string());
    }
    EXPECT_EQ(seen, expected);
    // A second listing (entries now known to the kernel) gives the same names.
    size_t again = 0;
    for (const auto& e : std::filesystem::directory_iterator(mnt_ / "dir")) again += e.exists() ? 1 : 0;
    EXPECT_EQ(again, expected.size());
}

TEST_F(AdapterTest, StatfsReportsTheBlockCache) {
    mount_container(kContainer);
    struct statvfs st{};
    ASSERT_EQ(statvfs(mnt_.c_str(), &st), 0) << std::strerror(errno);
    EXPECT_EQ(st.f_namemax, 255u);
    // --cache-size 64M: blocks get 64M minus the 16M index reserve.
    EXPECT_EQ(static_cast<uint64_t>(st.f_blocks) * st.f_frsize, 48ull << 20);
    EXPECT_LE(st.f_bfree, st.f_blocks);
}

TEST_F(AdapterTest, XattrSizeQueriesAndShortBuffers) {
    mount_container(kContainer);
    std::string file = (mnt_ / "hello.txt").string();
    ssize_t size = getxattr(file.c_str(), "user.azure.etag", nullptr, 0);
    ASSERT_GT(size, 1) << std::strerror(errno);
    char small[1];
    errno = 0;
    EXPECT_EQ(getxattr(file.c_str(), "user.azure.etag", small, sizeof small), -1);
    EXPECT_EQ(errno, ERANGE);
    std::string value(static_cast<size_t>(size), '\0');
    EXPECT_EQ(getxattr(file.c_str(), "user.azure.etag", value.data(), value.size()), size);

    ssize_t list_size = listxattr(file.c_str(), nullptr, 0);
    ASSERT_GT(list_size, 0);
    std::string names(static_cast<size_t>(list_size), '\0');
    EXPECT_EQ(listxattr(file.c_str(), names.data(), names.size()), list_size);
    EXPECT_NE(names.find(std::string("user.azure.etag") + '\0'), std::string::npos);
    errno = 0;
    EXPECT_EQ(listxattr(file.c_str(), small, sizeof small), -1);
    EXPECT_EQ(errno, ERANGE);
    errno = 0;
    EXPECT_EQ(setxattr(file.c_str(), "security.x", "1", 1, 0), -1);
    EXPECT_EQ(errno, ENOTSUP);
    EXPECT_EQ(setxattr(file.c_str(), "user.azure.etag", "1", 1, 0), -1);
    EXPECT_EQ(errno, EPERM);
}

}  // namespace
}  // namespace azblobfs::mount_test
