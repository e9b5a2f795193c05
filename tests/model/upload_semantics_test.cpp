// Focused tests of what fsync puts in the store: exact bytes, incremental block uploads and
// conflicts with another writer.
#include <fcntl.h>

#include "cache/block_cache.h"
#include "model/write_fixture.h"
#include "support/seeded_bytes.h"

namespace azblobfs::testing {
namespace {

constexpr uint64_t kBlock = BlockCache::kBlockSize;

class UploadSemantics : public WriteFixture {
protected:
    // Closes a handle whose fsync lost the race (its flush may report the conflict again).
    void close_after_conflict(const OpenFile& f) {
        (void)fs().flush(f.ino, f.fh);
        fs().release(f.ino, f.fh);
    }
    // The blob holds the other writer's "theirs"; exactly one "<name>.conflict-*" blob holds `mine`.
    void expect_theirs_and_one_conflict_copy(const std::string& name, const std::string& mine) {
        EXPECT_EQ(blob(name), "theirs");
        ListOptions lo;
        lo.prefix = name + ".conflict-";
        Result<ListAll> copies = memory_->list_all(kModelContainer, lo);
        ASSERT_TRUE(copies.is_ok());
        ASSERT_EQ(copies->blobs.size(), 1u);
        EXPECT_EQ(blob(copies->blobs[0].name), mine);
    }
};

TEST_F(UploadSemantics, FsyncPutsExactlyTheBytesInTheStore) {
    std::string data = seeded_bytes(3, 3 * kBlock + 17);
    OpenFile f = create("exact");
    write(f, 0, data);
    Status st = fs().fsync(f.ino, f.fh);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    EXPECT_EQ(blob("exact"), data);
    write(f, kBlock - 2, "across");  // straddles a block boundary
    data.replace(kBlock - 2, 6, "across");
    st = fs().fsync(f.ino, f.fh);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    EXPECT_EQ(blob("exact"), data);
    close(f);
}

TEST_F(UploadSemantics, SecondFsyncStagesOnlyTheChangedBlock) {
    std::string data = seeded_bytes(4, 4 * kBlock - 1000);
    OpenFile f = create("large");
    write(f, 0, data);
    ASSERT_TRUE(fs().fsync(f.ino, f.fh).is_ok());
    ASSERT_EQ(blob("large"), data);
    counting_->reset_counts();
    write(f, 2 * kBlock + 100, "0123456789");
    data.replace(2 * kBlock + 100, 10, "0123456789");
    Status st = fs().fsync(f.ino, f.fh);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    WriteCounts c = counting_->counts();
    EXPECT_EQ(c.put_block, 1u);
    EXPECT_EQ(c.put_block_list, 1u);
    EXPECT_EQ(c.put_blob, 0u);
    EXPECT_EQ(blob("large"), data);
    close(f);
}

// After an fsync the file's content is local: a small write into a committed block needs no
// download of that block (an fsync costs what changed, DESIGN §5).
TEST_F(UploadSemantics, AWriteAfterFsyncDownloadsNothing) {
    OpenFile f = create("db");
    write(f, 0, seeded_bytes(5, 5000));
    ASSERT_TRUE(fs().fsync(f.ino, f.fh).is_ok());
    counting_->reset_counts();
    write(f, 100, "page");
    ASSERT_TRUE(fs().fsync(f.ino, f.fh).is_ok());
    EXPECT_EQ(counting_->counts().read, 0u);
    close(f);
}

// Local change pending when the other writer commits: fsync loses the race.
TEST_F(UploadSemantics, ADirtyFileLosesTheRaceAtFsync) {
    OpenFile f = create("doc");
    write(f, 0, "mine v1");
    ASSERT_TRUE(fs().fsync(f.ino, f.fh).is_ok());
    write(f, 0, "MINE");
    ASSERT_TRUE(memory_->put_blob(kModelContainer, "doc", "theirs", PutOptions{}).is_ok());
    Status st = fs().fsync(f.ino, f.fh);
    EXPECT_EQ(st.code(), Code::kPreconditionFailed) << st.to_string();
    close_after_conflict(f);
    expect_theirs_and_one_conflict_copy("doc", "MINE v1");
    stack_->advance_ms(3000);
    EXPECT_EQ(read_all("doc"), "theirs");
}

// The order: the other writer commits between two writes of a handle.
TEST_F(UploadSemantics, ALostRaceKeepsTheLocalBytesAsAConflictCopy) {
    OpenFile f = create("doc");
    write(f, 0, "mine v1");
    ASSERT_TRUE(fs().fsync(f.ino, f.fh).is_ok());
    ASSERT_EQ(blob("doc"), "mine v1");
    Result<WriteResult> theirs = memory_->put_blob(kModelContainer, "doc", "theirs", PutOptions{});
    ASSERT_TRUE(theirs.is_ok());
    write(f, 0, "MINE");
    Status st = fs().fsync(f.ino, f.fh);
    EXPECT_EQ(st.code(), Code::kPreconditionFailed) << st.to_string();
    close_after_conflict(f);
    expect_theirs_and_one_conflict_copy("doc", "MINE v1");
}

}  // namespace
}  // namespace azblobfs::testing
