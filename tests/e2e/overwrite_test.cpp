// Test 5: a blob overwritten out of band (put with the client) is seen with its new content on
// the next open(); a handle opened before the change reads entirely old or entirely new bytes
// (or fails part-way after returning bytes of one version), never a mix. Run for an overwrite
// of the same size, a larger and a smaller one.
#include <fcntl.h>
#include <sys/stat.h>

#include "e2e/e2e_fixture.h"
#include "e2e/pattern.h"

namespace azblobfs::e2e {
namespace {

constexpr uint64_t kOldSeed = 51;
constexpr uint64_t kNewSeed = 52;

struct Sizes {
    const char* name;
    uint64_t old_size;
    uint64_t new_size;
};

void PrintTo(const Sizes& s, std::ostream* os) {
    *os << s.name << " (" << s.old_size << " -> " << s.new_size << " bytes)";
}

// "old" or "new" when `data` is exactly one version, else a description of the mix.
std::string which_version(const std::string& data, const Sizes& s) {
    if (data.size() == s.old_size && first_pattern_mismatch(kOldSeed, 0, data) < 0) return "old";
    if (data.size() == s.new_size && first_pattern_mismatch(kNewSeed, 0, data) < 0) return "new";
    return "neither: " + std::to_string(data.size()) + " bytes, first byte differing from old at " +
           std::to_string(first_pattern_mismatch(kOldSeed, 0, data)) + ", from new at " +
           std::to_string(first_pattern_mismatch(kNewSeed, 0, data));
}

// "old" or "new" when `data` is a prefix of one version, else "a mix".
std::string prefix_version(const std::string& data) {
    if (first_pattern_mismatch(kOldSeed, 0, data) < 0) return "old";
    if (first_pattern_mismatch(kNewSeed, 0, data) < 0) return "new";
    return "a mix of versions: " + std::to_string(data.size()) + " bytes, first byte differing from old at " +
           std::to_string(first_pattern_mismatch(kOldSeed, 0, data));
}

class OverwriteTest : public E2eTest, public ::testing::WithParamInterface<Sizes> {};

TEST_P(OverwriteTest, NextOpenSeesNewContentAndOldHandleNeverMixesVersions) {
    const Sizes s = GetParam();
    const std::string container = container_for(std::string("overwrite-") + s.name);
    const std::string blob = "data/doc.bin";
    E2E_ASSERT_OK(put_pattern_blob(client(), container, blob, kOldSeed, s.old_size));
    auto mount = Mount::start(options_for(container));
    E2E_ASSERT_OK(mount);
    const auto path = (*mount)->path() / blob;

    Fd old_handle(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(old_handle.ok()) << std::strerror(errno);
    ReadOutcome head = pread_exact(old_handle.get(), 0, 4096);
    ASSERT_EQ(head.error, 0);
    ASSERT_EQ(head.data, pattern_bytes(kOldSeed, 0, 4096));

    E2E_ASSERT_OK(put_pattern_blob(client(), container, blob, kNewSeed, s.new_size));

    // The old handle may also fail (the old version is gone from Azure and the kernel may hold
    // some of its pages): then the bytes it returned before the error must be one version.
    ReadOutcome through_old = read_fd_to_end(old_handle.get());
    std::string version = through_old.error == 0 ? which_version(through_old.data, s)
                                                 : prefix_version(through_old.data);
    EXPECT_TRUE(version == "old" || version == "new")
        << "handle opened before the overwrite read " << version
        << (through_old.error ? std::string(", then failed: ") + std::strerror(through_old.error) : "");

    Fd new_handle(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(new_handle.ok()) << std::strerror(errno);
    struct stat st{};
    ASSERT_EQ(fstat(new_handle.get(), &st), 0);
    EXPECT_EQ(static_cast<uint64_t>(st.st_size), s.new_size) << "fstat after the next open()";
    ReadOutcome through_new = read_fd_to_end(new_handle.get());
    EXPECT_EQ(through_new.error, 0) << std::strerror(through_new.error);
    EXPECT_EQ(which_version(through_new.data, s), "new") << "the next open() must see the new version";

    old_handle.reset();
    new_handle.reset();
    E2E_ASSERT_OK((*mount)->unmount());
}

INSTANTIATE_TEST_SUITE_P(Sizes, OverwriteTest,
                         ::testing::Values(Sizes{"same", 8ull << 20, 8ull << 20},
                                           Sizes{"grow", 6ull << 20, 9ull << 20 | 12345},
                                           Sizes{"shrink", 9ull << 20, 5ull << 20 | 777}),
                         [](const ::testing::TestParamInfo<Sizes>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace azblobfs::e2e
