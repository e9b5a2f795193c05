// Names: hostile characters, the 1,024-character limit, invalid container names.
#include <set>

#include "blob/names.h"
#include "conformance_fixture.h"

namespace azblobfs::conformance {
namespace {

const std::vector<std::string>& hostile_names() {
    static const std::vector<std::string> names = {
        "with space.txt",
        "  leading and trailing spaces  .txt",
        "unicode-\xC3\xBCn\xC3\xAF\x63\xC3\xB8\x64\xC3\xA9-\xE6\x97\xA5\xE6\x9C\xAC-\xF0\x9F\x98\x80.txt",
        "percent%20not-decoded%.txt",
        "hash#tag.txt",
        "question?mark.txt",
        "plus+sign.txt",
        "combo %#?+&=;@!$'()*,~.txt",
        "dir with space/sub#dir/file?.txt",
        "nested/%2F/+/#/?/leaf",
        "a/b/c/d/e/f/g.txt",
    };
    return names;
}

TEST_P(ConformanceTest, HostileNamesRoundTrip) {
    for (const auto& name : hostile_names()) {
        std::string etag = put(name, "content of " + name);
        auto props = store().get_properties(container(), name);
        ASSERT_OK(props);
        EXPECT_EQ(props->name, name);
        EXPECT_EQ(props->etag, etag);
        EXPECT_EQ(props->size, ("content of " + name).size());
        EXPECT_EQ(read_all(name), "content of " + name);
    }
    auto all = store().list_all(container(), ListOptions{});
    ASSERT_OK(all);
    std::set<std::string> expected(hostile_names().begin(), hostile_names().end());
    std::set<std::string> listed;
    for (const auto& b : all->blobs) listed.insert(b.name);
    EXPECT_EQ(listed, expected);
    EXPECT_EQ(all->blobs.size(), expected.size());

    ListOptions under;
    under.prefix = "dir with space/";
    under.delimiter = "/";
    auto dir = store().list_all(container(), under);
    ASSERT_OK(dir);
    EXPECT_EQ(dir->prefixes, (std::vector<std::string>{"dir with space/sub#dir/"}));
    for (const auto& name : hostile_names()) EXPECT_OK(store().delete_blob(container(), name));
}

// 1,024 characters, some of them two bytes long in UTF-8, with '/' nesting.
std::string name_of_length(size_t chars) {
    std::string name;
    for (size_t i = 0; i < chars; ++i) {
        if (i % 100 == 99) name += '/';
        else if (i % 7 == 3) name += "\xC3\xA9";  // é
        else name += static_cast<char>('a' + i % 26);
    }
    return name;
}

TEST_P(ConformanceTest, NameOf1024CharactersWorks) {
    std::string name = name_of_length(kMaxBlobNameChars);
    ASSERT_GT(name.size(), kMaxBlobNameChars);  // more bytes than characters
    put(name, "long");
    auto props = store().get_properties(container(), name);
    ASSERT_OK(props);
    EXPECT_EQ(props->name, name);
    EXPECT_EQ(read_all(name), "long");
    auto all = store().list_all(container(), ListOptions{});
    ASSERT_OK(all);
    ASSERT_EQ(all->blobs.size(), 1u);
    EXPECT_EQ(all->blobs[0].name, name);
}

TEST_P(ConformanceTest, NameOf1025CharactersIsTooLongAndCreatesNothing) {
    std::string name = name_of_length(kMaxBlobNameChars + 1);
    auto put_result = store().put_blob(container(), name, "x");
    EXPECT_CODE(put_result, Code::kNameTooLong);
    EXPECT_NE(put_result.status().message().find("1025"), std::string::npos)
        << put_result.status().message();
    EXPECT_CODE(store().read(container(), name, 0, 0), Code::kNameTooLong);
    EXPECT_CODE(store().get_properties(container(), name), Code::kNameTooLong);
    EXPECT_CODE(store().put_block(container(), name, "id-0", "x"), Code::kNameTooLong);
    EXPECT_CODE(store().delete_blob(container(), name), Code::kNameTooLong);
    auto all = store().list_all(container(), ListOptions{});
    ASSERT_OK(all);
    EXPECT_TRUE(all->blobs.empty());
}

TEST_P(ConformanceTest, InvalidNamesAreRejected) {
    for (const char* bad : {"ab", "Upper-case", "under_score", "-leading", "trailing-", "double--hyphen",
                            "a-container-name-that-is-far-too-long-to-be-accepted-by-azure-storage"}) {
        SCOPED_TRACE(bad);
        EXPECT_CODE(store().create_container(bad), Code::kInvalidName);
        EXPECT_CODE(store().get_properties(bad, "blob"), Code::kInvalidName);
        EXPECT_CODE(store().put_blob(bad, "blob", "x"), Code::kInvalidName);
        EXPECT_CODE(store().list_blobs(bad, ListOptions{}), Code::kInvalidName);
    }
    EXPECT_CODE(store().put_blob(container(), "", "x"), Code::kInvalidName);
    EXPECT_CODE(store().put_blob(container(), "bad\xFFutf8", "x"), Code::kInvalidName);
    EXPECT_CODE(store().put_blob(container(), std::string("nul\0byte", 8), "x"), Code::kInvalidName);
    auto containers = store().list_containers();
    ASSERT_OK(containers);
    for (const auto& c : *containers) EXPECT_NE(c, "ab");
}

TEST_P(ConformanceTest, ContainersCreateListDelete) {
    std::string other = container() + "-b";
    ASSERT_OK(store().create_container(other));
    EXPECT_OK(store().create_container(other));  // already exists: still ok
    auto listed = store().list_containers();
    ASSERT_OK(listed);
    std::set<std::string> names(listed->begin(), listed->end());
    EXPECT_TRUE(names.count(container()));
    EXPECT_TRUE(names.count(other));
    ASSERT_OK(store().delete_container(other));
    EXPECT_CODE(store().put_blob(other, "x", "x"), Code::kNotFound);
}

}  // namespace
}  // namespace azblobfs::conformance
