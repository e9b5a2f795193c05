// Common setup of the Filesystem core tests: a real MemoryBlobStore behind a CountingStore,
// the in-memory index and cache fakes, a manual clock, and helpers that drive the Filesystem
// the way the FUSE adapter does (lookup walks, opendir/readdir, open/read).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "blob/memory_blob_store.h"
#include "support/counting_store.h"
#include "fs/fake_block_cache.h"
#include "fs/fake_metadata_index.h"
#include "fs/filesystem_impl.h"

namespace azblobfs::testing {

inline constexpr const char* kContainer = "data";
inline constexpr int64_t kSecond = 1000000000LL;

// Deterministic bytes: the same (n, seed) gives the same string; different seeds differ.
std::string pattern(size_t n, uint32_t seed);

class FsFixture : public ::testing::Test {
protected:
    void SetUp() override;

    FsOptions options() const;  // container mode on kContainer, manual clock
    void mount(const FsOptions& o);
    void mount() { mount(options()); }

    // Writes straight into the memory store (not counted, like another client would).
    std::string put(const std::string& blob, const std::string& data, const Metadata& metadata = {},
                    const std::string& content_type = "");
    void advance(double seconds) { clock_->fetch_add(static_cast<int64_t>(seconds * 1e9)); }

    // Looks up every component of `path` from the root; the last reply (maybe negative).
    EntryReply walk(const std::string& path);
    uint64_t ino_of(const std::string& path);
    // Names in a directory listing (without "." and ".."), via opendir/readdir/releasedir.
    std::vector<std::string> list(const std::string& path, bool plus = false);
    // open + read everything + release.
    std::string read_all(const std::string& path);
    uint64_t file_id_of(const std::string& path);

    std::shared_ptr<BlobStore> memory_;
    std::shared_ptr<CountingStore> store_;
    std::shared_ptr<FakeMetadataIndex> index_;
    std::shared_ptr<FakeBlockCache> cache_;
    std::shared_ptr<std::atomic<int64_t>> clock_;
    std::unique_ptr<FilesystemImpl> fs_;
};

}  // namespace azblobfs::testing
