// Test 6: failure paths of the writable mount, each with its precise errno:
// --read-only -> EROFS; rename across containers (account mode) -> EXDEV; link() -> EPERM; a
// blob name over 1,024 characters -> ENAMETOOLONG (exactly 1,024 works); and ENOSPC when the
// cache (64M) is full of dirty data that cannot be uploaded (the fault proxy answers every
// request with 503), with reads of the written data still working and the log naming the cause.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>

#include "e2e/pattern.h"
#include "e2e_write/write_fixture.h"
#include "fault_proxy/fault_proxy.h"

namespace azblobfs::e2e {
namespace {

int errno_of(int rc) { return rc == 0 ? 0 : errno; }

int open_errno(const std::filesystem::path& path, int flags) {
    Fd fd(open(path.c_str(), flags | O_CLOEXEC, 0644));
    return fd.ok() ? 0 : errno;
}

class ErrnoTest : public WriteTest {};

TEST_F(ErrnoTest, ReadOnlyFlagRefusesWritesWithErofs) {
    const std::string container = container_for("errno-ro");
    E2E_ASSERT_OK(upload_all(client(), container, {{"kept.txt", "keep", {}}}));
    auto mount = Mount::start(writable(container, new_cache_dir(), {"--read-only"}));
    E2E_ASSERT_OK(mount);
    const auto root = (*mount)->path();
    EXPECT_EQ(open_errno(root / "new.txt", O_WRONLY | O_CREAT), EROFS);
    EXPECT_EQ(open_errno(root / "kept.txt", O_WRONLY), EROFS);
    EXPECT_EQ(open_errno(root / "kept.txt", O_RDWR | O_APPEND), EROFS);
    EXPECT_EQ(errno_of(mkdir((root / "d").c_str(), 0755)), EROFS);
    EXPECT_EQ(errno_of(unlink((root / "kept.txt").c_str())), EROFS);
    ReadOutcome r = read_whole_file(root / "kept.txt");
    EXPECT_EQ(r.error, 0);
    EXPECT_EQ(r.data, "keep");
    E2E_ASSERT_OK((*mount)->unmount());
    EXPECT_EQ(blob_names(container), std::set<std::string>{"kept.txt"});
}

TEST_F(ErrnoTest, RenameAcrossContainersIsExdevAndLinkIsEperm) {
    const std::string one = container_for("errno-xdev-one"), two = container_for("errno-xdev-two");
    E2E_ASSERT_OK(upload_all(client(), one, {{"a.txt", "aaa", {}}}));
    E2E_ASSERT_OK(client().create_container(two));
    MountOptions o = writable(one, new_cache_dir());
    o.container.reset();  // account mode: every container is a top-level directory
    auto mount = Mount::start(o);
    E2E_ASSERT_OK(mount);
    const auto root = (*mount)->path();
    const auto a = root / one / "a.txt";
    EXPECT_EQ(errno_of(rename(a.c_str(), (root / two / "a.txt").c_str())), EXDEV);
    ASSERT_EQ(write_file(root / one / "fresh.txt", "fresh", O_WRONLY | O_CREAT | O_EXCL, false), 0);
    EXPECT_EQ(errno_of(rename((root / one / "fresh.txt").c_str(), (root / two / "fresh.txt").c_str())), EXDEV);
    EXPECT_EQ(errno_of(link(a.c_str(), (root / one / "hard.txt").c_str())), EPERM);
    EXPECT_EQ(errno_of(link(a.c_str(), (root / two / "hard.txt").c_str())), EPERM);
    EXPECT_EQ(errno_of(rename(a.c_str(), (root / one / "b.txt").c_str())), 0) << "rename inside a container works";
    E2E_ASSERT_OK((*mount)->unmount());
    EXPECT_EQ(blob_names(one), (std::set<std::string>{"b.txt", "fresh.txt"}));
    EXPECT_EQ(blob_names(two), std::set<std::string>{});
}

TEST_F(ErrnoTest, BlobNameOver1024CharactersIsEnametoolong) {
    const std::string container = container_for("errno-long");
    E2E_ASSERT_OK(client().create_container(container));
    auto mount = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(mount);
    std::string blob_dir;  // 5 components of 200 characters: 1,004 characters
    for (int i = 0; i < 5; ++i) {
        blob_dir += (i ? "/" : "") + std::string(199, static_cast<char>('a' + i)) + std::to_string(i);
        ASSERT_EQ(errno_of(mkdir(((*mount)->path() / blob_dir).c_str(), 0755)), 0) << "depth " << i;
    }
    ASSERT_EQ(blob_dir.size(), 1004u);
    const auto dir = (*mount)->path() / blob_dir;
    const std::string fits(19, 'f');      // 1,004 + 1 + 19 = 1,024
    const std::string too_long(20, 'g');  // 1,025
    EXPECT_EQ(write_file(dir / fits, "fits", O_WRONLY | O_CREAT | O_EXCL, false), 0);
    EXPECT_EQ(open_errno(dir / too_long, O_WRONLY | O_CREAT | O_EXCL), ENAMETOOLONG);
    EXPECT_EQ(errno_of(mkdir((dir / too_long).c_str(), 0755)), ENAMETOOLONG);
    EXPECT_EQ(errno_of(symlink("target", (dir / too_long).c_str())), ENAMETOOLONG);
    EXPECT_EQ(errno_of(rename((dir / fits).c_str(), (dir / too_long).c_str())), ENAMETOOLONG);
    E2E_ASSERT_OK((*mount)->unmount());
    auto blob = read_blob(client(), container, blob_dir + "/" + fits);
    ASSERT_TRUE(blob.is_ok()) << blob.status().to_string();
    EXPECT_EQ(*blob, "fits");
    EXPECT_TRUE(blob_names(container, blob_dir + "/" + too_long).empty());
}

// Outcome of the child that fills the cache.
struct FillOutcome {
    int error = 0;               // errno of the first failing write/fsync/close; 0: none failed
    uint64_t written = 0;        // bytes write() accepted
    bool finished = false;       // the child exited by itself
};

// In a child process (so a hung write cannot hang the test): opens `path` (O_TRUNC), writes
// `total` bytes of pattern(7) in 1 MiB writes, fsyncs and closes; stops at the first error.
FillOutcome fill_in_child(const std::filesystem::path& path, uint64_t total, std::chrono::seconds timeout) {
    const size_t chunk = 1 << 20;
    std::string buf = pattern_bytes(7, 0, chunk);  // the pattern repeats every MiB
    int pipefd[2];
    if (pipe(pipefd) != 0) return {EIO, 0, false};
    pid_t pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        uint64_t written = 0;
        int error = 0;
        int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) error = errno;
        while (error == 0 && written < total) {
            ssize_t n = write(fd, buf.data(), chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) error = errno;
            else written += static_cast<uint64_t>(n);
        }
        if (fd >= 0 && fsync(fd) != 0 && error == 0) error = errno;
        if (fd >= 0 && close(fd) != 0 && error == 0) error = errno;
        uint64_t report[2] = {static_cast<uint64_t>(error), written};
        ssize_t ignored = write(pipefd[1], report, sizeof report);
        (void)ignored;
        _exit(0);
    }
    close(pipefd[1]);
    FillOutcome out;
    int status = wait_child(pid, timeout);
    uint64_t report[2] = {0, 0};
    if (read(pipefd[0], report, sizeof report) == static_cast<ssize_t>(sizeof report)) {
        out.error = static_cast<int>(report[0]);
        out.written = report[1];
        out.finished = status >= 0 && WIFEXITED(status);
    }
    close(pipefd[0]);
    return out;
}

TEST_F(ErrnoTest, EnospcWhenTheCacheIsFullOfDataThatCannotBeUploaded) {
    using fault_proxy::FaultKind;
    const std::string container = container_for("errno-fill");
    E2E_ASSERT_OK(client().create_container(container));
    fault_proxy::FaultProxyOptions po;
    po.target_port = shared_azurite().port();
    auto proxy = fault_proxy::FaultProxy::start(po);
    E2E_ASSERT_OK(proxy);
    MountOptions o = writable(container, new_cache_dir(), {"--upload-delay", "600", "--fsync", "local", "--write-wait", "5"});
    o.blob_endpoint = (*proxy)->endpoint() + "/devstoreaccount1";
    o.cache_size = "64M";
    auto mount = Mount::start(o);
    E2E_ASSERT_OK(mount);
    const auto root = (*mount)->path();
    // Created while the store answers; pending in the journal from then on (no revalidation).
    ASSERT_EQ(write_file(root / "fill.bin", "", O_WRONLY | O_CREAT | O_EXCL, false), 0);

    (*proxy)->set_schedule(fault_proxy::FaultSchedule::always(FaultKind::kServerBusy503));
    const uint64_t total = 200ull << 20;  // three times what a 64M cache can hold
    FillOutcome fill = fill_in_child(root / "fill.bin", total, std::chrono::seconds(600));
    ASSERT_TRUE(fill.finished) << "the writer hung (killed after 600 s)";
    EXPECT_EQ(fill.error, ENOSPC) << "first error: " << std::strerror(fill.error) << " after " << fill.written
                                  << " bytes";
    EXPECT_GT((*proxy)->counters().count(FaultKind::kServerBusy503), 0u) << "uploads were attempted";

    Fd written(open((root / "fill.bin").c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(written.ok()) << "open the written file: " << std::strerror(errno);
    ReadOutcome head = pread_exact(written.get(), 0, 1 << 20);
    EXPECT_EQ(head.error, 0) << "reading the written file: " << std::strerror(head.error);
    ASSERT_EQ(head.data.size(), 1u << 20) << "at least the first MiB was stored";
    EXPECT_EQ(first_pattern_mismatch(7, 0, head.data), -1) << "the first MiB reads back";
    written.reset();

    std::smatch cause;
    std::string log = (*mount)->log();
    std::regex named(R"([^\n]*(error|warn)[^\n]*(write refused|no space left|cache is full)[^\n]*)", std::regex::icase);
    EXPECT_TRUE(std::regex_search(log, cause, named)) << "the log must name the cause of ENOSPC";
    if (!cause.empty()) std::printf("log line naming the cause: %s\n", cause[0].str().c_str());

    (*proxy)->set_schedule(fault_proxy::FaultSchedule::none());
    E2E_ASSERT_OK((*mount)->unmount());  // the store answers again: the drain completes
}

}  // namespace
}  // namespace azblobfs::e2e
