// A real mount over Azurite, daemonised or in the foreground: it appears in /proc/mounts as
// fuse.azblobfs, serves ls and reads, writes status.json, and goes away cleanly on
// `azblobfs unmount` or SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "cli/mount_registry.h"
#include "mount/mount_env.h"
#include "mount/process.h"

namespace azblobfs::mount_test {
namespace {

using std::chrono::seconds;

std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

void expect_status_fields(const nlohmann::json& j) {
    for (const char* key : {"pid", "mountpoint", "skipped_names", "offline_answers", "bytes_fetched",
                            "range_requests", "state"}) {
        EXPECT_TRUE(j.contains(key)) << key;
    }
    for (const char* key : {"limit_bytes", "used_bytes", "blocks", "hits", "misses", "evictions"}) {
        EXPECT_TRUE(j["cache"].contains(key)) << "cache." << key;
    }
    for (const char* key : {"map_size", "file_bytes", "used_pages_bytes"}) {
        EXPECT_TRUE(j["env"].contains(key)) << "env." << key;
    }
    for (const char* key : {"entries", "listed_dirs"}) EXPECT_TRUE(j["index"].contains(key)) << "index." << key;
}

class LifecycleTest : public MountTest {};

TEST_F(LifecycleTest, DaemonMountServesAndUnmounts) {
    ProcessResult mounted = run_process(mount_argv(mnt_, good_connection_string()));
    ASSERT_FALSE(mounted.timed_out);
    ASSERT_EQ(mounted.exit_code, 0) << mounted.err;
    ASSERT_TRUE(is_azblobfs_mount(mnt_));
    EXPECT_EQ(mount_source(mnt_), "azblobfs:devstoreaccount1");
    // The cache directory is private; a daemon logs into it.
    EXPECT_EQ(std::filesystem::status(cache_).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_all);
    EXPECT_TRUE(std::filesystem::exists(cache_ / "azblobfs.log"));

    ProcessResult ls = run_process({"/bin/ls", mnt_.string()});
    EXPECT_EQ(ls.exit_code, 0) << ls.err;
    EXPECT_NE(ls.out.find(kContainer), std::string::npos) << ls.out;
    EXPECT_EQ(read_text(mnt_ / kContainer / "hello.txt"), kHelloText);

    auto status = read_json(cache_ / "status.json");
    ASSERT_TRUE(status.has_value());
    expect_status_fields(*status);
    EXPECT_EQ((*status)["mountpoint"], mnt_.string());
    EXPECT_EQ((*status)["state"], "mounted");
    EXPECT_EQ((*status)["env"]["map_size"], 64u << 20);
    auto pid = (*status)["pid"].get<pid_t>();
    EXPECT_TRUE(is_azblobfs_process(pid));
    EXPECT_EQ(read_pid_file(kRunDir, mnt_.string()), std::optional<pid_t>(pid));

    ProcessResult printed = run_process({azblobfs_bin(), "status", "--cache-dir", cache_.string()});
    EXPECT_EQ(printed.exit_code, 0) << printed.err;
    auto printed_json = nlohmann::json::parse(printed.out, nullptr, false);
    ASSERT_FALSE(printed_json.is_discarded()) << printed.out;
    EXPECT_EQ(printed_json["pid"], pid);

    ProcessResult unmounted = run_process({azblobfs_bin(), "unmount", mnt_.string()});
    EXPECT_EQ(unmounted.exit_code, 0) << unmounted.err;
    EXPECT_FALSE(is_azblobfs_mount(mnt_));
    EXPECT_FALSE(is_azblobfs_process(pid));  // unmount waited for the process
    auto final_status = read_json(cache_ / "status.json");
    ASSERT_TRUE(final_status.has_value());
    EXPECT_EQ((*final_status)["state"], "unmounted");
    EXPECT_FALSE(read_pid_file(kRunDir, mnt_.string()).has_value());
}

TEST_F(LifecycleTest, SecondMountOnTheSameCacheDirFails) {
    ASSERT_EQ(run_process(mount_argv(mnt_, good_connection_string())).exit_code, 0);
    ASSERT_TRUE(is_azblobfs_mount(mnt_));

    ProcessResult second = run_process(mount_argv(mnt2_, good_connection_string()));
    EXPECT_EQ(second.exit_code, 1);
    EXPECT_EQ(line_count(second.err), 1u) << second.err;
    EXPECT_NE(second.err.find("cache directory " + cache_.string() + " is in use by another azblobfs mount"),
              std::string::npos)
        << second.err;
    EXPECT_NE(second.err.find("mounted at " + mnt_.string()), std::string::npos) << second.err;
    EXPECT_FALSE(is_azblobfs_mount(mnt2_));
    EXPECT_TRUE(is_azblobfs_mount(mnt_));
}

TEST_F(LifecycleTest, SigtermUnmountsAForegroundMount) {
    BackgroundProcess mount(mount_argv(mnt_, good_connection_string(), {"-f"}), dir_.path() / "mount.log");
    ASSERT_TRUE(wait_until_mounted(mnt_, seconds(60))) << read_text(dir_.path() / "mount.log");
    ProcessResult ls = run_process({"/bin/ls", (mnt_ / kContainer).string()});
    EXPECT_EQ(ls.exit_code, 0) << ls.err;
    EXPECT_NE(ls.out.find("hello.txt"), std::string::npos) << ls.out;

    ASSERT_EQ(kill(mount.pid(), SIGTERM), 0);
    auto status = mount.wait(seconds(60));
    ASSERT_TRUE(status.has_value()) << "the mount did not exit after SIGTERM";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << read_text(dir_.path() / "mount.log");
    EXPECT_FALSE(is_azblobfs_mount(mnt_));
    auto final_status = read_json(cache_ / "status.json");
    ASSERT_TRUE(final_status.has_value());
    EXPECT_EQ((*final_status)["state"], "unmounted");
}

TEST_F(LifecycleTest, RemountsOfflineFromTheIndex) {
    ASSERT_EQ(run_process(mount_argv(mnt_, good_connection_string(), {"--container", kContainer})).exit_code, 0);
    ProcessResult online_ls = run_process({"/bin/ls", mnt_.string()});
    ASSERT_EQ(online_ls.exit_code, 0) << online_ls.err;
    ASSERT_EQ(run_process({azblobfs_bin(), "unmount", mnt_.string()}).exit_code, 0);

    ProcessResult offline = run_process(mount_argv(mnt_, unreachable_connection_string(), {"--container", kContainer}));
    ASSERT_EQ(offline.exit_code, 0) << offline.err;
    EXPECT_NE(offline.err.find("mounting offline"), std::string::npos) << offline.err;
    ASSERT_TRUE(is_azblobfs_mount(mnt_));
    ProcessResult ls = run_process({"/bin/ls", mnt_.string()});
    EXPECT_EQ(ls.exit_code, 0) << ls.err;
    EXPECT_EQ(ls.out, online_ls.out);
    auto status = read_json(cache_ / "status.json");
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ((*status)["offline"], true);
    EXPECT_EQ(run_process({azblobfs_bin(), "unmount", mnt_.string()}).exit_code, 0);
}

TEST_F(LifecycleTest, CrashedMountIsUnmountedAndMountsAgain) {
    ASSERT_EQ(run_process(mount_argv(mnt_, good_connection_string())).exit_code, 0);
    auto pid = read_pid_file(kRunDir, mnt_.string());
    ASSERT_TRUE(pid.has_value());
    ASSERT_EQ(kill(*pid, SIGKILL), 0);
    for (int i = 0; i < 1000 && is_azblobfs_process(*pid); ++i) usleep(10000);
    ASSERT_FALSE(is_azblobfs_process(*pid));

    ProcessResult refused = run_process(mount_argv(mnt_, good_connection_string()));
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("disconnected FUSE mount"), std::string::npos) << refused.err;

    ProcessResult unmounted = run_process({azblobfs_bin(), "unmount", mnt_.string()});
    EXPECT_EQ(unmounted.exit_code, 0) << unmounted.err;
    EXPECT_FALSE(is_azblobfs_mount(mnt_));
    EXPECT_FALSE(read_pid_file(kRunDir, mnt_.string()).has_value());
    ProcessResult again = run_process(mount_argv(mnt_, good_connection_string()));
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_TRUE(is_azblobfs_mount(mnt_));
    EXPECT_EQ(run_process({azblobfs_bin(), "unmount", mnt_.string()}).exit_code, 0);
}

TEST_F(LifecycleTest, ReadOnlyMountRefusesWritesWithEROFS) {
    ASSERT_EQ(run_process(mount_argv(mnt_, good_connection_string(), {"--container", kContainer, "--read-only"}))
                  .exit_code,
              0);
    errno = 0;
    EXPECT_EQ(::mkdir((mnt_ / "new-dir").c_str(), 0755), -1);
    EXPECT_EQ(errno, EROFS);
    std::ofstream out(mnt_ / "hello.txt", std::ios::app);
    EXPECT_FALSE(out.is_open());
    EXPECT_EQ(run_process({azblobfs_bin(), "unmount", mnt_.string()}).exit_code, 0);
}

}  // namespace
}  // namespace azblobfs::mount_test
