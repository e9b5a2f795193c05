// Focused tests of renames (DESIGN §5): a rename changes only the journal and shows at once; the
// upload is a server-side copy of the version the rename saw, then a conditional delete of the
// old name, which waits for the copy; a crash part-way resumes until the rename is complete.
#include <fcntl.h>

#include "model/write_fixture.h"
#include "support/seeded_bytes.h"

namespace azblobfs::testing {
namespace {

constexpr int kFiles = 12;

class RenameSemantics : public WriteFixture {
protected:
    std::string name(const std::string& dir, int i) { return dir + "/f" + std::to_string(i); }
    std::string content(int i) { return seeded_bytes(100 + i, 1000 + 97 * i); }

    // Directory `dir` with kFiles files and a subdirectory holding one more, all committed.
    void make_committed_tree(const std::string& dir) {
        ASSERT_TRUE(fs().mkdir(kRootInode, dir, 0755).is_ok());
        for (int i = 0; i < kFiles; ++i) make_file(name(dir, i), content(i));
        ASSERT_TRUE(fs().mkdir(ino(dir), "sub", 0755).is_ok());
        make_file(dir + "/sub/deep", "deep file");
        flush_all();
        ASSERT_EQ(blob(name(dir, 3)), content(3));
    }
    void rename(const std::string& from, const std::string& to) {
        Status st = fs().rename(kRootInode, from, kRootInode, to, 0);
        ASSERT_TRUE(st.is_ok()) << from << " -> " << to << ": " << st.to_string();
    }
    void expect_tree_in_store(const std::string& dir) {
        for (int i = 0; i < kFiles; ++i) EXPECT_EQ(blob(name(dir, i)), content(i)) << name(dir, i);
        EXPECT_EQ(blob(dir + "/sub/deep"), "deep file");
    }
    void expect_no_blob_under(const std::string& dir) {
        ListOptions lo;
        lo.prefix = dir + "/";
        Result<ListAll> all = memory_->list_all(kModelContainer, lo);
        ASSERT_TRUE(all.is_ok());
        EXPECT_TRUE(all->blobs.empty()) << all->blobs.size() << " blob(s) left, first " << all->blobs[0].name;
    }
};

TEST_F(RenameSemantics, ADirectoryRenameShowsAtOnceAndUploadsAsCopies) {
    make_committed_tree("d");
    counting_->reset_counts();
    rename("d", "e");
    WriteCounts before_upload = counting_->counts();
    EXPECT_EQ(before_upload.copy_blob + before_upload.put_blob + before_upload.delete_blob, 0u);
    EXPECT_FALSE(exists("d"));
    for (int i = 0; i < kFiles; ++i) EXPECT_EQ(read_all(name("e", i)), content(i));
    EXPECT_EQ(read_all("e/sub/deep"), "deep file");

    flush_all();
    expect_tree_in_store("e");
    expect_no_blob_under("d");
    WriteCounts c = counting_->counts();
    EXPECT_EQ(c.copy_blob, static_cast<uint64_t>(kFiles + 1));  // bytes never go through this mount
    EXPECT_EQ(c.put_block, 0u);
}

TEST_F(RenameSemantics, ADirectoryRenameResumesAfterACrashPartWay) {
    make_committed_tree("d");
    rename("d", "e");
    // Two files reach the store, then the mount dies.
    ASSERT_TRUE(stack_->flusher().commit_now(name("e", 0)).is_ok());
    ASSERT_TRUE(stack_->flusher().commit_now(name("d", 5)).is_ok());  // copies e/f5 first
    EXPECT_EQ(blob(name("e", 5)), content(5));
    EXPECT_EQ(blob(name("d", 5)), "<missing>");
    EXPECT_EQ(blob(name("d", 7)), content(7));  // not yet copied: still there
    Status st = stack_->crash();
    ASSERT_TRUE(st.is_ok()) << st.to_string();

    EXPECT_FALSE(exists("d"));
    for (int i = 0; i < kFiles; ++i) EXPECT_EQ(read_all(name("e", i)), content(i));
    flush_all();
    expect_tree_in_store("e");
    expect_no_blob_under("d");
}

// A crash inside the rename call itself (some children moved, some not) is finished by the next
// mount: the journal holds the rename from before the first child moved.
TEST_F(RenameSemantics, ADirectoryRenameCutOffInsideTheCallIsFinishedByTheNextMount) {
    make_committed_tree("d");
    // The state rename("d", "e") has when it dies after moving six files.
    JournalBatch begun;
    begun.begin_dir_renames.emplace_back("d", "e");
    ASSERT_TRUE(stack_->journal().apply(begun).is_ok());
    ASSERT_TRUE(fs().mkdir(kRootInode, "e", 0755).is_ok());
    for (int i = 0; i < 6; ++i) {
        std::string f = "f" + std::to_string(i);
        ASSERT_TRUE(fs().rename(ino("d"), f, ino("e"), f, 0).is_ok()) << f;
    }
    Status st = stack_->crash();
    ASSERT_TRUE(st.is_ok()) << st.to_string();

    EXPECT_FALSE(exists("d"));
    for (int i = 0; i < kFiles; ++i) EXPECT_EQ(read_all(name("e", i)), content(i));
    EXPECT_EQ(read_all("e/sub/deep"), "deep file");
    Result<std::vector<std::pair<std::string, std::string>>> left = stack_->journal().dir_renames();
    ASSERT_TRUE(left.is_ok());
    EXPECT_TRUE(left->empty());
    flush_all();
    expect_tree_in_store("e");
    expect_no_blob_under("d");
}

// A crash after the old directory is gone but before its parent, which existed only through it,
// got a marker: the next mount still gives the parent its marker.
TEST_F(RenameSemantics, AFinishedRenameWhoseOldDirectoryIsGoneStillKeepsItsParent) {
    ASSERT_TRUE(memory_->put_blob(kModelContainer, "p/d/f", "x", PutOptions{}).is_ok());
    ASSERT_TRUE(exists("p/d/f"));
    JournalBatch begun;
    begun.begin_dir_renames.emplace_back("p/d", "e");
    ASSERT_TRUE(stack_->journal().apply(begun).is_ok());
    ASSERT_TRUE(fs().mkdir(kRootInode, "e", 0755).is_ok());
    ASSERT_TRUE(fs().rename(ino("p/d"), "f", ino("e"), "f", 0).is_ok());
    // rename_dir's last step: p/d goes (its marker, made when f left, was never uploaded).
    JournalBatch gone;
    gone.drop_records.push_back("p/d");
    gone.remove_entries.push_back("p/d");
    ASSERT_TRUE(stack_->journal().apply(gone).is_ok());
    flush_all();  // the uploads of the moved file ran before the crash: no blob is left under p
    Status st = stack_->crash();
    ASSERT_TRUE(st.is_ok()) << st.to_string();

    flush_all();
    EXPECT_EQ(blob("p"), "") << "the parent of the renamed directory has no marker";
    EXPECT_EQ(blob("e/f"), "x");
    EXPECT_EQ(blob("p/d/f"), "<missing>");
    stack_->advance_ms(2000);  // past the TTLs: the root is listed again from the store
    EXPECT_TRUE(exists("p"));
}

// A directory rename that fails part-way reports the failure and is not finished later behind
// the application's back: what was not moved stays where it was.
TEST_F(RenameSemantics, AFailedDirectoryRenameIsNotResumedByTheNextMount) {
    make_committed_tree("d");
    ASSERT_TRUE(memory_->set_tier(kModelContainer, name("d", 6), "Archive").is_ok());
    stack_->advance_ms(2000);  // past the attribute TTL: the tier is seen
    ASSERT_TRUE(exists(name("d", 6)));
    Status st = fs().rename(kRootInode, "d", kRootInode, "e", 0);
    EXPECT_EQ(st.code(), Code::kArchived) << st.to_string();
    Result<std::vector<std::pair<std::string, std::string>>> left = stack_->journal().dir_renames();
    ASSERT_TRUE(left.is_ok());
    EXPECT_TRUE(left->empty());
    st = stack_->crash();
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    EXPECT_TRUE(exists(name("d", 6)));
    EXPECT_TRUE(exists(name("d", 7)));
    EXPECT_TRUE(exists(name("e", 0)));
}

// The old name's blob is deleted only after the copy is committed, also when the old name is
// written again (its new content must not replace the blob being copied).
TEST_F(RenameSemantics, TheOldNameWaitsForTheCopy) {
    make_file("a", "original");
    flush_all();
    rename("a", "b");
    make_file("a", "new content at the old name");
    OpenFile f = open("a", O_RDWR);
    Status st = fs().fsync(f.ino, f.fh);  // commits b's copy first
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    close(f);
    EXPECT_EQ(blob("a"), "new content at the old name");
    EXPECT_EQ(blob("b"), "original");
    flush_all();
    EXPECT_EQ(blob("b"), "original");
}

TEST_F(RenameSemantics, ASwapThroughATemporaryNameCompletes) {
    make_file("x", "content of x");
    make_file("y", "content of y");
    flush_all();
    rename("x", "t");
    rename("y", "x");
    rename("t", "y");  // y is the source of x's copy: this content is copied locally instead
    EXPECT_EQ(read_all("x"), "content of y");
    EXPECT_EQ(read_all("y"), "content of x");
    flush_all();
    EXPECT_EQ(blob("x"), "content of y");
    EXPECT_EQ(blob("y"), "content of x");
    EXPECT_EQ(blob("t"), "<missing>");
    EXPECT_EQ(stack_->journal().stats().records, 0u);
}

TEST_F(RenameSemantics, ARenameChainIsOneCopy) {
    make_file("a", "chained");
    flush_all();
    counting_->reset_counts();
    rename("a", "b");
    rename("b", "c");
    flush_all();
    EXPECT_EQ(blob("a"), "<missing>");
    EXPECT_EQ(blob("b"), "<missing>");
    EXPECT_EQ(blob("c"), "chained");
    EXPECT_EQ(counting_->counts().copy_blob, 1u);
}

// A renamed file with local changes uploads its changed bytes over the source's unchanged ones.
TEST_F(RenameSemantics, AChangedRenamedFileStagesOverItsSource) {
    std::string data = seeded_bytes(9, 3 * BlockCache::kBlockSize + 5);
    make_file("big", data);
    flush_all();
    rename("big", "moved");
    OpenFile f = open("moved", O_RDWR);
    write(f, 10, "changed");
    data.replace(10, 7, "changed");
    close(f);
    EXPECT_EQ(read_all("moved"), data);
    flush_all();
    EXPECT_EQ(blob("moved"), data);
    EXPECT_EQ(blob("big"), "<missing>");
}

// Another writer replaced the source before the copy: the rename's copy is refused (it would
// carry the other writer's bytes under the new name), nothing of theirs is deleted, and there is
// no conflict blob, since this mount changed no byte.
TEST_F(RenameSemantics, ASourceReplacedBeforeTheCopyKeepsTheOtherWritersBlob) {
    make_file("a", "mine");
    flush_all();
    rename("a", "b");
    ASSERT_TRUE(memory_->put_blob(kModelContainer, "a", "theirs").is_ok());
    Status st = stack_->flusher().flush_all();
    EXPECT_EQ(st.code(), Code::kPreconditionFailed) << st.to_string();
    EXPECT_EQ(blob("a"), "theirs");
    EXPECT_EQ(blob("b"), "<missing>");
    ListAll all = *memory_->list_all(kModelContainer, {});
    EXPECT_EQ(all.blobs.size(), 1u);
    EXPECT_EQ(stack_->journal().stats().records, 0u);
}

// The source was deleted by another writer before the copy: the rename is dropped like a
// refused copy, and nothing waits forever (the old name's delete goes through as NotFound).
TEST_F(RenameSemantics, ASourceDeletedBeforeTheCopyIsDroppedNotRetriedForever) {
    std::string data = seeded_bytes(12, 2 * BlockCache::kBlockSize + 3);  // staged, not one Put Blob
    make_file("a", data);
    flush_all();
    rename("a", "b");
    OpenFile f = open("b", O_RDWR);
    write(f, 5, "mine");  // so the upload reads the source's other bytes
    close(f);
    ASSERT_TRUE(memory_->delete_blob(kModelContainer, "a").is_ok());
    Status st = stack_->flusher().flush_all();
    EXPECT_EQ(st.code(), Code::kPreconditionFailed) << st.to_string();
    EXPECT_EQ(stack_->journal().stats().records, 0u);
    EXPECT_EQ(blob("a"), "<missing>");
}

TEST_F(RenameSemantics, ARenameOfAnArchivedBlobFailsAtOnce) {
    make_file("cold", "archived bytes");
    flush_all();
    ASSERT_TRUE(memory_->set_tier(kModelContainer, "cold", "Archive").is_ok());
    stack_->advance_ms(2000);  // past the attribute TTL: the tier is seen
    ASSERT_TRUE(exists("cold"));
    Status st = fs().rename(kRootInode, "cold", kRootInode, "warm", 0);
    EXPECT_EQ(st.code(), Code::kArchived) << st.to_string();
    EXPECT_EQ(stack_->journal().stats().records, 0u);
}

// A copy that keeps failing is tried once per upload of its source, not once per nesting level.
TEST_F(RenameSemantics, AFailingCopyIsTriedOncePerUpload) {
    make_file("a", "x");
    flush_all();
    rename("a", "b");
    counting_->reset_counts();
    counting_->fail_with(Code::kUnavailable);
    Status st = stack_->flusher().commit_now("a");
    EXPECT_EQ(st.code(), Code::kUnavailable) << st.to_string();
    EXPECT_EQ(counting_->counts().copy_blob, 1u);
    counting_->fail_with(Code::kOk);
    flush_all();
    EXPECT_EQ(blob("b"), "x");
    EXPECT_EQ(blob("a"), "<missing>");
}

// A handle opened before the rename writes the renamed file, also after its copy is committed:
// the version it opened was this mount's own, so this is no conflict (log rotation).
TEST_F(RenameSemantics, AHandleOpenedBeforeARenameKeepsWritingWithoutAConflict) {
    make_file("log", "line 1\n");
    flush_all();
    OpenFile f = open("log", O_RDWR | O_APPEND);
    rename("log", "log.1");
    flush_all();
    EXPECT_EQ(blob("log.1"), "line 1\n");
    write(f, 0, "line 2\n");
    close(f);
    flush_all();
    EXPECT_EQ(blob("log.1"), "line 1\nline 2\n");
    EXPECT_EQ(memory_->list_all(kModelContainer, {})->blobs.size(), 1u) << "a conflict blob appeared";
}

// The previous mount left an upload of `r`; a rename of `r` finishes it first, so the rename's
// copy and delete start from the version that upload commits.
TEST_F(RenameSemantics, ARenameAfterACrashFinishesTheLeftUploadFirst) {
    make_file("r", "left behind");
    ASSERT_TRUE(stack_->crash().is_ok());
    rename("r", "s");
    EXPECT_EQ(blob("r"), "left behind");  // committed before the rename was served
    flush_all();
    EXPECT_EQ(blob("s"), "left behind");
    EXPECT_EQ(blob("r"), "<missing>");
}

}  // namespace
}  // namespace azblobfs::testing
