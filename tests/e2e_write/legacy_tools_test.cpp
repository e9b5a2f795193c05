// Test 1: legacy tools on the writable mount. cp -r, tar x, rsync -a (twice), git and shell
// appends write a generated tree of about 2,000 files; the copy on the mount must match the
// local original in names, kinds, sizes, modes, file mtimes and bytes, both on the mount that
// wrote it and after an unmount and a remount over a NEW empty cache directory (so everything
// is read back from Azurite).
#include <fcntl.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <regex>

#include "e2e/shell.h"
#include "e2e_write/tree_check.h"
#include "e2e_write/write_fixture.h"

namespace azblobfs::e2e {
namespace {

constexpr std::chrono::seconds kToolTimeout{600};

class LegacyToolsTest : public WriteTest {
protected:
    void SetUp() override {
        WriteTest::SetUp();
        if (HasFatalFailure()) return;
        auto summary = make_tree(source(), TreeSpec{});
        ASSERT_TRUE(summary.is_ok()) << summary.status().to_string();
        ASSERT_EQ(summary->files, 2000);
    }

    std::filesystem::path source() const { return local_.path(); }

    CommandResult tool(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {}) {
        return run_command(argv, {cwd, kToolTimeout});
    }

    // Unmounts `mount` (drains), mounts `container` over a new empty cache, and compares
    // `sub` on it with `expected` again.
    void remount_and_compare(std::unique_ptr<Mount>& mount, const std::string& container, const std::string& sub,
                             const std::filesystem::path& expected, const CompareOptions& options) {
        E2E_ASSERT_OK(mount->unmount());
        mount.reset();
        auto fresh = Mount::start(writable(container, new_cache_dir()));
        E2E_ASSERT_OK(fresh);
        EXPECT_EQ(compare_trees(expected, (*fresh)->path() / sub, options), "")
            << "after a remount over a new cache directory";
        mount = std::move(*fresh);
    }

private:
    testing::TempDir local_{"azblobfs-e2ew-src"};
};

TEST_F(LegacyToolsTest, CpRecursiveCopiesTheTreeByteExact) {
    const std::string container = container_for("legacy-cp");
    E2E_ASSERT_OK(client().create_container(container));
    auto mount = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(mount);
    CommandResult cp = tool({"cp", "-r", source().string(), ((*mount)->path() / "copy").string()});
    ASSERT_EQ(cp.exit_code, 0) << cp.describe();
    CompareOptions options;
    options.file_mtimes = MtimeCheck::kNone;  // cp -r does not keep times
    options.dir_mtimes = false;
    EXPECT_EQ(compare_trees(source(), (*mount)->path() / "copy", options), "");
    remount_and_compare(*mount, container, "copy", source(), options);
}

TEST_F(LegacyToolsTest, TarExtractKeepsNamesModesAndMtimes) {
    const std::string container = container_for("legacy-tar");
    E2E_ASSERT_OK(client().create_container(container));
    testing::TempDir archive_dir("azblobfs-e2ew-tar");
    const std::string archive = (archive_dir.path() / "tree.tar").string();
    CommandResult pack = tool({"tar", "--format=posix", "-cf", archive, "-C", source().string(), "."});
    ASSERT_EQ(pack.exit_code, 0) << pack.describe();

    auto mount = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(mount);
    ASSERT_EQ(mkdir(((*mount)->path() / "x").c_str(), 0755), 0) << std::strerror(errno);
    CommandResult unpack = tool({"tar", "-xpf", archive, "-C", ((*mount)->path() / "x").string()});
    ASSERT_EQ(unpack.exit_code, 0) << unpack.describe();
    CompareOptions options;  // pax keeps nanoseconds
    EXPECT_EQ(compare_trees(source(), (*mount)->path() / "x", options), "");
    remount_and_compare(*mount, container, "x", source(), options);
}

// Lines of rsync --itemize-changes output that transfer or create something (not "." lines).
std::vector<std::string> rsync_changes(const std::string& out) {
    std::vector<std::string> changes;
    size_t start = 0;
    while (start < out.size()) {
        size_t end = out.find('\n', start);
        if (end == std::string::npos) end = out.size();
        std::string line = out.substr(start, end - start);
        start = end + 1;
        if (line.size() > 11 && (line[0] == '>' || line[0] == '<' || line[0] == 'c' || line[0] == '*'))
            changes.push_back(line);
    }
    return changes;
}

long rsync_stat(const std::string& out, const std::string& label) {
    std::smatch m;
    std::regex re(label + ": ([0-9,]+)");
    if (!std::regex_search(out, m, re)) return -1;
    std::string digits;
    for (char c : m[1].str())
        if (c != ',') digits.push_back(c);
    return std::stol(digits);
}

TEST_F(LegacyToolsTest, RsyncTwiceTransfersNothingTheSecondTime) {
    const std::string container = container_for("legacy-rsync");
    E2E_ASSERT_OK(client().create_container(container));
    auto mount = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(mount);
    auto rsync_to = [&](const Mount& m) {
        return std::vector<std::string>{"rsync", "-a", "--itemize-changes", "--stats", source().string() + "/",
                                        (m.path() / "mirror").string() + "/"};
    };
    const std::vector<std::string> argv = rsync_to(**mount);

    CommandResult first = tool(argv);
    ASSERT_EQ(first.exit_code, 0) << first.describe();
    EXPECT_EQ(rsync_stat(first.out, "Number of regular files transferred"), 2000) << first.out.substr(0, 3000);
    CommandResult second = tool(argv);
    ASSERT_EQ(second.exit_code, 0) << second.describe();
    EXPECT_EQ(rsync_stat(second.out, "Number of regular files transferred"), 0) << second.out.substr(0, 3000);
    std::vector<std::string> changes = rsync_changes(second.out);
    EXPECT_TRUE(changes.empty()) << changes.size() << " items changed on the second run, first: " << changes.front();
    EXPECT_EQ(compare_trees(source(), (*mount)->path() / "mirror", CompareOptions{}), "");

    remount_and_compare(*mount, container, "mirror", source(), CompareOptions{});
    CommandResult third = tool(rsync_to(**mount));  // over the remounted copy, read from Azurite
    ASSERT_EQ(third.exit_code, 0) << third.describe();
    EXPECT_EQ(rsync_stat(third.out, "Number of regular files transferred"), 0)
        << "after the remount: " << third.out.substr(0, 3000);
}

TEST_F(LegacyToolsTest, GitInitAddCommitLogWorkOnTheMount) {
    const std::string container = container_for("legacy-git");
    E2E_ASSERT_OK(client().create_container(container));
    auto mount = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(mount);
    std::filesystem::path repo = (*mount)->path() / "repo";
    CommandResult cp = tool({"cp", "-a", (source() / "d1").string(), repo.string()});
    ASSERT_EQ(cp.exit_code, 0) << cp.describe();
    const std::vector<std::string> git = {"git", "-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid",
                                          "-c", "init.defaultBranch=main"};
    auto run_git = [&](std::vector<std::string> args) {
        std::vector<std::string> argv = git;
        argv.insert(argv.end(), args.begin(), args.end());
        return tool(argv, repo);
    };
    for (const auto& step : std::vector<std::vector<std::string>>{
             {"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "first commit on azblobfs"}}) {
        CommandResult r = run_git(step);
        ASSERT_EQ(r.exit_code, 0) << "git " << step[0] << ": " << r.describe();
    }
    ASSERT_EQ(write_file(repo / "added.txt", "second\n", O_WRONLY | O_CREAT | O_TRUNC, false), 0);
    for (const auto& step : std::vector<std::vector<std::string>>{{"add", "added.txt"}, {"commit", "-q", "-m", "second"}}) {
        CommandResult r = run_git(step);
        ASSERT_EQ(r.exit_code, 0) << "git " << step[0] << ": " << r.describe();
    }

    auto check_repo = [&](const char* when) {
        CommandResult log = run_git({"log", "--format=%s"});
        EXPECT_EQ(log.exit_code, 0) << when << ": " << log.describe();
        EXPECT_EQ(log.out, "second\nfirst commit on azblobfs\n") << when;
        CommandResult status = run_git({"status", "--porcelain"});
        EXPECT_EQ(status.exit_code, 0) << when << ": " << status.describe();
        EXPECT_EQ(status.out, "") << when << ": the work tree differs from HEAD";
        CommandResult fsck = run_git({"fsck", "--full", "--strict"});
        EXPECT_EQ(fsck.exit_code, 0) << when << ": " << fsck.describe();
        CommandResult show = run_git({"show", "HEAD~1:s0/t0/file-20.txt"});
        EXPECT_EQ(show.exit_code, 0) << when << ": " << show.describe();
        EXPECT_EQ(show.out, read_local_file(source() / "d1/s0/t0/file-20.txt")) << when;
    };
    check_repo("on the writing mount");
    E2E_ASSERT_OK((*mount)->unmount());
    mount->reset();
    auto fresh = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(fresh);
    repo = (*fresh)->path() / "repo";
    check_repo("after a remount over a new cache directory");
}

TEST_F(LegacyToolsTest, ShellAppendsAccumulate) {
    const std::string container = container_for("legacy-append");
    E2E_ASSERT_OK(upload_all(client(), container, {{"existing.log", "from azure\n", {}}}));
    auto mount = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(mount);
    const auto root = (*mount)->path();
    std::string script = "cd '" + root.string() + "' && for i in $(seq 1 300); do echo \"line $i\" >> new.log; "
                         "echo \"more $i\" >> existing.log; done && printf tail >> new.log";
    CommandResult r = tool({"sh", "-c", script});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    std::string want_new, want_existing = "from azure\n";
    for (int i = 1; i <= 300; ++i) {
        want_new += "line " + std::to_string(i) + "\n";
        want_existing += "more " + std::to_string(i) + "\n";
    }
    want_new += "tail";
    EXPECT_EQ(describe_difference(want_new, read_local_file(root / "new.log")), "");
    EXPECT_EQ(describe_difference(want_existing, read_local_file(root / "existing.log")), "");

    E2E_ASSERT_OK((*mount)->unmount());
    auto in_azure = read_blob(client(), container, "new.log");
    E2E_ASSERT_OK(in_azure);
    EXPECT_EQ(describe_difference(want_new, *in_azure), "");
    auto existing = read_blob(client(), container, "existing.log");
    E2E_ASSERT_OK(existing);
    EXPECT_EQ(describe_difference(want_existing, *existing), "");
    auto fresh = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(fresh);
    EXPECT_EQ(describe_difference(want_new, read_local_file((*fresh)->path() / "new.log")), "");
    EXPECT_EQ(describe_difference(want_existing, read_local_file((*fresh)->path() / "existing.log")), "");
}

// What tar and rsync do to every directory: create it 0700, fill it, chmod it at the end. The
// final mode must reach Azure (directory marker metadata) and survive a remount.
TEST_F(LegacyToolsTest, ChmodOfAFilledDirectorySurvivesRemount) {
    const std::string container = container_for("legacy-dir-chmod");
    E2E_ASSERT_OK(client().create_container(container));
    auto mount = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(mount);
    const auto root = (*mount)->path();
    ASSERT_EQ(mkdir((root / "empty").c_str(), 0700), 0);
    ASSERT_EQ(mkdir((root / "filled").c_str(), 0700), 0);
    ASSERT_EQ(write_file(root / "filled/child.txt", "child", O_WRONLY | O_CREAT | O_EXCL, false), 0);
    ASSERT_EQ(chmod((root / "empty").c_str(), 0751), 0);
    ASSERT_EQ(chmod((root / "filled").c_str(), 0751), 0);
    ASSERT_EQ(chmod((root / "filled/child.txt").c_str(), 0640), 0);
    E2E_ASSERT_OK((*mount)->unmount());
    mount->reset();
    auto fresh = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(fresh);
    for (const auto& [name, mode] : std::vector<std::pair<std::string, mode_t>>{
             {"empty", 0751}, {"filled", 0751}, {"filled/child.txt", 0640}}) {
        struct stat st{};
        ASSERT_EQ(stat(((*fresh)->path() / name).c_str(), &st), 0) << name;
        EXPECT_EQ(st.st_mode & 07777, mode) << name << " after a remount over a new cache directory";
    }
}

}  // namespace
}  // namespace azblobfs::e2e
