// Unit tests of readdir/readdirplus packing: offsets, the buffer bound, and lookup counts of the
// entries that do not fit (handed back to the core with forget). The Filesystem is a fake that
// only records forget() calls; the buffer is decoded with the kernel's own structures.
#include <gtest/gtest.h>
#include <dirent.h>
#include <linux/fuse.h>

#include <map>

#include "fs/fuse/dirent_packer.h"

namespace azblobfs {
namespace {

class ForgetRecorder final : public Filesystem {
public:
    std::map<uint64_t, uint64_t> forgotten;

    void forget(uint64_t ino, uint64_t nlookup) override { forgotten[ino] += nlookup; }
    Result<EntryReply> lookup(uint64_t, const std::string&) override { return unused(); }
    Result<Attributes> getattr(uint64_t) override { return unused(); }
    Result<std::string> readlink(uint64_t) override { return unused(); }
    Result<OpenReply> open(uint64_t, int) override { return unused(); }
    Result<std::string> read(uint64_t, uint64_t, uint64_t, uint64_t) override { return unused(); }
    void release(uint64_t, uint64_t) override {}
    Result<uint64_t> opendir(uint64_t) override { return unused(); }
    Result<std::vector<DirEntryPlus>> readdir(uint64_t, uint64_t, uint64_t, size_t, bool) override {
        return unused();
    }
    void releasedir(uint64_t, uint64_t) override {}
    Result<std::string> getxattr(uint64_t, const std::string&) override { return unused(); }
    Result<std::vector<std::string>> listxattr(uint64_t) override { return unused(); }
    Result<CreateReply> create(uint64_t, const std::string&, mode_t, int) override { return unused(); }
    Result<EntryReply> mkdir(uint64_t, const std::string&, mode_t) override { return unused(); }
    Result<EntryReply> symlink(const std::string&, uint64_t, const std::string&) override { return unused(); }
    Status unlink(uint64_t, const std::string&) override { return unused(); }
    Status rmdir(uint64_t, const std::string&) override { return unused(); }
    Status rename(uint64_t, const std::string&, uint64_t, const std::string&, unsigned int) override {
        return unused();
    }
    Result<Attributes> setattr(uint64_t, const SetAttrRequest&) override { return unused(); }
    Result<uint64_t> write(uint64_t, uint64_t, uint64_t, std::string_view) override { return unused(); }
    Status flush(uint64_t, uint64_t) override { return unused(); }
    Status fsync(uint64_t, uint64_t) override { return unused(); }
    Status setxattr(uint64_t, const std::string&, const std::string&, int) override { return unused(); }
    Status removexattr(uint64_t, const std::string&) override { return unused(); }
    FsStatus status() override { return {}; }

private:
    static Status unused() { return Status(Code::kNotSupported, "not used by this test"); }
};

DirEntryPlus entry(const std::string& name, uint64_t ino) {
    DirEntryPlus e;
    e.name = name;
    e.entry.attr.ino = ino;
    e.entry.attr.st.st_mode = S_IFREG | 0644;
    e.entry.attr.st.st_size = static_cast<off_t>(ino * 100);
    e.entry.entry_timeout_s = 60;
    e.entry.attr_timeout_s = 60;
    return e;
}

// ".", "..", then `n` files named with 40 characters each (inodes 100, 101, ...).
std::vector<DirEntryPlus> listing(size_t n) {
    std::vector<DirEntryPlus> out = {entry(".", 1), entry("..", 1)};
    for (size_t i = 0; i < n; ++i) out.push_back(entry("file-" + std::string(35, 'a' + i % 26), 100 + i));
    return out;
}

struct Decoded {
    std::string name;
    uint64_t ino;
    uint64_t off;
    uint64_t size;
};

std::vector<Decoded> decode_plus(const char* buf, size_t used) {
    std::vector<Decoded> out;
    size_t pos = 0;
    while (pos < used) {
        auto* d = reinterpret_cast<const fuse_direntplus*>(buf + pos);
        out.push_back({std::string(d->dirent.name, d->dirent.namelen), d->dirent.ino, d->dirent.off,
                       d->entry_out.attr.size});
        pos += FUSE_DIRENTPLUS_SIZE(d);
    }
    return out;
}

TEST(DirentPackerTest, PlusPacksWhatFitsAndForgetsTheRest) {
    ForgetRecorder fs;
    auto entries = listing(10);
    std::vector<char> buf(1024);  // room for 5 entries of 40-character names (192 bytes each)
    size_t packed = 0;
    size_t used = pack_dirents_plus(nullptr, fs, entries, 7, buf.data(), buf.size(), &packed);
    auto decoded = decode_plus(buf.data(), used);
    ASSERT_EQ(decoded.size(), packed);
    ASSERT_EQ(packed, 5u);
    EXPECT_EQ(decoded[0].name, ".");
    EXPECT_EQ(decoded[2].name, entries[2].name);
    for (size_t i = 0; i < packed; ++i) {
        EXPECT_EQ(decoded[i].off, 7 + i + 1) << i;  // where the next read resumes
        EXPECT_EQ(decoded[i].ino, entries[i].entry.attr.ino) << i;
    }
    EXPECT_EQ(decoded[4].size, 102u * 100);
    // Entries 5..11 did not fit: each counted lookup is handed back once; nothing else is.
    ASSERT_EQ(fs.forgotten.size(), entries.size() - packed);
    for (size_t i = packed; i < entries.size(); ++i) EXPECT_EQ(fs.forgotten[entries[i].entry.attr.ino], 1u) << i;
}

TEST(DirentPackerTest, DotEntriesAndInodeZeroAreNeverForgotten) {
    ForgetRecorder fs;
    std::vector<DirEntryPlus> entries = {entry(".", 1), entry("..", 1), entry("gone", 0)};
    std::vector<char> buf(16);  // too small for anything
    size_t packed = 99;
    EXPECT_EQ(pack_dirents_plus(nullptr, fs, entries, 0, buf.data(), buf.size(), &packed), 0u);
    EXPECT_EQ(packed, 0u);
    EXPECT_TRUE(fs.forgotten.empty());
    forget_entries(fs, listing(2), 0, 4);  // a failed reply of ".", "..", and two files
    EXPECT_EQ(fs.forgotten, (std::map<uint64_t, uint64_t>{{100, 1}, {101, 1}}));
}

TEST(DirentPackerTest, PlainPackingStopsAtTheBufferEnd) {
    auto entries = listing(20);
    std::vector<char> buf(256);  // plain entries of 40-character names take 64 bytes
    size_t used = pack_dirents(nullptr, entries, 0, buf.data(), buf.size());
    size_t pos = 0;
    std::vector<std::string> names;
    while (pos < used) {
        auto* d = reinterpret_cast<const fuse_dirent*>(buf.data() + pos);
        names.emplace_back(d->name, d->namelen);
        EXPECT_EQ(d->off, names.size());
        EXPECT_EQ(d->type, static_cast<uint32_t>(DT_REG));
        pos += FUSE_DIRENT_SIZE(d);
    }
    EXPECT_LE(used, buf.size());
    ASSERT_EQ(names.size(), 5u);  // ".", "..", then three 64-byte entries
    EXPECT_EQ(names[4], entries[4].name);
}

TEST(DirentPackerTest, MaxEntriesIsAnUpperBound) {
    EXPECT_EQ(max_dirents(4096), 4096u / 32);
    EXPECT_EQ(max_dirents_plus(4096), 4096u / 160);
}

}  // namespace
}  // namespace azblobfs
