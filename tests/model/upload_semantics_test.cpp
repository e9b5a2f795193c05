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
    // The "<name>.conflict-*" blobs in the store.
    std::vector<BlobProperties> conflict_copies(const std::string& name) {
        ListOptions lo;
        lo.prefix = name + ".conflict-";
        Result<ListAll> copies = memory_->list_all(kModelContainer, lo);
        EXPECT_TRUE(copies.is_ok()) << copies.status().to_string();
        return copies.is_ok() ? copies->blobs : std::vector<BlobProperties>{};
    }
    // The blob holds the other writer's "theirs"; exactly one "<name>.conflict-*" blob holds `mine`.
    void expect_theirs_and_one_conflict_copy(const std::string& name, const std::string& mine) {
        EXPECT_EQ(blob(name), "theirs");
        std::vector<BlobProperties> copies = conflict_copies(name);
        ASSERT_EQ(copies.size(), 1u);
        EXPECT_EQ(blob(copies[0].name), mine);
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
    EXPECT_EQ(counting_->counts().get, 0u);
    close(f);
}

// The upload reads the unchanged blocks of a file's base version through the block cache, as
// reads through the mount do: a blob written by someone else and read once costs no GET when a
// small change of it is uploaded.
TEST_F(UploadSemantics, UnchangedCachedBlocksAreUploadedWithoutAGet) {
    std::string data = seeded_bytes(6, 3 * kBlock + 500);
    ASSERT_TRUE(memory_->put_blob(kModelContainer, "theirs", data, PutOptions{}).is_ok());
    ASSERT_EQ(read_all("theirs"), data);  // caches every block
    counting_->reset_counts();
    OpenFile f = open("theirs", O_RDWR);
    write(f, kBlock + 10, "changed");
    data.replace(kBlock + 10, 7, "changed");
    Status st = fs().fsync(f.ino, f.fh);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    EXPECT_EQ(blob("theirs"), data);
    WriteCounts c = counting_->counts();
    EXPECT_EQ(c.get, 0u) << "blocks 0, 2 and 3 come from the block cache";
    EXPECT_EQ(counting_->bytes_read(), 0u);
    EXPECT_EQ(c.put_block, 4u) << "no block list of this mount's to reuse: all four are staged";
    close(f);
}

// Open handles follow this mount's own commits of their file (VersionGate lineage): a handle
// that wrote and committed writes again with no conflict, and a reader that had already read
// bytes keeps reading, the new version, instead of getting ESTALE.
TEST_F(UploadSemantics, OpenHandlesFollowThisMountsOwnCommits) {
    ASSERT_TRUE(memory_->put_blob(kModelContainer, "shared", "version one", PutOptions{}).is_ok());
    OpenFile reader = open("shared", O_RDONLY);
    Result<std::string> first = fs().read(reader.ino, reader.fh, 0, 7);
    ASSERT_TRUE(first.is_ok()) << first.status().to_string();
    EXPECT_EQ(*first, "version");
    OpenFile writer = open("shared", O_RDWR);
    write(writer, 8, "two");
    ASSERT_TRUE(fs().fsync(writer.ino, writer.fh).is_ok());
    write(writer, 0, "VERSION");
    Status st = fs().fsync(writer.ino, writer.fh);
    ASSERT_TRUE(st.is_ok()) << "a second commit through the same handle is no conflict: " << st.to_string();
    EXPECT_EQ(blob("shared"), "VERSION two");
    close(writer);
    Result<std::string> again = fs().read(reader.ino, reader.fh, 0, 11);
    ASSERT_TRUE(again.is_ok()) << again.status().to_string();
    EXPECT_EQ(*again, "VERSION two");
    close(reader);
    EXPECT_TRUE(conflict_copies("shared").empty()) << "no conflict copy of this mount's own writes";
}

// A listing that sees this mount's own commit before the upload is recorded (the commit's
// response was lost and the upload is retried) is not another writer's change: the handle goes
// on writing, with no conflict copy.
TEST_F(UploadSemantics, AListingDuringAnUploadRetryIsNoConflict) {
    OpenFile f = create("retried");
    write(f, 0, "first version");
    ASSERT_TRUE(fs().fsync(f.ino, f.fh).is_ok());
    write(f, 0, "SECOND");
    counting_->lose_next_commit_response();
    EXPECT_FALSE(fs().fsync(f.ino, f.fh).is_ok()) << "the commit's response was lost";
    ASSERT_EQ(blob("retried"), "SECONDversion") << "the store committed all the same";
    stack_->advance_ms(3000);  // past the listing TTL
    Result<std::vector<std::string>> names = list_dir(fs(), kRootInode, false, 100);
    ASSERT_TRUE(names.is_ok()) << names.status().to_string();
    Status st = fs().fsync(f.ino, f.fh);  // the retry finds this mount's version in the store
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    write(f, 0, "THIRD!");
    st = fs().fsync(f.ino, f.fh);
    ASSERT_TRUE(st.is_ok()) << "the listing saw this mount's own commit: " << st.to_string();
    EXPECT_EQ(blob("retried"), "THIRD!version");
    close(f);
    EXPECT_TRUE(conflict_copies("retried").empty()) << "no conflict copy of this mount's own writes";
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
