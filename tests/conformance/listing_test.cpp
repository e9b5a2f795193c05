// Listing: paging past 5,000 blobs, page sizes, delimiter folding.
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "conformance_fixture.h"

namespace azblobfs::conformance {
namespace {

constexpr int kManyBlobs = 5100;

std::string many_name(int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "many/blob-%05d", i);
    return buf;
}

std::vector<std::string> names_of(const std::vector<BlobProperties>& blobs) {
    std::vector<std::string> out;
    for (const auto& b : blobs) out.push_back(b.name);
    return out;
}

TEST_P(ConformanceTest, ListsPastFiveThousandBlobsInPages) {
    std::atomic<int> next{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = next++; i < kManyBlobs; i = next++) {
                if (!store().put_blob(container(), many_name(i), std::to_string(i)).is_ok()) ++failures;
            }
        });
    }
    for (auto& t : threads) t.join();
    ASSERT_EQ(failures.load(), 0);
    std::vector<std::string> expected;
    for (int i = 0; i < kManyBlobs; ++i) expected.push_back(many_name(i));

    // Default page size: exactly two pages, 5,000 then the rest.
    ListOptions options;
    auto first = store().list_blobs(container(), options);
    ASSERT_OK(first);
    EXPECT_EQ(first->blobs.size(), 5000u);
    ASSERT_FALSE(first->next_marker.empty());
    options.marker = first->next_marker;
    auto second = store().list_blobs(container(), options);
    ASSERT_OK(second);
    EXPECT_EQ(second->blobs.size(), static_cast<size_t>(kManyBlobs - 5000));
    EXPECT_TRUE(second->next_marker.empty());
    std::vector<std::string> seen = names_of(first->blobs);
    for (const auto& n : names_of(second->blobs)) seen.push_back(n);
    EXPECT_EQ(seen, expected);

    // Pages of 1,000: six pages, every name once and in order.
    ListOptions small;
    small.max_results = 1000;
    small.prefix = "many/";
    int pages = 0;
    seen.clear();
    do {
        auto page = store().list_blobs(container(), small);
        ASSERT_OK(page);
        ASSERT_LE(page->blobs.size(), 1000u);
        for (const auto& n : names_of(page->blobs)) seen.push_back(n);
        small.marker = page->next_marker;
        ++pages;
    } while (!small.marker.empty() && pages < 100);
    EXPECT_EQ(pages, 6);
    EXPECT_EQ(seen, expected);

    auto all = store().list_all(container(), ListOptions{});
    ASSERT_OK(all);
    EXPECT_EQ(names_of(all->blobs), expected);
    EXPECT_EQ(all->blobs[7].size, std::to_string(7).size());
}

TEST_P(ConformanceTest, DelimiterFoldsNestedPrefixes) {
    for (const char* name : {"a/b/c.txt", "a/b/d.txt", "a/b/e/f.txt", "a/g.txt", "a/h/i.txt", "j.txt",
                             "k/l.txt", "ka.txt"}) {
        put(name, name);
    }
    ListOptions root;
    root.delimiter = "/";
    auto top = store().list_all(container(), root);
    ASSERT_OK(top);
    EXPECT_EQ(names_of(top->blobs), (std::vector<std::string>{"j.txt", "ka.txt"}));
    EXPECT_EQ(top->prefixes, (std::vector<std::string>{"a/", "k/"}));

    ListOptions in_a = root;
    in_a.prefix = "a/";
    auto a = store().list_all(container(), in_a);
    ASSERT_OK(a);
    EXPECT_EQ(names_of(a->blobs), (std::vector<std::string>{"a/g.txt"}));
    EXPECT_EQ(a->prefixes, (std::vector<std::string>{"a/b/", "a/h/"}));

    ListOptions in_ab = root;
    in_ab.prefix = "a/b/";
    auto ab = store().list_all(container(), in_ab);
    ASSERT_OK(ab);
    EXPECT_EQ(names_of(ab->blobs), (std::vector<std::string>{"a/b/c.txt", "a/b/d.txt"}));
    EXPECT_EQ(ab->prefixes, (std::vector<std::string>{"a/b/e/"}));

    // A prefix that is not a directory boundary matches names, not components.
    ListOptions k = root;
    k.prefix = "k";
    auto kk = store().list_all(container(), k);
    ASSERT_OK(kk);
    EXPECT_EQ(names_of(kk->blobs), (std::vector<std::string>{"ka.txt"}));
    EXPECT_EQ(kk->prefixes, (std::vector<std::string>{"k/"}));
}

TEST_P(ConformanceTest, DelimiterListingPagesOneEntryAtATime) {
    for (const char* name : {"a/1", "a/2", "b", "c/1", "c/2/3", "d"}) put(name, "x");
    ListOptions options;
    options.delimiter = "/";
    options.max_results = 1;
    std::vector<std::string> entries;
    int pages = 0;
    do {
        auto page = store().list_blobs(container(), options);
        ASSERT_OK(page);
        EXPECT_LE(page->blobs.size() + page->prefixes.size(), 1u);
        for (const auto& b : page->blobs) entries.push_back(b.name);
        for (const auto& p : page->prefixes) entries.push_back(p);
        options.marker = page->next_marker;
        ++pages;
    } while (!options.marker.empty() && pages < 20);
    EXPECT_EQ(entries, (std::vector<std::string>{"a/", "b", "c/", "d"}));
}

TEST_P(ConformanceTest, ListOfEmptyContainerAndMissingContainer) {
    auto page = store().list_blobs(container(), ListOptions{});
    ASSERT_OK(page);
    EXPECT_TRUE(page->blobs.empty());
    EXPECT_TRUE(page->prefixes.empty());
    EXPECT_TRUE(page->next_marker.empty());
    EXPECT_CODE(store().list_blobs("no-such-container-x1", ListOptions{}), Code::kNotFound);
}

}  // namespace
}  // namespace azblobfs::conformance
