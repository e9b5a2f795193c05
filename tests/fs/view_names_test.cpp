// Names in the flat directories of .views (fs/view_tree.h): unique, stable, never shared.
#include "fs/view_tree.h"

#include <gtest/gtest.h>

#include <set>

namespace azblobfs {
namespace {

using Names = std::vector<std::string>;

TEST(ViewNamesTest, ARepeatedNameGetsItsFileId) {
    EXPECT_EQ(unique_view_names({"a.md", "b.md", "a.md"}, {1, 2, 3}), (Names{"a.md", "b.md", "a.md~3"}));
}

TEST(ViewNamesTest, AFileNamedLikeAMadeNameKeepsItAndTheRepeatMovesOn) {
    // c/"x~5" (id 6), a/x (id 4) and b/x (id 5): the made name of b/x would be "x~5".
    auto got = unique_view_names({"x~5", "x", "x"}, {6, 4, 5});
    EXPECT_EQ(got, (Names{"x~5", "x", "x~5~5"}));
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
}

TEST(ViewNamesTest, ManyRepeatsStayUnique) {
    Names names;
    std::vector<uint64_t> ids;
    for (uint64_t i = 0; i < 50; ++i) {
        names.push_back(i % 2 ? "n" : "n~" + std::to_string(i + 1));
        ids.push_back(i);
    }
    auto got = unique_view_names(names, ids);
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
}

}  // namespace
}  // namespace azblobfs
