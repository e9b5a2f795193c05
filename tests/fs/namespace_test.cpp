// How blobs appear as files: nested prefixes, markers, symlinks, mtimes, hostile names, clashes
// and account mode.
#include <gtest/gtest.h>

#include "fs/fs_fixture.h"

namespace azblobfs::testing {
namespace {

using Names = std::vector<std::string>;

class NamespaceTest : public FsFixture {};

TEST_F(NamespaceTest, NestedPrefixesBecomeDirectories) {
    put("a/b/c.txt", "ccc");
    put("a/b/d.txt", "dddd");
    put("a/e.txt", "e");
    put("top.txt", pattern(1000, 1));
    put("x/y/z/deep.bin", "deep");
    mount();
    EXPECT_EQ(list(""), (Names{"a", "top.txt", "x"}));
    EXPECT_EQ(list("a"), (Names{"b", "e.txt"}));
    EXPECT_EQ(list("a/b"), (Names{"c.txt", "d.txt"}));
    EXPECT_EQ(list("x/y/z"), (Names{"deep.bin"}));

    EntryReply dir = walk("a/b");
    EXPECT_EQ(dir.attr.st.st_mode, S_IFDIR | 0755);
    EXPECT_EQ(dir.attr.st.st_nlink, 2u);
    EntryReply file = walk("top.txt");
    EXPECT_EQ(file.attr.st.st_mode, S_IFREG | 0644);
    EXPECT_EQ(file.attr.st.st_nlink, 1u);
    EXPECT_EQ(file.attr.st.st_size, 1000);
    EXPECT_EQ(file.attr.st.st_blocks, 2);
    EXPECT_EQ(file.attr.st.st_blksize, 1 << 20);
    EXPECT_EQ(file.attr.st.st_uid, 1234u);
    EXPECT_EQ(file.attr.st.st_gid, 5678u);
    EXPECT_EQ(file.attr.st.st_ino, file.attr.ino);
    EXPECT_EQ(read_all("a/b/d.txt"), "dddd");
}

TEST_F(NamespaceTest, ModesComeFromOptions) {
    put("d/f", "x");
    FsOptions o = options();
    o.file_mode = 0600;
    o.dir_mode = 0700;
    mount(o);
    EXPECT_EQ(walk("d").attr.st.st_mode, S_IFDIR | 0700);
    EXPECT_EQ(walk("d/f").attr.st.st_mode, S_IFREG | 0600);
}

TEST_F(NamespaceTest, MarkersMakeDirectories) {
    put("empty/", "", {{"mtime", "2024-05-06T07:08:09.5Z"}});      // "dir/" marker
    put("folder", "", {{"hdi_isfolder", "True"}, {"mtime", "2023-01-02T03:04:05Z"}});
    put("both", "", {{"hdi_isfolder", "true"}, {"mtime", "2022-01-01T00:00:00Z"}});
    put("both/child.txt", "c");
    mount();
    EXPECT_EQ(list(""), (Names{"both", "empty", "folder"}));
    EXPECT_EQ(list("empty"), Names{});
    EXPECT_EQ(list("folder"), Names{});
    EXPECT_EQ(list("both"), Names{"child.txt"});

    EXPECT_EQ(walk("folder").attr.st.st_mode & S_IFMT, static_cast<mode_t>(S_IFDIR));
    EXPECT_EQ(walk("folder").attr.st.st_mtim.tv_sec, 1672628645);
    EXPECT_EQ(walk("both").attr.st.st_mtim.tv_sec, 1640995200);
    Result<Attributes> empty = fs_->getattr(ino_of("empty"));
    ASSERT_TRUE(empty.is_ok());
    EXPECT_EQ(empty->st.st_mode & S_IFMT, static_cast<mode_t>(S_IFDIR));
    EXPECT_EQ(empty->st.st_mtim.tv_sec, 1714979289) << "mtime of the dir/ marker";
    EXPECT_EQ(empty->st.st_mtim.tv_nsec, 500000000);
    EXPECT_TRUE((*index_->get("empty"))->has_marker);
    EXPECT_TRUE((*index_->get("folder"))->has_marker);
    EXPECT_EQ(fs_->status().skipped_names, 0u);

    // Re-listing the parent keeps the marker's mtime (no flapping to the mount time).
    advance(120);
    EXPECT_EQ(list(""), (Names{"both", "empty", "folder"}));
    EXPECT_EQ(fs_->getattr(ino_of("empty"))->st.st_mtim.tv_sec, 1714979289);
}

TEST_F(NamespaceTest, VirtualDirectoriesUseTheMountStartTime) {
    put("v/file", "x");
    mount();
    int64_t start = clock_->load();
    advance(30);
    EntryReply v = walk("v");
    EXPECT_EQ(v.attr.st.st_mtim.tv_sec, start / kSecond);
    EXPECT_EQ(v.attr.st.st_ctim.tv_sec, start / kSecond);
    Result<Attributes> root = fs_->getattr(kRootIno);
    ASSERT_TRUE(root.is_ok());
    EXPECT_EQ(root->st.st_mode, S_IFDIR | 0755);
    EXPECT_EQ(root->st.st_mtim.tv_sec, start / kSecond);
}

TEST_F(NamespaceTest, SymlinksReadTheirTarget) {
    put("link", "target/file.txt", {{"is_symlink", "true"}});
    put("target/file.txt", "hello");
    mount();
    EXPECT_EQ(list(""), (Names{"link", "target"}));
    EntryReply link = walk("link");
    EXPECT_EQ(link.attr.st.st_mode, S_IFLNK | 0777);
    EXPECT_EQ(link.attr.st.st_size, 15);
    Result<std::string> target = fs_->readlink(link.attr.ino);
    ASSERT_TRUE(target.is_ok()) << target.status().to_string();
    EXPECT_EQ(*target, "target/file.txt");
    EXPECT_EQ(fs_->readlink(ino_of("target/file.txt")).status().code(), Code::kInvalidArgument);
}

TEST_F(NamespaceTest, MtimeFromMetadataElseLastModified) {
    put("nano", "1", {{"mtime", "2025-01-09T10:11:12.123456789Z"}});
    put("offset", "2", {{"mtime", "2025-01-09T10:11:12.5+00:00"}});
    put("plain", "3");
    put("garbage", "4", {{"mtime", "last tuesday"}});
    mount();
    list("");
    EntryReply nano = walk("nano");
    EXPECT_EQ(nano.attr.st.st_mtim.tv_sec, 1736417472);
    EXPECT_EQ(nano.attr.st.st_mtim.tv_nsec, 123456789);
    EXPECT_EQ(nano.attr.st.st_atim.tv_nsec, 123456789) << "atime = mtime";
    EntryReply offset = walk("offset");
    EXPECT_EQ(offset.attr.st.st_mtim.tv_sec, 1736417472);
    EXPECT_EQ(offset.attr.st.st_mtim.tv_nsec, 500000000);
    for (const char* name : {"nano", "plain", "garbage"}) {
        int64_t last_modified = memory_->get_properties(kContainer, name)->last_modified;
        EntryReply e = walk(name);
        EXPECT_EQ(e.attr.st.st_ctim.tv_sec, last_modified) << name << ": ctime = Last-Modified";
        if (std::string(name) != "nano") {
            EXPECT_EQ(e.attr.st.st_mtim.tv_sec, last_modified) << name;
            EXPECT_EQ(e.attr.st.st_mtim.tv_nsec, 0) << name;
        }
    }
}

TEST_F(NamespaceTest, HostileNamesAreSkippedAndCounted) {
    put("h/ok1", "1");
    put("h//b", "empty component");
    put("h/./dot", "dot");
    put("h/../up", "dotdot");
    put("h/" + std::string(256, 'L'), "long");
    put("h/ctl\x01name", "control");
    put("h/del\x7fname", "delete");
    put("h/ctl\x02" "dir/inner", "control in a prefix");
    put("h/trail/", "not empty");
    put("h/ok2", "2");
    mount();
    EXPECT_EQ(list("h"), (Names{"ok1", "ok2", "trail"}));
    EXPECT_EQ(fs_->status().skipped_names, 7u);  // "" (from h//b), ".", "..", long, 0x01, 0x7f, 0x02 dir
    EXPECT_EQ(list("h/trail"), Names{}) << "the non-empty trailing-slash blob is not shown";
    EXPECT_EQ(fs_->status().skipped_names, 8u);

    advance(3600);  // re-listing reports nothing new
    EXPECT_EQ(list("h"), (Names{"ok1", "ok2", "trail"}));
    EXPECT_EQ(list("h/trail"), Names{});
    EXPECT_EQ(fs_->status().skipped_names, 8u);

    EXPECT_EQ(walk("h/..").attr.ino, 0u);
    EXPECT_EQ(walk("h/ctl\x01name").attr.ino, 0u);
    EXPECT_EQ(read_all("h/ok2"), "2");
}

TEST_F(NamespaceTest, DirectoryWinsOverFileOfTheSameName) {
    put("clash", "a file");
    put("clash/child", "c");
    put("link", "x", {{"is_symlink", "true"}});
    put("link/inside", "i");
    mount();
    EXPECT_EQ(list(""), (Names{"clash", "link"}));
    EXPECT_EQ(walk("clash").attr.st.st_mode & S_IFMT, static_cast<mode_t>(S_IFDIR));
    EXPECT_EQ(walk("link").attr.st.st_mode & S_IFMT, static_cast<mode_t>(S_IFDIR));
    EXPECT_EQ(list("clash"), Names{"child"});
    EXPECT_EQ(fs_->status().skipped_names, 2u);
}

TEST_F(NamespaceTest, DirectoryWinsInLookupWithoutListing) {
    put("clash", "a file");
    put("clash/child", "c");
    mount();
    EntryReply e = walk("clash");  // no listing: asks the store about this one path
    EXPECT_EQ(e.attr.st.st_mode & S_IFMT, static_cast<mode_t>(S_IFDIR));
    EXPECT_EQ(fs_->status().skipped_names, 1u);
}

TEST_F(NamespaceTest, AccountModeListsContainers) {
    ASSERT_TRUE(memory_->create_container("other").is_ok());
    ASSERT_TRUE(memory_->put_blob("other", "dir/o.txt", "other data").is_ok());
    put("d.txt", "data file");
    FsOptions o = options();
    o.container.reset();
    mount(o);
    EXPECT_EQ(list(""), (Names{"data", "other"}));
    EXPECT_EQ(list("other"), Names{"dir"});
    EXPECT_EQ(list("other/dir"), Names{"o.txt"});
    EXPECT_EQ(read_all("other/dir/o.txt"), "other data");
    EXPECT_EQ(read_all("data/d.txt"), "data file");
    EXPECT_EQ(walk("missing-container").attr.ino, 0u);
    EXPECT_EQ(walk("NotAContainer").attr.ino, 0u);
}

TEST_F(NamespaceTest, AccountModeLooksUpContainersWithoutListing) {
    put("d.txt", "data file");
    FsOptions o = options();
    o.container.reset();
    mount(o);
    EXPECT_EQ(walk("data").attr.st.st_mode & S_IFMT, static_cast<mode_t>(S_IFDIR));
    EXPECT_EQ(walk("data/d.txt").attr.st.st_size, 9);
    EXPECT_EQ(walk("nosuch").attr.ino, 0u);
}

TEST_F(NamespaceTest, VanishedBlobsLeaveTheListingAndTheirBlocksAreDropped) {
    put("gone.txt", pattern(300000, 2));
    put("kept.txt", "k");
    mount();
    EXPECT_EQ(list(""), (Names{"gone.txt", "kept.txt"}));
    EXPECT_EQ(read_all("gone.txt").size(), 300000u);
    uint64_t id = file_id_of("gone.txt");
    EXPECT_EQ(cache_->blocks_of(id), 2u);
    ASSERT_TRUE(memory_->delete_blob(kContainer, "gone.txt").is_ok());
    advance(3600);
    EXPECT_EQ(list(""), Names{"kept.txt"});
    EXPECT_EQ(cache_->blocks_of(id), 0u);
    EXPECT_FALSE(index_->get("gone.txt")->has_value());
}

}  // namespace
}  // namespace azblobfs::testing
