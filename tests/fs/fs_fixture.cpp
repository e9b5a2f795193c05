#include "support/seeded_bytes.h"
#include "fs/fs_fixture.h"

#include <fcntl.h>

#include <random>

namespace azblobfs::testing {

std::string pattern(size_t n, uint32_t seed) { return seeded_bytes(seed, n); }

void FsFixture::SetUp() {
    memory_ = make_memory_blob_store();
    ASSERT_TRUE(memory_->create_container(kContainer).is_ok());
    store_ = std::make_shared<CountingStore>(memory_);
    index_ = std::make_shared<FakeMetadataIndex>();
    cache_ = std::make_shared<FakeBlockCache>();
    clock_ = std::make_shared<std::atomic<int64_t>>(1736400000LL * kSecond);
}

FsOptions FsFixture::options() const {
    FsOptions o;
    o.container = kContainer;
    o.uid = 1234;
    o.gid = 5678;
    auto clock = clock_;
    o.clock_ns = [clock] { return clock->load(); };
    return o;
}

void FsFixture::mount(const FsOptions& o) {
    fs_.reset();
    LocalCacheOptions co;  // read-only: no journal, no write-back
    co.reads.fetch_threads = 4;
    fs_ = std::make_unique<FilesystemImpl>(
        store_, std::make_shared<LocalCache>(store_, LocalCacheParts{index_, cache_, nullptr, nullptr}, co), o);
}

std::string FsFixture::put(const std::string& blob, const std::string& data,
                           const Metadata& metadata, const std::string& content_type) {
    PutOptions po;
    po.metadata = metadata;
    po.content_type = content_type;
    Result<WriteResult> r = memory_->put_blob(kContainer, blob, data, po);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? r->etag : std::string();
}

EntryReply FsFixture::walk(const std::string& path) {
    EntryReply reply;
    reply.attr.ino = kRootIno;
    size_t start = 0;
    while (start <= path.size() && !path.empty()) {
        size_t slash = path.find('/', start);
        std::string name = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        Result<EntryReply> r = fs_->lookup(reply.attr.ino, name);
        EXPECT_TRUE(r.is_ok()) << path << ": " << r.status().to_string();
        if (!r.is_ok()) return EntryReply{};
        reply = *r;
        if (slash == std::string::npos || reply.attr.ino == 0) break;
        start = slash + 1;
    }
    return reply;
}

uint64_t FsFixture::ino_of(const std::string& path) {
    uint64_t ino = walk(path).attr.ino;
    EXPECT_NE(ino, 0u) << path << " not found";
    return ino;
}

std::vector<std::string> FsFixture::list(const std::string& path, bool plus) {
    uint64_t ino = path.empty() ? kRootIno : ino_of(path);
    Result<uint64_t> fh = fs_->opendir(ino);
    EXPECT_TRUE(fh.is_ok()) << path << ": " << fh.status().to_string();
    if (!fh.is_ok()) return {};
    std::vector<std::string> names;
    uint64_t offset = 0;
    for (;;) {
        Result<std::vector<DirEntryPlus>> page = fs_->readdir(ino, *fh, offset, 3, plus);
        EXPECT_TRUE(page.is_ok()) << page.status().to_string();
        if (!page.is_ok() || page->empty()) break;
        for (const DirEntryPlus& e : *page) {
            if (e.name != "." && e.name != "..") names.push_back(e.name);
        }
        offset += page->size();
    }
    fs_->releasedir(ino, *fh);
    return names;
}

std::string FsFixture::read_all(const std::string& path) {
    uint64_t ino = ino_of(path);
    Result<OpenReply> open = fs_->open(ino, O_RDONLY);
    EXPECT_TRUE(open.is_ok()) << open.status().to_string();
    if (!open.is_ok()) return {};
    std::string out;
    for (;;) {
        Result<std::string> chunk = fs_->read(ino, open->fh, out.size(), 1 << 20);
        EXPECT_TRUE(chunk.is_ok()) << chunk.status().to_string();
        if (!chunk.is_ok() || chunk->empty()) break;
        out += *chunk;
    }
    fs_->release(ino, open->fh);
    return out;
}

uint64_t FsFixture::file_id_of(const std::string& path) {
    Result<std::optional<EntryRecord>> r = index_->get(path);
    EXPECT_TRUE(r.is_ok() && r->has_value()) << path;
    return r.is_ok() && r->has_value() ? (*r)->file_id : 0;
}

}  // namespace azblobfs::testing
