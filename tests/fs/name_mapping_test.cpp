#include "fs/name_mapping.h"

#include <gtest/gtest.h>

namespace azblobfs {
namespace {

TEST(NameMapping, ContainerModeMapsPathsToBlobNames) {
    NameMapping names(std::string("data"));
    BlobLocation root = names.locate("");
    EXPECT_FALSE(root.account_root);
    EXPECT_EQ(root.container, "data");
    EXPECT_EQ(root.blob, "");
    BlobLocation deep = names.locate("a/b/c.txt");
    EXPECT_EQ(deep.container, "data");
    EXPECT_EQ(deep.blob, "a/b/c.txt");
    EXPECT_EQ(NameMapping::child_prefix(root), "");
    EXPECT_EQ(NameMapping::child_prefix(names.locate("a/b")), "a/b/");
}

TEST(NameMapping, AccountModeMapsFirstComponentToContainer) {
    NameMapping names(std::nullopt);
    EXPECT_TRUE(names.locate("").account_root);
    BlobLocation c = names.locate("photos");
    EXPECT_FALSE(c.account_root);
    EXPECT_EQ(c.container, "photos");
    EXPECT_EQ(c.blob, "");
    BlobLocation b = names.locate("photos/2025/a.png");
    EXPECT_EQ(b.container, "photos");
    EXPECT_EQ(b.blob, "2025/a.png");
}

TEST(NameMapping, JoinsAndSplitsPaths) {
    EXPECT_EQ(NameMapping::join("", "a"), "a");
    EXPECT_EQ(NameMapping::join("a/b", "c"), "a/b/c");
    EXPECT_EQ(NameMapping::parent_of("a/b/c"), "a/b");
    EXPECT_EQ(NameMapping::parent_of("a"), "");
    EXPECT_EQ(NameMapping::base_name("a/b/c"), "c");
    EXPECT_EQ(NameMapping::base_name("a"), "a");
}

TEST(NameMapping, FlagsEveryUnfitComponent) {
    EXPECT_TRUE(NameMapping::unfit_component(""));
    EXPECT_TRUE(NameMapping::unfit_component("."));
    EXPECT_TRUE(NameMapping::unfit_component(".."));
    EXPECT_TRUE(NameMapping::unfit_component(std::string(256, 'x')));
    EXPECT_TRUE(NameMapping::unfit_component("a/b"));
    EXPECT_TRUE(NameMapping::unfit_component(std::string("nul\0byte", 8)));
    EXPECT_TRUE(NameMapping::unfit_component("tab\there"));
    EXPECT_TRUE(NameMapping::unfit_component("del\x7f"));
    EXPECT_FALSE(NameMapping::unfit_component(std::string(255, 'x')));
    EXPECT_FALSE(NameMapping::unfit_component("...")) << "three dots is an ordinary name";
    EXPECT_FALSE(NameMapping::unfit_component("caf\xc3\xa9 \xe2\x82\xac.txt"));
}

TEST(NameMapping, CountsCodePoints) {
    EXPECT_EQ(NameMapping::code_points("abc"), 3u);
    EXPECT_EQ(NameMapping::code_points("caf\xc3\xa9"), 4u);
    EXPECT_EQ(NameMapping::code_points("\xf0\x9f\x98\x80"), 1u);
}

}  // namespace
}  // namespace azblobfs
