// Checks of the harness itself: a Mount that a test abandons is cleaned up, and a mount that
// cannot start fails fast with the process's own message.
#include <signal.h>

#include "e2e/e2e_fixture.h"

namespace azblobfs::e2e {
namespace {

class MountFixtureTest : public E2eTest {};

TEST_F(MountFixtureTest, DestructorUnmountsAndStopsAnAbandonedMount) {
    const std::string container = container_for("fixture");
    E2E_ASSERT_OK(upload_all(client(), container, {{"a.txt", "a", {}}}));
    std::filesystem::path mountpoint;
    pid_t pid = -1;
    {
        auto mount = Mount::start(options_for(container));
        E2E_ASSERT_OK(mount);
        mountpoint = (*mount)->path();
        ASSERT_TRUE(is_azblobfs_mount(mountpoint));
        auto status = (*mount)->fresh_status_json();
        E2E_ASSERT_OK(status);
        EXPECT_EQ(status->value("mountpoint", ""), mountpoint.string()) << status->dump();
        pid = status->value("pid", -1);
        ASSERT_GT(pid, 0) << status->dump();
        EXPECT_EQ(kill(pid, 0), 0) << "status.json names a pid that is not running";
    }  // no unmount(): the destructor must clean up
    EXPECT_FALSE(is_azblobfs_mount(mountpoint));
    EXPECT_FALSE(std::filesystem::exists(mountpoint));
    EXPECT_NE(kill(pid, 0), 0) << "the mount process is still running";
}

TEST_F(MountFixtureTest, MissingContainerFailsWithOneLineNamingIt) {
    auto mount = Mount::start(options_for("e2e-no-such-container"));
    ASSERT_FALSE(mount.is_ok());
    EXPECT_NE(mount.status().message().find("container e2e-no-such-container does not exist"), std::string::npos)
        << mount.status().to_string();
    EXPECT_NE(mount.status().message().find("exited with status 1"), std::string::npos) << mount.status().to_string();
}

}  // namespace
}  // namespace azblobfs::e2e
