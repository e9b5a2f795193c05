// lookup/getattr/readdir freshness: fresh listings and records answer without the store, TTL
// expiry revalidates, misses are remembered for negative_ttl; inode numbering and limits.
#include <fcntl.h>
#include <gtest/gtest.h>

#include "fs/fs_fixture.h"

namespace azblobfs::testing {
namespace {

using Names = std::vector<std::string>;

class LookupTest : public FsFixture {};

TEST_F(LookupTest, FreshListingAnswersWithoutStoreCalls) {
    put("dir/one", "1");
    put("dir/two", "22");
    put("three", "333");
    mount();
    EXPECT_EQ(list(""), (Names{"dir", "three"}));
    EXPECT_EQ(list("dir"), (Names{"one", "two"}));
    store_->reset_counts();

    EXPECT_EQ(walk("dir/two").attr.st.st_size, 2);
    EXPECT_EQ(walk("three").attr.st.st_size, 3);
    EXPECT_EQ(walk("dir/missing").attr.ino, 0u) << "absent from a fresh listing: negative";
    EXPECT_TRUE(fs_->getattr(ino_of("dir/one")).is_ok());
    EXPECT_EQ(list("dir"), (Names{"one", "two"}));
    EXPECT_EQ(store_->calls(), 0u);
}

TEST_F(LookupTest, RepliesCarryTheTtls) {
    put("f", "x");
    FsOptions o = options();
    o.attr_ttl_s = 7;
    o.dir_ttl_s = 11;
    o.negative_ttl_s = 3;
    mount(o);
    EntryReply f = walk("f");
    EXPECT_EQ(f.attr_timeout_s, 7);
    EXPECT_EQ(f.entry_timeout_s, 11);
    EntryReply missing = walk("nope");
    EXPECT_EQ(missing.attr.ino, 0u);
    EXPECT_EQ(missing.entry_timeout_s, 3);
}

TEST_F(LookupTest, StaleRecordsAreRevalidated) {
    put("f", "old");
    FsOptions o = options();
    o.attr_ttl_s = 10;
    o.dir_ttl_s = 20;
    mount(o);
    EXPECT_EQ(list(""), Names{"f"});
    uint64_t ino = ino_of("f");
    put("f", "newer content");
    store_->reset_counts();

    advance(5);  // everything fresh
    EXPECT_EQ(fs_->getattr(ino)->st.st_size, 3);
    EXPECT_EQ(store_->calls(), 0u);

    advance(10);  // record stale (15 s > attr_ttl): getattr asks the store once
    EXPECT_EQ(fs_->getattr(ino)->st.st_size, 13);
    EXPECT_EQ(store_->properties_calls(), 1u);
    EXPECT_EQ(store_->list_calls(), 0u);

    advance(10);  // listing stale (25 s > dir_ttl): opendir re-lists and sees a new file
    put("g", "g");
    EXPECT_EQ(list(""), (Names{"f", "g"}));
    EXPECT_EQ(store_->list_calls(), 1u);
}

TEST_F(LookupTest, StaleLookupAsksTheStore) {
    put("f", "old");
    FsOptions o = options();
    o.attr_ttl_s = 10;
    o.dir_ttl_s = 10;
    mount(o);
    EXPECT_EQ(walk("f").attr.st.st_size, 3);
    put("f", "changed!");
    store_->reset_counts();
    EXPECT_EQ(walk("f").attr.st.st_size, 3) << "fresh record";
    EXPECT_EQ(store_->calls(), 0u);
    advance(11);
    EXPECT_EQ(walk("f").attr.st.st_size, 8);
    EXPECT_GT(store_->calls(), 0u);
}

TEST_F(LookupTest, MissesAreRememberedForNegativeTtl) {
    FsOptions o = options();
    o.negative_ttl_s = 5;
    o.dir_ttl_s = 1;
    mount(o);
    EXPECT_EQ(walk("later").attr.ino, 0u);
    EXPECT_GT(store_->calls(), 0u);
    store_->reset_counts();
    put("later", "now it exists");
    advance(2);  // the listing that said so is stale; the miss is not
    EXPECT_EQ(walk("later").attr.ino, 0u) << "the miss is remembered";
    EXPECT_EQ(store_->calls(), 0u);
    advance(5);
    EntryReply found = walk("later");
    EXPECT_NE(found.attr.ino, 0u);
    EXPECT_EQ(found.attr.st.st_size, 13);
}

// A lookup in a directory not listed yet lists it (one request when it fits one page): its
// siblings, present or absent, cost nothing more (the thumbnailer and `file *` case).
TEST_F(LookupTest, TheFirstLookupInADirectoryListsItOnceAndItsSiblingsCostNothing) {
    for (int i = 0; i < 20; ++i) put("leads/l" + std::to_string(i) + "/full.png", "png");
    mount();
    for (int i = 0; i < 20; ++i) {
        EntryReply r = walk("leads/l" + std::to_string(i) + "/full.png");
        EXPECT_NE(r.attr.ino, 0u);
        EXPECT_EQ(walk("leads/l" + std::to_string(i) + "/thumb.png").attr.ino, 0u);
    }
    EXPECT_EQ(store_->list_calls(), 1u + 1u + 20u) << "the root, leads/, and each lead's directory once";
    EXPECT_EQ(store_->properties_calls(), 0u) << "no probe of any name";
}

// With --dir-ttl 0 no listing is ever fresh, so a lookup does not list the directory first: it
// probes the name, as before listings on lookup existed.
TEST_F(LookupTest, WithDirTtlZeroALookupProbesWithoutListing) {
    put("d/f", "x");
    FsOptions o = options();
    o.dir_ttl_s = 0;
    mount(o);
    EXPECT_NE(walk("d/f").attr.ino, 0u);
    EXPECT_EQ(store_->list_calls(), 2u) << "one probe List for d and one for f, no directory listing";
    EXPECT_EQ(store_->properties_calls(), 2u);
}

// A directory over one List page (5,000 names) is not listed by a lookup: the name is probed,
// and later lookups there do not try the listing again within dir_ttl.
TEST_F(LookupTest, ALookupInADirectoryOverOnePageProbesTheName) {
    for (int i = 0; i < 5001; ++i) put("big/f" + std::to_string(i), "");
    mount();
    EXPECT_NE(walk("big/f7").attr.ino, 0u);
    const uint64_t lists = store_->list_calls();
    EXPECT_NE(walk("big/f8").attr.ino, 0u);
    EXPECT_EQ(walk("big/nope").attr.ino, 0u);
    EXPECT_EQ(store_->list_calls() - lists, 2u) << "one probe List per name, no second page listing";
}

TEST_F(LookupTest, NameLimits) {
    std::string c(250, 'c');
    std::string parent = c + "1/" + c + "2/" + c + "3/" + c + "4";  // 1,007 characters
    put(parent + "/f", "x");
    mount();
    Result<EntryReply> long_name = fs_->lookup(kRootIno, std::string(256, 'n'));
    EXPECT_EQ(long_name.status().code(), Code::kNameTooLong);
    uint64_t dir = ino_of(parent);
    EXPECT_NE(walk(parent + "/f").attr.ino, 0u);
    Result<EntryReply> too_long = fs_->lookup(dir, std::string(30, 'x'));  // 1,038 characters
    EXPECT_EQ(too_long.status().code(), Code::kNameTooLong);
}

TEST_F(LookupTest, InodesAreNumberedAndForgotten) {
    put("a/b", "b");
    put("c", "c");
    mount();
    uint64_t a = ino_of("a");
    uint64_t b = ino_of("a/b");
    uint64_t c = ino_of("c");
    EXPECT_EQ(a, 2u);
    EXPECT_EQ(b, 3u);
    EXPECT_EQ(c, 4u);
    EXPECT_EQ(ino_of("c"), c);
    fs_->forget(c, 2);
    EXPECT_EQ(fs_->getattr(c).status().code(), Code::kNotFound);
    EXPECT_EQ(ino_of("c"), 5u);
    EXPECT_EQ(fs_->getattr(kRootIno)->st.st_ino, kRootIno);
}

// A directory stream over more names than one page of the index: every name once, in order,
// whatever the reader's chunk size; a rewind starts over; no store request after opendir.
TEST_F(LookupTest, ReaddirPagesThroughALargeDirectoryAndRewinds) {
    std::vector<std::string> want;
    for (int i = 0; i < 2500; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "f%05d", i);
        put(std::string("big/") + name, "");
        want.push_back(name);
    }
    mount();
    uint64_t dir = ino_of("big");
    Result<uint64_t> fh = fs_->opendir(dir);
    ASSERT_TRUE(fh.is_ok());
    store_->reset_counts();
    std::vector<std::string> got;
    uint64_t offset = 0;
    while (true) {
        Result<std::vector<DirEntryPlus>> chunk = fs_->readdir(dir, *fh, offset, 97, false);
        ASSERT_TRUE(chunk.is_ok()) << chunk.status().to_string();
        if (chunk->empty()) break;
        for (const DirEntryPlus& e : *chunk) {
            if (e.name != "." && e.name != "..") got.push_back(e.name);
        }
        offset += chunk->size();
    }
    EXPECT_EQ(got, want);
    // Asked again from inside the last reply, across a page boundary (names 1,023 and 1,024).
    Result<std::vector<DirEntryPlus>> back = fs_->readdir(dir, *fh, 2 + 1020, 10, false);
    ASSERT_TRUE(back.is_ok());
    ASSERT_EQ(back->size(), 10u);
    for (size_t i = 0; i < back->size(); ++i) EXPECT_EQ((*back)[i].name, want[1020 + i]);
    Result<std::vector<DirEntryPlus>> again = fs_->readdir(dir, *fh, 5, 2, false);
    ASSERT_TRUE(again.is_ok());
    ASSERT_EQ(again->size(), 2u);
    EXPECT_EQ((*again)[0].name, want[3]) << "offset 5 is the fourth name after . and ..";
    EXPECT_EQ(store_->calls(), 0u);
    fs_->releasedir(dir, *fh);
}

TEST_F(LookupTest, ReaddirPlusCountsLookupsAndPages) {
    put("d/x", "1");
    put("d/y", "2");
    put("d/z", "3");
    mount();
    uint64_t d = ino_of("d");
    Result<uint64_t> fh = fs_->opendir(d);
    ASSERT_TRUE(fh.is_ok());
    Result<std::vector<DirEntryPlus>> first = fs_->readdir(d, *fh, 0, 3, true);
    ASSERT_TRUE(first.is_ok());
    ASSERT_EQ(first->size(), 3u);
    EXPECT_EQ((*first)[0].name, ".");
    EXPECT_EQ((*first)[0].entry.attr.ino, d);
    EXPECT_EQ((*first)[1].name, "..");
    EXPECT_EQ((*first)[1].entry.attr.ino, kRootIno);
    EXPECT_EQ((*first)[2].name, "x");
    uint64_t x = (*first)[2].entry.attr.ino;
    EXPECT_NE(x, 0u);
    EXPECT_EQ((*first)[2].entry.attr.st.st_size, 1);
    EXPECT_EQ((*first)[2].entry.entry_timeout_s, options().dir_ttl_s);

    Result<std::vector<DirEntryPlus>> rest = fs_->readdir(d, *fh, 3, 10, true);
    ASSERT_TRUE(rest.is_ok());
    ASSERT_EQ(rest->size(), 2u);
    EXPECT_EQ((*rest)[0].name, "y");
    EXPECT_EQ((*rest)[1].name, "z");
    EXPECT_TRUE(fs_->readdir(d, *fh, 5, 10, true)->empty());
    fs_->releasedir(d, *fh);

    fs_->forget(x, 1);  // the one lookup readdirplus counted
    EXPECT_EQ(fs_->getattr(x).status().code(), Code::kNotFound);
}

TEST_F(LookupTest, PlainReaddirAssignsNoInodes) {
    put("d/x", "1");
    mount();
    uint64_t d = ino_of("d");
    Result<uint64_t> fh = fs_->opendir(d);
    ASSERT_TRUE(fh.is_ok());
    Result<std::vector<DirEntryPlus>> all = fs_->readdir(d, *fh, 0, 10, false);
    ASSERT_TRUE(all.is_ok());
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ((*all)[2].entry.attr.st.st_mode & S_IFMT, static_cast<mode_t>(S_IFREG));
    EXPECT_NE((*all)[2].entry.attr.ino & FilesystemImpl::kUnassignedInoBit, 0u);
    fs_->releasedir(d, *fh);
    EXPECT_EQ(ino_of("d/x"), d + 1) << "the first real inode comes from lookup";
}

TEST_F(LookupTest, DirectoryOperationsCheckTypes) {
    put("f", "x");
    mount();
    EXPECT_EQ(fs_->opendir(ino_of("f")).status().code(), Code::kNotDirectory);
    EXPECT_EQ(fs_->open(kRootIno, O_RDONLY).status().code(), Code::kIsDirectory);
    EXPECT_EQ(fs_->getattr(999).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace azblobfs::testing
