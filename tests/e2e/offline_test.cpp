// Test 4: offline remount. A first mount lists, stats and reads some blocks; then Azurite is
// stopped and a second mount over the same cache directory must come up from the index and
// answer the same listing, the same stats and the same bytes; a never-read block fails (EIO).
#include <fcntl.h>

#include <map>
#include <memory>

#include "e2e/e2e_fixture.h"
#include "e2e/pattern.h"
#include "e2e/shell.h"
#include "e2e/tree_walk.h"

namespace azblobfs::e2e {
namespace {

constexpr uint64_t kBlock = 262128;          // BlockCache::kBlockSize
constexpr uint64_t kLargeSize = 4ull << 20;  // 16 blocks
constexpr int kLargeFiles = 3;

struct Spot {
    std::string path;
    uint64_t offset;
    size_t length;
};

std::vector<BlobSpec> small_files() {
    std::vector<BlobSpec> blobs;
    for (int i = 0; i < 40; ++i) {
        std::string name = "docs/d" + std::to_string(i % 4) + "/f-" + std::to_string(i) + ".txt";
        blobs.push_back({name, pattern_bytes(500 + static_cast<uint64_t>(i), 0, 100 + static_cast<size_t>(i) * 120), {}});
    }
    BlobSpec marker{"empty-dir", "", {}};
    marker.options.metadata["hdi_isfolder"] = "true";
    blobs.push_back(marker);
    BlobSpec link{"links/first", "../docs/d0/f-0.txt", {}};
    link.options.metadata["is_symlink"] = "true";
    blobs.push_back(link);
    return blobs;
}

std::string large_name(int k) { return "big/large-" + std::to_string(k) + ".bin"; }

// Blocks 0 and 5 of every large file, and two small files whole.
std::vector<Spot> spots() {
    std::vector<Spot> s;
    for (int k = 0; k < kLargeFiles; ++k) {
        s.push_back({large_name(k), 0, 4096});
        s.push_back({large_name(k), 5 * kBlock + 100, 5000});
    }
    s.push_back({"docs/d0/f-0.txt", 0, 1 << 20});
    s.push_back({"docs/d1/f-1.txt", 0, 1 << 20});
    return s;
}

// Reads every spot, opening each file once; one string per spot ("" after a failure, which is
// reported).
std::vector<std::string> read_spots(const std::filesystem::path& root) {
    std::map<std::string, std::unique_ptr<Fd>> open_files;
    std::vector<std::string> out;
    for (const Spot& spot : spots()) {
        auto& fd = open_files[spot.path];
        if (!fd) {
            fd = std::make_unique<Fd>(open((root / spot.path).c_str(), O_RDONLY | O_CLOEXEC));
            EXPECT_TRUE(fd->ok()) << "open " << spot.path << ": " << std::strerror(errno);
        }
        ReadOutcome r = fd->ok() ? pread_exact(fd->get(), spot.offset, spot.length) : ReadOutcome{EBADF, {}};
        EXPECT_EQ(r.error, 0) << spot.path << " at " << spot.offset << ": " << std::strerror(r.error);
        out.push_back(r.data);
    }
    return out;
}

CommandResult ls_long_recursive(const std::filesystem::path& root) {
    return run_command({"ls", "-lR", "--time-style=full-iso", "."}, {root, std::chrono::seconds(60)});
}

class OfflineTest : public E2eTest {};

TEST_F(OfflineTest, RemountWithAzuriteStoppedServesIndexAndCachedBlocks) {
    testing::AzuriteServer azurite(/*in_memory=*/true);  // this test stops it
    auto store = make_client(azurite);
    ASSERT_NE(store, nullptr);
    const std::string container = container_for("offline");
    E2E_ASSERT_OK(upload_all(*store, container, small_files()));
    for (int k = 0; k < kLargeFiles; ++k)
        E2E_ASSERT_OK(put_pattern_blob(*store, container, large_name(k), 700 + static_cast<uint64_t>(k), kLargeSize));
    MountOptions options = options_for(container);
    options.blob_endpoint = azurite.blob_endpoint();

    auto first = Mount::start(options);
    E2E_ASSERT_OK(first);
    CommandResult ls_online = ls_long_recursive((*first)->path());
    ASSERT_EQ(ls_online.exit_code, 0) << ls_online.describe();
    auto tree_online = walk_tree((*first)->path());
    E2E_ASSERT_OK(tree_online);
    ASSERT_EQ(tree_online->size(), 52u);  // 45 blobs (the marker is a dir) + docs, d0-d3, links, big
    std::vector<std::string> bytes_online = read_spots((*first)->path());
    EXPECT_TRUE(bytes_online[0] == pattern_bytes(700, 0, 4096));
    EXPECT_TRUE(bytes_online[1] == pattern_bytes(700, 5 * kBlock + 100, 5000));
    E2E_ASSERT_OK((*first)->unmount());

    azurite.stop();
    options.ready_timeout = std::chrono::seconds(180);
    auto second = Mount::start(options);
    E2E_ASSERT_OK(second);
    CommandResult ls_offline = ls_long_recursive((*second)->path());
    EXPECT_EQ(ls_offline.exit_code, 0) << ls_offline.describe();
    EXPECT_EQ(ls_offline.out, ls_online.out);
    auto tree_offline = walk_tree((*second)->path());
    E2E_ASSERT_OK(tree_offline);
    EXPECT_EQ(key_set_difference(*tree_online, *tree_offline), "");
    for (const auto& [path, info] : *tree_online)
        EXPECT_TRUE(tree_offline->count(path) && tree_offline->at(path) == info) << path << " stats differently offline";
    std::vector<std::string> bytes_offline = read_spots((*second)->path());
    for (size_t i = 0; i < spots().size(); ++i)
        EXPECT_TRUE(bytes_offline[i] == bytes_online[i])
            << spots()[i].path << " at " << spots()[i].offset << ": " << bytes_offline[i].size()
            << " bytes offline, " << bytes_online[i].size() << " online, contents differ";

    Fd partly_read(open(((*second)->path() / large_name(0)).c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(partly_read.ok()) << std::strerror(errno);
    EXPECT_EQ(pread_exact(partly_read.get(), kLargeSize - 1000, 1000).error, EIO) << "a never-read block";
    partly_read.reset();
    Fd never_opened(open(((*second)->path() / "docs/d2/f-2.txt").c_str(), O_RDONLY | O_CLOEXEC));
    int error = never_opened.ok() ? pread_exact(never_opened.get(), 0, 4096).error : errno;
    EXPECT_EQ(error, EIO) << "a file never read online: " << std::strerror(error);
    never_opened.reset();

    E2E_ASSERT_OK((*second)->unmount());
    auto status = read_status_json(options.cache_dir);
    E2E_ASSERT_OK(status);
    EXPECT_GT(status->value("offline_answers", 0), 0) << status->dump();
}

}  // namespace
}  // namespace azblobfs::e2e
