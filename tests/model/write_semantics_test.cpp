// Focused tests of the write semantics of issue 4 on the real stack (LMDB journal, flusher,
// Filesystem core, memory store): sparse writes, O_APPEND, truncate, rename, rmdir, unlink +
// create, crash durability and name limits.
#include <fcntl.h>

#include <future>
#include <thread>

#include "cache/block_cache.h"
#include "fs/rfc3339.h"
#include "model/write_fixture.h"
#include "support/seeded_bytes.h"

namespace azblobfs::testing {
namespace {

constexpr uint64_t kBlock = BlockCache::kBlockSize;

using WriteSemantics = WriteFixture;

TEST_F(WriteSemantics, SparseWriteReadsZeros) {
    OpenFile f = create("sparse");
    write(f, 100000, "abc");
    write(f, 2 * kBlock + 5, "xyz");  // a hole spanning whole blocks
    close(f);
    std::string expected(2 * kBlock + 8, '\0');
    expected.replace(100000, 3, "abc");
    expected.replace(2 * kBlock + 5, 3, "xyz");
    EXPECT_EQ(read_all("sparse"), expected);
    Result<Attributes> attr = fs().getattr(ino("sparse"));
    ASSERT_TRUE(attr.is_ok());
    EXPECT_EQ(static_cast<uint64_t>(attr->st.st_size), expected.size());
    flush_all();
    EXPECT_EQ(blob("sparse"), expected);
}

TEST_F(WriteSemantics, AppendWritesAtTheEndWhateverTheOffset) {
    make_file("log", "hello");
    OpenFile a = open("log", O_WRONLY | O_APPEND);
    write(a, 0, " world");
    write(a, 1, "!");
    close(a);
    EXPECT_EQ(read_all("log"), "hello world!");
    flush_all();
    EXPECT_EQ(blob("log"), "hello world!");
}

TEST_F(WriteSemantics, TruncateShrinksAndGrowsWithZeros) {
    std::string data = seeded_bytes(1, 1000);
    make_file("t", data);
    SetAttrRequest shrink;
    shrink.size = 10;
    Result<Attributes> r = fs().setattr(ino("t"), shrink);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->st.st_size, 10);
    EXPECT_EQ(read_all("t"), data.substr(0, 10));
    SetAttrRequest grow;
    grow.size = kBlock + 10;  // the old bytes 10..1000 must not come back
    r = fs().setattr(ino("t"), grow);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    std::string expected = data.substr(0, 10) + std::string(kBlock, '\0');
    EXPECT_EQ(read_all("t"), expected);
    flush_all();
    EXPECT_EQ(blob("t"), expected);
}

TEST_F(WriteSemantics, TruncateOfACommittedFileDropsItsTail) {
    std::string data = seeded_bytes(2, 2 * kBlock + 100);
    make_file("big", data);
    flush_all();
    SetAttrRequest shrink;
    shrink.size = kBlock + 3;
    ASSERT_TRUE(fs().setattr(ino("big"), shrink).is_ok());
    SetAttrRequest grow;
    grow.size = 2 * kBlock;
    ASSERT_TRUE(fs().setattr(ino("big"), grow).is_ok());
    std::string expected = data.substr(0, kBlock + 3) + std::string(kBlock - 3, '\0');
    EXPECT_EQ(read_all("big"), expected);
    flush_all();
    EXPECT_EQ(blob("big"), expected);
}

TEST_F(WriteSemantics, RenameOverAnExistingFile) {
    make_file("a", "AAA");
    make_file("b", "BBBBBB");
    flush_all();
    auto root = kRootInode;
    Status st = fs().rename(root, "a", root, "b", 0);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    EXPECT_FALSE(exists("a"));
    EXPECT_EQ(read_all("b"), "AAA");
    flush_all();
    EXPECT_EQ(blob("a"), "<missing>");
    EXPECT_EQ(blob("b"), "AAA");
}

TEST_F(WriteSemantics, RmdirOfANonEmptyDirectoryIsNotEmpty) {
    ASSERT_TRUE(fs().mkdir(kRootInode, "d", 0755).is_ok());
    make_file("d/f", "x");
    Status st = fs().rmdir(kRootInode, "d");
    EXPECT_EQ(st.code(), Code::kNotEmpty) << st.to_string();
    EXPECT_TRUE(exists("d/f"));
    ASSERT_TRUE(fs().unlink(ino("d"), "f").is_ok());
    st = fs().rmdir(kRootInode, "d");
    EXPECT_TRUE(st.is_ok()) << st.to_string();
    EXPECT_FALSE(exists("d"));
    flush_all();
    EXPECT_EQ(blob("d"), "<missing>");
    EXPECT_EQ(blob("d/f"), "<missing>");
}

TEST_F(WriteSemantics, UnlinkThenCreateTheSameName) {
    make_file("f", "first version");
    OpenFile f = open("f", O_RDWR);
    ASSERT_TRUE(fs().fsync(f.ino, f.fh).is_ok());
    close(f);
    EXPECT_EQ(blob("f"), "first version");
    ASSERT_TRUE(fs().unlink(kRootInode, "f").is_ok());
    EXPECT_FALSE(exists("f"));
    make_file("f", "second");
    EXPECT_EQ(read_all("f"), "second");
    flush_all();
    EXPECT_EQ(blob("f"), "second");
}

TEST_F(WriteSemantics, AcknowledgedWritesSurviveACrash) {
    OpenFile f = create("c");
    write(f, 0, "survives");
    write(f, 3 * kBlock, "tail");  // never closed, never fsynced
    ASSERT_TRUE(fs().mkdir(kRootInode, "dir", 0755).is_ok());
    Status st = stack_->crash();
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    std::string expected = "survives" + std::string(3 * kBlock - 8, '\0') + "tail";
    EXPECT_EQ(read_all("c"), expected);
    EXPECT_TRUE(exists("dir"));
    flush_all();
    EXPECT_EQ(blob("c"), expected);
}

TEST_F(WriteSemantics, NamesOverTheLimitsAreNameTooLong) {
    Result<CreateReply> r = fs().create(kRootInode, std::string(1025, 'n'), 0644, O_CREAT | O_RDWR);
    EXPECT_EQ(r.status().code(), Code::kNameTooLong) << r.status().to_string();
    // Components within 255 bytes, the blob name over 1,024 characters.
    uint64_t parent = kRootInode;
    std::string path;
    for (char c : std::string("abcde")) {
        std::string name(200, c);
        Result<EntryReply> d = fs().mkdir(parent, name, 0755);
        ASSERT_TRUE(d.is_ok()) << d.status().to_string();
        parent = d->attr.ino;
        path += name + "/";
    }
    ASSERT_EQ(path.size(), 1005u);
    r = fs().create(parent, std::string(20, 'x'), 0644, O_CREAT | O_RDWR);  // 1,025 characters
    EXPECT_EQ(r.status().code(), Code::kNameTooLong) << r.status().to_string();
    r = fs().create(parent, std::string(19, 'x'), 0644, O_CREAT | O_RDWR);  // 1,024 characters
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    close(OpenFile{r->entry.attr.ino, r->open.fh});
    flush_all();
    EXPECT_EQ(blob(path + std::string(19, 'x')), "");
}

// DESIGN §5: the next mount finishes an upload the previous one left behind before it serves a
// write or a truncate of that file.
TEST_F(WriteSemantics, AWriteAfterACrashFinishesTheLeftUploadFirst) {
    make_file("w", "left by the crashed mount");
    make_file("t", "also left behind");
    ASSERT_TRUE(stack_->crash().is_ok());
    EXPECT_EQ(blob("w"), "<missing>");
    OpenFile f = open("w", O_RDWR);
    write(f, 0, "LEFT");
    EXPECT_EQ(blob("w"), "left by the crashed mount");  // uploaded before the write was served
    EXPECT_EQ(read_all("w"), "LEFT by the crashed mount");
    close(f);
    SetAttrRequest shrink;
    shrink.size = 4;
    ASSERT_TRUE(fs().setattr(ino("t"), shrink).is_ok());
    EXPECT_EQ(blob("t"), "also left behind");
    flush_all();
    EXPECT_EQ(blob("w"), "LEFT by the crashed mount");
    EXPECT_EQ(blob("t"), "also");
}

// DESIGN §3: a directory that exists only through blobs below it (no marker) gets a marker when
// its time or mode is set, so the time is in the store, not only in this cache.
TEST_F(WriteSemantics, TimesOfADirectoryMadeOnlyByBlobsAreStoredOnAMarker) {
    ASSERT_TRUE(memory_->put_blob(kModelContainer, "v/f", "x").is_ok());
    const int64_t when = 1600000000123456789LL;
    SetAttrRequest touch;
    touch.mtime_ns = when;
    Result<Attributes> set = fs().setattr(ino("v"), touch);
    ASSERT_TRUE(set.is_ok()) << set.status().to_string();
    flush_all();
    Result<BlobProperties> marker = memory_->get_properties(kModelContainer, "v");
    ASSERT_TRUE(marker.is_ok()) << marker.status().to_string();
    EXPECT_EQ(marker->metadata["hdi_isfolder"], "true");
    EXPECT_EQ(marker->metadata["mtime"], format_rfc3339_ns(when));

    FsStack fresh(counting_, (dir_.path() / "new-cache").string(), StackOptions{});
    ASSERT_TRUE(fresh.open().is_ok());
    Result<uint64_t> v = inode_of(fresh.fs(), "v");
    ASSERT_TRUE(v.is_ok()) << v.status().to_string();
    Result<Attributes> got = fresh.fs().getattr(*v);
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    EXPECT_EQ(got->st.st_mtim.tv_sec, when / 1000000000LL);
    EXPECT_EQ(got->st.st_mtim.tv_nsec, when % 1000000000LL);
}

// In account mode a container is a directory with no blob of its own: its time stays in the
// index, and nothing is journaled that could never upload.
TEST_F(WriteSemantics, AContainerDirectoryKeepsItsTimeInTheIndexOnly) {
    StackOptions account;
    account.account_mode = true;
    FsStack stack(counting_, (dir_.path() / "account-cache").string(), account);
    ASSERT_TRUE(stack.open().is_ok());
    Result<uint64_t> c = inode_of(stack.fs(), kModelContainer);
    ASSERT_TRUE(c.is_ok()) << c.status().to_string();
    SetAttrRequest touch;
    touch.mtime_ns = 1600000000000000000LL;
    Result<Attributes> set = stack.fs().setattr(*c, touch);
    ASSERT_TRUE(set.is_ok()) << set.status().to_string();
    EXPECT_EQ(set->st.st_mtim.tv_sec, 1600000000);
    EXPECT_EQ(stack.journal().stats().records, 0u);
    Status st = stack.flusher().flush_all();
    EXPECT_TRUE(st.is_ok()) << st.to_string();
}

// A write that keeps bytes of a block not cached yet fetches that block before it takes the
// path's lock: while the GET waits on a slow network, other changes of the file go on.
TEST_F(WriteSemantics, AWriteWaitingForABaseBlockHoldsNoLock) {
    const std::string base = seeded_bytes(17, 3 * kBlock);
    ASSERT_TRUE(memory_->put_blob(kModelContainer, "f", base).is_ok());
    OpenFile f = open("f", O_RDWR);
    counting_->hold_reads();
    std::thread writer([&] { write(f, kBlock + 10, "edge"); });  // keeps the rest of block 1
    for (int i = 0; i < 500 && counting_->reads_waiting() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(counting_->reads_waiting(), 1) << "the write did not ask for its base block";
    // A change of the same file takes the path lock: it must not wait for the GET.
    SetAttrRequest times;
    times.mtime_ns = 1'700'000'000'000'000'000LL;
    auto done = std::async(std::launch::async, [&] { return fs().setattr(f.ino, times).status(); });
    const bool finished = done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
    counting_->release_reads();
    writer.join();
    ASSERT_TRUE(finished) << "setattr waited behind the write's GET";
    EXPECT_TRUE(done.get().is_ok());
    close(f);
    std::string want = base;
    want.replace(kBlock + 10, 4, "edge");
    EXPECT_EQ(read_all("f"), want);
}

}  // namespace
}  // namespace azblobfs::testing
