// Test 2: `cmp` (and `cat`) of every blob of the sample data set, read through an account-wide
// mount, against the bytes fetched directly from Azurite with the client.
#include "e2e/e2e_fixture.h"
#include "e2e/shell.h"

namespace azblobfs::e2e {
namespace {

const std::vector<std::string> kSampleContainers = {"digital-twins", "persona-images", "training-data"};

class CatCmpTest : public E2eTest {};

TEST_F(CatCmpTest, EveryBlobOfTheSampleDataIsByteExactThroughTheMount) {
    CommandResult load = run_command({azblobfs_bin(), "sample-data", "--twins", "40", "--connection-string",
                                      shared_azurite().connection_string()},
                                     {{}, std::chrono::seconds(300)});
    ASSERT_EQ(load.exit_code, 0) << load.describe();

    MountOptions options = options_for("");
    options.container.reset();  // account mode: every container is a top-level directory
    auto mount = Mount::start(options);
    E2E_ASSERT_OK(mount);
    const auto& root = (*mount)->path();
    testing::TempDir scratch("azblobfs-e2e-cmp");

    size_t compared = 0;
    for (const std::string& container : kSampleContainers) {
        ASSERT_TRUE(std::filesystem::is_directory(root / container)) << container << " is not shown at the root";
        auto listing = client().list_all(container, {});
        E2E_ASSERT_OK(listing);
        ASSERT_FALSE(listing->blobs.empty()) << "sample-data wrote nothing to " << container;
        for (const BlobProperties& blob : listing->blobs) {
            auto bytes = read_blob(client(), container, blob.name);
            E2E_ASSERT_OK(bytes);
            const auto expected_file = scratch.path() / "expected";
            ASSERT_TRUE(write_local_file(expected_file, *bytes));
            const auto mounted = root / container / blob.name;
            CommandResult cmp = run_command({"cmp", expected_file.string(), mounted.string()});
            EXPECT_EQ(cmp.exit_code, 0) << container << "/" << blob.name << ": " << cmp.describe();
            if (compared++ % 10 == 0) {
                CommandResult cat = run_command({"cat", mounted.string()});
                EXPECT_EQ(cat.exit_code, 0) << cat.describe();
                EXPECT_TRUE(cat.out == *bytes) << "cat " << mounted << " printed " << cat.out.size()
                                               << " bytes that differ from the blob's " << bytes->size();
            }
        }
    }
    EXPECT_GE(compared, 200u);
    E2E_ASSERT_OK((*mount)->unmount());
}

}  // namespace
}  // namespace azblobfs::e2e
