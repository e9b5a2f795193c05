// Fixture of the focused write-semantics tests: the real stack (FsStack: LMDB journal, flusher
// without threads, Filesystem core) over a CountingStore wrapping a MemoryBlobStore, plus
// helpers that drive the Filesystem the way the FUSE adapter does. Helpers record gtest
// failures and return empty values on error.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/counting_store.h"
#include "model/fs_stack.h"
#include "support/temp_dir.h"

namespace azblobfs::testing {

class WriteFixture : public ::testing::Test {
protected:
    struct OpenFile {
        uint64_t ino = 0;
        uint64_t fh = 0;
    };

    void SetUp() override;

    Filesystem& fs() { return stack_->fs(); }
    uint64_t ino(const std::string& path);
    // create (O_CREAT|O_EXCL|O_RDWR); the handle stays open.
    OpenFile create(const std::string& path);
    OpenFile open(const std::string& path, int flags);
    void write(const OpenFile& f, uint64_t offset, const std::string& data);
    void close(const OpenFile& f);   // flush + release; expects Ok
    // create + write + close.
    void make_file(const std::string& path, const std::string& data);
    std::string read_all(const std::string& path);
    bool exists(const std::string& path);
    // The blob's bytes in the (uncounted) memory store; "<missing>" when absent.
    std::string blob(const std::string& name);
    void flush_all();

    TempDir dir_{"azb-write"};
    std::shared_ptr<BlobStore> memory_;
    std::shared_ptr<CountingStore> counting_;
    std::unique_ptr<FsStack> stack_;
};

}  // namespace azblobfs::testing
