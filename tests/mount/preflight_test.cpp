// `azblobfs mount` refuses to start when a precondition fails: exit status 1, one stderr line
// naming the cause, and nothing mounted.
#include <gtest/gtest.h>

#include <fstream>

#include "mount/mount_env.h"
#include "mount/process.h"

namespace azblobfs::mount_test {
namespace {

class PreflightTest : public MountTest {
protected:
    // Runs the mount and checks the common shape of a refusal; returns the stderr line.
    std::string expect_refused(const std::vector<std::string>& argv, const std::filesystem::path& mountpoint) {
        ProcessResult r = run_process(argv);
        EXPECT_FALSE(r.timed_out);
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_EQ(line_count(r.err), 1u) << r.err;
        EXPECT_EQ(r.err.rfind("azblobfs: ", 0), 0u) << r.err;
        EXPECT_FALSE(is_azblobfs_mount(mountpoint));
        return r.err;
    }
};

TEST_F(PreflightTest, NonexistentMountpoint) {
    auto missing = dir_.path() / "no-such-dir";
    std::string err = expect_refused(mount_argv(missing, good_connection_string()), missing);
    EXPECT_NE(err.find("mountpoint " + missing.string() + " does not exist"), std::string::npos) << err;
}

TEST_F(PreflightTest, MountpointIsAFile) {
    auto file = dir_.path() / "a-file";
    std::ofstream(file) << "x";
    std::string err = expect_refused(mount_argv(file, good_connection_string()), file);
    EXPECT_NE(err.find("mountpoint " + file.string() + " is not a directory"), std::string::npos) << err;
}

TEST_F(PreflightTest, UnreachableEndpoint) {
    std::string err = expect_refused(mount_argv(mnt_, unreachable_connection_string()), mnt_);
    EXPECT_NE(err.find("endpoint http://127.0.0.1:"), std::string::npos) << err;
    EXPECT_NE(err.find("is unreachable"), std::string::npos) << err;
}

TEST_F(PreflightTest, WrongAccountKey) {
    std::string err = expect_refused(mount_argv(mnt_, wrong_key_connection_string()), mnt_);
    EXPECT_NE(err.find("authentication failed for account devstoreaccount1: check the key or SAS"),
              std::string::npos)
        << err;
}

TEST_F(PreflightTest, MissingContainer) {
    std::string err =
        expect_refused(mount_argv(mnt_, good_connection_string(), {"--container", "no-such-container"}), mnt_);
    EXPECT_NE(err.find("container no-such-container does not exist in account devstoreaccount1"), std::string::npos)
        << err;
}

TEST_F(PreflightTest, InvalidCacheSize) {
    std::string err = expect_refused(mount_argv(mnt_, good_connection_string(), {"--cache-size", "12X"}), mnt_);
    EXPECT_NE(err.find("--cache-size"), std::string::npos) << err;
}

TEST_F(PreflightTest, CacheOfAnotherContainer) {
    // A first mount of container alpha leaves the cache's identity behind.
    ASSERT_EQ(run_process(mount_argv(mnt_, good_connection_string(), {"--container", kContainer})).exit_code, 0);
    ASSERT_EQ(run_process({azblobfs_bin(), "unmount", mnt_.string()}).exit_code, 0);
    std::string err = expect_refused(mount_argv(mnt_, good_connection_string()), mnt_);
    EXPECT_NE(err.find("holds the index of container alpha of account devstoreaccount1"), std::string::npos) << err;
}

TEST(UnmountCommandTest, RefusesADirectoryThatIsNotMounted) {
    testing::TempDir dir("azblobfs-unmount-test");
    ProcessResult r = run_process({azblobfs_bin(), "unmount", dir.path().string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(dir.path().string() + " is not mounted"), std::string::npos) << r.err;
}

TEST(StatusCommandTest, FailsWithoutStatusFile) {
    testing::TempDir dir("azblobfs-status-test");
    ProcessResult r = run_process({azblobfs_bin(), "status", "--cache-dir", dir.path().string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no status file"), std::string::npos) << r.err;
}

TEST(MountHelpTest, ExplainsEveryOption) {
    ProcessResult r = run_process({azblobfs_bin(), "mount", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char* option : {"--container", "--cache-dir", "--cache-size", "--foreground", "-o", "--read-only",
                               "--attr-ttl", "--dir-ttl", "--negative-ttl", "--uid", "--gid", "--file-mode",
                               "--dir-mode", "--fetch-threads", "--readahead-max", "--log-level", "--log-file",
                               "close-to-open"}) {
        EXPECT_NE(r.out.find(option), std::string::npos) << option;
    }
}

}  // namespace
}  // namespace azblobfs::mount_test
