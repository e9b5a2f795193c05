// Extended attributes: user.* from metadata and the virtual user.azure.* attributes.
#include <gtest/gtest.h>

#include <algorithm>

#include "fs/fs_fixture.h"

namespace azblobfs::testing {
namespace {

class XattrTest : public FsFixture {};

TEST_F(XattrTest, ListsAndReadsMetadataAndVirtualAttributes) {
    std::string etag = put("doc.md", "# hi", {{"color", "blue"}, {"owner", "ann"}}, "text/markdown");
    mount();
    uint64_t ino = ino_of("doc.md");
    Result<std::vector<std::string>> names = fs_->listxattr(ino);
    ASSERT_TRUE(names.is_ok());
    std::vector<std::string> sorted = *names;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<std::string>{"user.azure.content_type", "user.azure.etag",
                                                "user.azure.tier", "user.color", "user.owner"}));
    EXPECT_EQ(*fs_->getxattr(ino, "user.color"), "blue");
    EXPECT_EQ(*fs_->getxattr(ino, "user.OWNER"), "ann") << "metadata keys are case-insensitive";
    EXPECT_EQ(*fs_->getxattr(ino, "user.azure.etag"), etag);
    EXPECT_EQ(*fs_->getxattr(ino, "user.azure.content_type"), "text/markdown");
    EXPECT_EQ(*fs_->getxattr(ino, "user.azure.tier"), "Hot");
    EXPECT_EQ(fs_->getxattr(ino, "user.missing").status().code(), Code::kNoAttribute);
    EXPECT_EQ(fs_->getxattr(ino, "trusted.color").status().code(), Code::kNotSupported);
    EXPECT_EQ(fs_->getxattr(ino, "user.azure.nothing").status().code(), Code::kNoAttribute);
}

TEST_F(XattrTest, OtherNamespacesAreAnsweredWithoutTheStore) {
    put("doc.md", "# hi");
    mount();
    uint64_t ino = ino_of("doc.md");
    advance(3600);  // every TTL has expired: a user.* query would revalidate
    store_->reset_counts();
    // ENOTSUP, not ENODATA: ls remembers that per filesystem and stops asking.
    EXPECT_EQ(fs_->getxattr(ino, "security.selinux").status().code(), Code::kNotSupported);
    EXPECT_EQ(fs_->getxattr(ino, "system.posix_acl_access").status().code(), Code::kNotSupported);
    EXPECT_EQ(store_->calls(), 0u) << "ls -l asks these for every file; they must stay local";
}

TEST_F(XattrTest, DirectoriesHaveNoVirtualAttributes) {
    put("plain/child", "c");
    put("marked", "", {{"hdi_isfolder", "true"}, {"project", "x1"}});
    mount();
    EXPECT_TRUE(fs_->listxattr(ino_of("plain"))->empty());
    EXPECT_EQ(fs_->getxattr(ino_of("plain"), "user.azure.tier").status().code(), Code::kNoAttribute);
    std::vector<std::string> names = *fs_->listxattr(ino_of("marked"));
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"user.hdi_isfolder", "user.project"}));
    EXPECT_EQ(*fs_->getxattr(ino_of("marked"), "user.project"), "x1");
    EXPECT_TRUE(fs_->listxattr(kRootIno)->empty());
}

TEST_F(XattrTest, ValuesFollowTheBlobAfterRevalidation) {
    put("f", "x", {{"stage", "draft"}});
    FsOptions o = options();
    o.attr_ttl_s = 5;
    mount(o);
    uint64_t ino = ino_of("f");
    EXPECT_EQ(*fs_->getxattr(ino, "user.stage"), "draft");
    ASSERT_TRUE(memory_->set_metadata(kContainer, "f", {{"stage", "final"}}).is_ok());
    EXPECT_EQ(*fs_->getxattr(ino, "user.stage"), "draft") << "fresh record";
    advance(6);
    EXPECT_EQ(*fs_->getxattr(ino, "user.stage"), "final");
}

}  // namespace
}  // namespace azblobfs::testing
