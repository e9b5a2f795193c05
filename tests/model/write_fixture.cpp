#include "model/write_fixture.h"

#include <fcntl.h>

#include "blob/memory_blob_store.h"

namespace azblobfs::testing {

void WriteFixture::SetUp() {
    memory_ = make_memory_blob_store();
    ASSERT_TRUE(memory_->create_container(kModelContainer).is_ok());
    counting_ = std::make_shared<CountingStore>(memory_);
    stack_ = std::make_unique<FsStack>(counting_, (dir_.path() / "cache").string(), StackOptions{});
    Status st = stack_->open();
    ASSERT_TRUE(st.is_ok()) << st.to_string();
}

uint64_t WriteFixture::ino(const std::string& path) {
    Result<uint64_t> r = inode_of(fs(), path);
    EXPECT_TRUE(r.is_ok()) << path << ": " << r.status().to_string();
    return r.is_ok() ? *r : 0;
}

WriteFixture::OpenFile WriteFixture::create(const std::string& path) {
    auto [dir, name] = split_path(path);
    Result<CreateReply> r = fs().create(ino(dir), name, 0644, O_CREAT | O_EXCL | O_RDWR);
    EXPECT_TRUE(r.is_ok()) << path << ": " << r.status().to_string();
    if (!r.is_ok()) return {};
    return OpenFile{r->entry.attr.ino, r->open.fh};
}

WriteFixture::OpenFile WriteFixture::open(const std::string& path, int flags) {
    uint64_t i = ino(path);
    Result<OpenReply> r = fs().open(i, flags);
    EXPECT_TRUE(r.is_ok()) << path << ": " << r.status().to_string();
    if (!r.is_ok()) return {};
    return OpenFile{i, r->fh};
}

void WriteFixture::write(const OpenFile& f, uint64_t offset, const std::string& data) {
    Result<uint64_t> r = fs().write(f.ino, f.fh, offset, data);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(*r, data.size());
}

void WriteFixture::close(const OpenFile& f) {
    Status st = fs().flush(f.ino, f.fh);
    fs().release(f.ino, f.fh);
    EXPECT_TRUE(st.is_ok()) << st.to_string();
}

void WriteFixture::make_file(const std::string& path, const std::string& data) {
    OpenFile f = create(path);
    if (!data.empty()) write(f, 0, data);
    close(f);
}

std::string WriteFixture::read_all(const std::string& path) {
    Result<std::string> r = read_file(fs(), ino(path), 1 << 20);
    EXPECT_TRUE(r.is_ok()) << path << ": " << r.status().to_string();
    return r.is_ok() ? *r : std::string();
}

bool WriteFixture::exists(const std::string& path) {
    Result<EntryReply> r = walk(fs(), path);
    EXPECT_TRUE(r.is_ok()) << path << ": " << r.status().to_string();
    return r.is_ok() && r->attr.ino != 0;
}

std::string WriteFixture::blob(const std::string& name) {
    Result<ReadResult> r = memory_->read(kModelContainer, name, 0, 0);
    return r.is_ok() ? r->data : std::string("<missing>");
}

void WriteFixture::flush_all() {
    Status st = stack_->flusher().flush_all();
    EXPECT_TRUE(st.is_ok()) << st.to_string();
}

}  // namespace azblobfs::testing
