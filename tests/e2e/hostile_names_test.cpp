// Test 6: blob names that cannot be POSIX paths (empty, "." or ".." components, a trailing "/"
// on a non-empty blob, a component over 255 bytes, control characters) are never shown,
// status.json's skipped_names counts them, and their normal siblings are listed and readable.
#include <set>

#include "e2e/e2e_fixture.h"
#include "e2e/tree_walk.h"

namespace azblobfs::e2e {
namespace {

std::vector<std::string> hostile_names() {
    return {
        "h//double-slash",
        "h/../escape",
        "h/./dot-component",
        "h/..",
        "..",
        "h/trailing/",                          // non-empty blob whose name ends in '/'
        "h/" + std::string(300, 'n') + ".txt",  // component over 255 bytes
        "h/" + std::string(256, 'd') + "/child.txt",
        // Azurite cannot list names with control characters that XML 1.0 forbids (e.g. \x01:
        // List Blobs answers 500), so the control characters used are newline and tab.
        "h/new\nline.txt",
        "h/tab\tname.txt",
    };
}

// Normal names next to the hostile ones, including ones that look suspicious but are valid.
std::map<std::string, std::string> normal_files() {
    return {
        {"top.txt", "top"},
        {"h/normal.txt", "normal sibling"},
        {"h/sub/deep.txt", "deep sibling"},
        {"h/dots..in-name.txt", "two dots inside a name"},
        {"h/.hidden", "dot file"},
        {"h/...", "three dots"},
        {"h/spa ce.txt", "space"},
        {"h/\xc3\xbcnic\xc3\xb6" "de.txt", "utf-8"},
        {"h/" + std::string(255, 'm'), "a component of exactly 255 bytes"},
    };
}

class HostileNamesTest : public E2eTest {};

TEST_F(HostileNamesTest, AreSkippedCountedAndSiblingsStillWork) {
    const std::string container = container_for("hostile");
    std::vector<BlobSpec> blobs;
    for (const auto& name : hostile_names()) blobs.push_back({name, "hostile:" + name, {}});
    for (const auto& [name, data] : normal_files()) blobs.push_back({name, data, {}});
    E2E_ASSERT_OK(upload_all(client(), container, blobs));

    // Precondition: Azurite holds every name as written (none normalised away).
    auto listing = client().list_all(container, {});
    E2E_ASSERT_OK(listing);
    std::set<std::string> stored;
    for (const auto& b : listing->blobs) stored.insert(b.name);
    for (const auto& b : blobs) ASSERT_TRUE(stored.count(b.name)) << "Azurite does not hold '" << b.name << "'";

    auto mount = Mount::start(options_for(container));
    E2E_ASSERT_OK(mount);
    auto tree = walk_tree((*mount)->path());
    E2E_ASSERT_OK(tree);

    std::map<std::string, int> expected = {{"h", 0}, {"h/sub", 0}};
    for (const auto& [name, data] : normal_files()) expected[name] = 1;
    Tree shown = *tree;
    // "h/trailing/" makes "h/trailing" a (virtual) directory prefix; showing it as an empty
    // directory is allowed, showing the blob as a file is not.
    if (auto it = shown.find("h/trailing"); it != shown.end()) {
        EXPECT_EQ(it->second.kind, NodeKind::kDirectory) << "the non-empty blob 'h/trailing/' is shown as a file";
        shown.erase(it);
    }
    EXPECT_EQ(key_set_difference(expected, shown), "");
    for (const auto& [name, data] : normal_files()) {
        ReadOutcome r = read_whole_file((*mount)->path() / name);
        EXPECT_EQ(r.error, 0) << name << ": " << std::strerror(r.error);
        EXPECT_EQ(r.data, data) << name;
    }

    E2E_ASSERT_OK((*mount)->unmount());
    auto status = read_status_json(options_for(container).cache_dir);
    E2E_ASSERT_OK(status);
    // One count per hostile blob (each is seen once by the walk: one listing per directory).
    EXPECT_EQ(status->value("skipped_names", 0u), hostile_names().size()) << status->dump();
}

}  // namespace
}  // namespace azblobfs::e2e
