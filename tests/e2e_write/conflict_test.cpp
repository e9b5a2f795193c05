// Test 4: two mounts of one container (two cache directories) race on one blob. The first
// fsync wins; the second writer's fsync fails with ESTALE, its bytes are kept as
// "<name>.conflict-<UTC yyyymmddThhmmssZ>" next to the blob, and the blob holds the winner's
// bytes. Both for an existing blob (both open and write it) and for a new name created with
// O_CREAT|O_EXCL on each mount.
//
// Mounts use --upload-delay 20 so that nothing reaches Azure before the test's own fsync()
// (the uploads are forced by fsync, --fsync remote); --dir-ttl 0 and --negative-ttl 0 let each
// mount see the other's commits at once (open() revalidates the ETag anyway).
#include <fcntl.h>
#include <unistd.h>

#include <regex>

#include "e2e_write/write_fixture.h"

namespace azblobfs::e2e {
namespace {

const std::vector<std::string> kRaceFlags = {"--upload-delay", "20", "--dir-ttl", "0",
                                             "--negative-ttl", "0"};

int fsync_errno(int fd) { return fsync(fd) == 0 ? 0 : errno; }
int pwrite_errno(int fd, const std::string& data) {
    ssize_t n = pwrite(fd, data.data(), data.size(), 0);
    return n == static_cast<ssize_t>(data.size()) ? 0 : (n < 0 ? errno : EIO);
}

class ConflictTest : public WriteTest {
protected:
    void mount_both(const std::string& container, const std::vector<std::string>& flags = kRaceFlags) {
        auto a = Mount::start(writable(container, new_cache_dir(), flags));
        ASSERT_TRUE(a.is_ok()) << a.status().to_string();
        auto b = Mount::start(writable(container, new_cache_dir(), flags));
        ASSERT_TRUE(b.is_ok()) << b.status().to_string();
        a_ = std::move(*a);
        b_ = std::move(*b);
    }

    // The conflict blobs of `name`; each must be named <name>.conflict-<yyyymmddThhmmssZ>.
    std::set<std::string> conflicts_of(const std::string& container, const std::string& name) {
        std::set<std::string> found = blob_names(container, name + ".conflict-");
        std::regex shape(std::regex_replace(name, std::regex(R"([.])"), R"(\.)") + R"(\.conflict-\d{8}T\d{6}Z)");
        for (const auto& n : found) EXPECT_TRUE(std::regex_match(n, shape)) << "conflict blob named " << n;
        return found;
    }

    // The race is decided; checks the blob, the conflict blob and what both mounts show.
    void expect_outcome(const std::string& container, const std::string& name, const std::string& winner,
                        const std::string& loser) {
        auto blob = read_blob(client(), container, name);
        ASSERT_TRUE(blob.is_ok()) << blob.status().to_string();
        EXPECT_EQ(describe_difference(winner, *blob), "") << name << " must hold the winner's bytes";
        std::set<std::string> conflicts = conflicts_of(container, name);
        ASSERT_EQ(conflicts.size(), 1u) << "conflict blobs of " << name;
        auto kept = read_blob(client(), container, *conflicts.begin());
        ASSERT_TRUE(kept.is_ok()) << kept.status().to_string();
        EXPECT_EQ(describe_difference(loser, *kept), "") << *conflicts.begin() << " must hold the loser's bytes";
        for (const Mount* m : {a_.get(), b_.get()}) {
            ReadOutcome seen = read_whole_file(m->path() / name);
            EXPECT_EQ(seen.error, 0) << m->path() << ": " << std::strerror(seen.error);
            EXPECT_EQ(describe_difference(winner, seen.data), "") << "read of " << name << " through " << m->path();
            ReadOutcome copy = read_whole_file(m->path() / *conflicts.begin());
            EXPECT_EQ(copy.error, 0) << "the conflict file is visible through " << m->path();
            EXPECT_EQ(describe_difference(loser, copy.data), "") << *conflicts.begin() << " through " << m->path();
        }
    }

    // Both mounts open the existing blob before either writes; A writes and fsyncs first.
    void race_on_existing_blob(const std::string& container, const std::vector<std::string>& flags) {
        const std::string original(4096, 'o'), bytes_a(4096, 'A'), bytes_b(4096, 'B');
        E2E_ASSERT_OK(upload_all(client(), container, {{"shared.txt", original, {}}}));
        mount_both(container, flags);
        ASSERT_TRUE(a_ && b_);

        Fd fa(open((a_->path() / "shared.txt").c_str(), O_RDWR | O_CLOEXEC));
        ASSERT_TRUE(fa.ok()) << std::strerror(errno);
        Fd fb(open((b_->path() / "shared.txt").c_str(), O_RDWR | O_CLOEXEC));
        ASSERT_TRUE(fb.ok()) << std::strerror(errno);
        ASSERT_EQ(pwrite_errno(fa.get(), bytes_a), 0);
        ASSERT_EQ(fsync_errno(fa.get()), 0) << "the first fsync wins";
        ASSERT_EQ(pwrite_errno(fb.get(), bytes_b), 0) << "the write itself is local";
        EXPECT_EQ(fsync_errno(fb.get()), ESTALE) << "the second fsync loses (B opened the original version)";
        fa.reset();
        fb.reset();

        expect_outcome(container, "shared.txt", bytes_a, bytes_b);
        E2E_ASSERT_OK(a_->unmount());
        E2E_ASSERT_OK(b_->unmount());
        auto blob = read_blob(client(), container, "shared.txt");
        E2E_ASSERT_OK(blob);
        EXPECT_EQ(describe_difference(bytes_a, *blob), "") << "the loser's unmount must not overwrite the winner";
        EXPECT_EQ(conflicts_of(container, "shared.txt").size(), 1u);
    }

    std::unique_ptr<Mount> a_, b_;
};

TEST_F(ConflictTest, SecondWriterOfAnExistingBlobGetsEstaleAndAConflictCopy) {
    race_on_existing_blob(container_for("conflict-existing"), kRaceFlags);
}

// The same race with --attr-ttl 0: B's attributes are revalidated (HEAD) after A's commit and
// before B writes, but B's handle still holds the version it opened; its commit must not
// silently replace A's.
TEST_F(ConflictTest, SecondWriterLosesEvenWhenItsAttributesWereRevalidated) {
    std::vector<std::string> flags = kRaceFlags;
    flags.insert(flags.end(), {"--attr-ttl", "0"});
    race_on_existing_blob(container_for("conflict-attr-ttl-0"), flags);
}

TEST_F(ConflictTest, CreateCreateRaceOneWinsTheOtherGetsEstaleAndAConflictCopy) {
    const std::string container = container_for("conflict-create");
    E2E_ASSERT_OK(client().create_container(container));
    mount_both(container);
    ASSERT_TRUE(a_ && b_);
    const std::string bytes_a = "written through mount A\n", bytes_b = "written through mount B, longer\n";

    Fd fa(open((a_->path() / "new.txt").c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    ASSERT_TRUE(fa.ok()) << "O_EXCL create on A: " << std::strerror(errno);
    Fd fb(open((b_->path() / "new.txt").c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    ASSERT_TRUE(fb.ok()) << "O_EXCL create on B (A's file is not uploaded yet): " << std::strerror(errno);
    ASSERT_EQ(pwrite_errno(fa.get(), bytes_a), 0);
    ASSERT_EQ(pwrite_errno(fb.get(), bytes_b), 0);
    ASSERT_EQ(fsync_errno(fa.get()), 0) << "the first fsync wins";
    EXPECT_EQ(fsync_errno(fb.get()), ESTALE) << "the second fsync loses";
    fa.reset();
    fb.reset();

    expect_outcome(container, "new.txt", bytes_a, bytes_b);
    E2E_ASSERT_OK(a_->unmount());
    E2E_ASSERT_OK(b_->unmount());
    auto blob = read_blob(client(), container, "new.txt");
    E2E_ASSERT_OK(blob);
    EXPECT_EQ(describe_difference(bytes_a, *blob), "");
    EXPECT_EQ(conflicts_of(container, "new.txt").size(), 1u);
}

}  // namespace
}  // namespace azblobfs::e2e
