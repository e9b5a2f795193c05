// The GoogleTest fixture of the e2e tests: a client over the shared Azurite, a private cache
// directory, and mount options pointing at both.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "e2e/e2e_env.h"
#include "e2e/mount_fixture.h"
#include "e2e/test_util.h"
#include "support/temp_dir.h"

namespace azblobfs::e2e {

class E2eTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists("/dev/fuse")) << "e2e tests need /dev/fuse";
        ASSERT_EQ(geteuid(), 0u) << "e2e tests mount FUSE filesystems and need root";
        client_ = make_client(shared_azurite());
        ASSERT_NE(client_, nullptr);
    }

    BlobStore& client() { return *client_; }
    // The cache directory of this test's mounts (created by the mount itself).
    std::filesystem::path cache_dir() const { return cache_dir_.path() / "cache"; }

    // Options to mount `container` of the shared Azurite with this test's cache directory.
    MountOptions options_for(const std::string& container) const {
        MountOptions o;
        o.blob_endpoint = shared_azurite().blob_endpoint();
        o.container = container;
        o.cache_dir = cache_dir();
        return o;
    }

private:
    std::unique_ptr<BlobStore> client_;
    testing::TempDir cache_dir_{"azblobfs-e2e-cache"};
};

}  // namespace azblobfs::e2e
