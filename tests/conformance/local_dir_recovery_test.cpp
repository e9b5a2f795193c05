// Local-directory store only: what a crash or a broken disk leaves behind is handled on open.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "blob/local_dir_blob_store.h"
#include "support/temp_dir.h"

namespace azblobfs::conformance {
namespace {

namespace fs = std::filesystem;

size_t count_files(const fs::path& dir) {
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
    return n;
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

TEST(LocalDirStoreConformance, OpenRemovesLeftoversOfInterruptedWrites) {
    testing::TempDir dir;
    fs::path root = dir.path() / "store";
    {
        auto store = make_local_dir_blob_store(root);
        ASSERT_TRUE(store.is_ok()) << store.status().to_string();
        ASSERT_TRUE((*store)->create_container("recovery").is_ok());
        ASSERT_TRUE((*store)->put_blob("recovery", "kept/blob", "kept").is_ok());
    }
    fs::path blobs = root / "recovery" / "blobs";
    size_t clean = count_files(root);
    write_text(blobs / "abc.json.tmp.XYZ123", "half a sidecar");
    write_text(blobs / "abc.0x8D0000000000000001.data", "orphan bytes");
    fs::create_directories(root / ".trash-0x8D01" / "old" / "blobs");
    write_text(root / ".trash-0x8D01" / "old" / "blobs" / "x.data", "deleted container");

    auto reopened = make_local_dir_blob_store(root);
    ASSERT_TRUE(reopened.is_ok()) << reopened.status().to_string();
    EXPECT_EQ(count_files(root), clean);
    EXPECT_FALSE(fs::exists(root / ".trash-0x8D01"));
    auto read = (*reopened)->read("recovery", "kept/blob", 0, 0);
    ASSERT_TRUE(read.is_ok()) << read.status().to_string();
    EXPECT_EQ(read->data, "kept");
    auto containers = (*reopened)->list_containers();
    ASSERT_TRUE(containers.is_ok());
    EXPECT_EQ(*containers, std::vector<std::string>{"recovery"});
}

TEST(LocalDirStoreConformance, CorruptSidecarIsAnIoErrorNamingTheFile) {
    testing::TempDir dir;
    fs::path root = dir.path() / "store";
    {
        auto store = make_local_dir_blob_store(root);
        ASSERT_TRUE(store.is_ok());
        ASSERT_TRUE((*store)->create_container("corrupt").is_ok());
        ASSERT_TRUE((*store)->put_blob("corrupt", "b", "x").is_ok());
    }
    fs::path sidecar;
    for (const auto& e : fs::directory_iterator(root / "corrupt" / "blobs")) {
        if (e.path().extension() == ".json") sidecar = e.path();
    }
    ASSERT_FALSE(sidecar.empty());
    write_text(sidecar, "{\"name\": ");
    auto reopened = make_local_dir_blob_store(root);
    ASSERT_FALSE(reopened.is_ok());
    EXPECT_EQ(reopened.status().code(), Code::kIoError);
    EXPECT_NE(reopened.status().message().find(sidecar.string()), std::string::npos)
        << reopened.status().message();
}

TEST(LocalDirStoreConformance, UnusableRootIsAnIoErrorNamingThePath) {
    testing::TempDir dir;
    fs::path file = dir.path() / "plain-file";
    write_text(file, "not a directory");
    auto store = make_local_dir_blob_store(file / "store");
    ASSERT_FALSE(store.is_ok());
    EXPECT_EQ(store.status().code(), Code::kIoError);
    EXPECT_NE(store.status().message().find(file.string()), std::string::npos) << store.status().message();
}

}  // namespace
}  // namespace azblobfs::conformance
