// The sidecar index on a real mount (DESIGN §6): sidecars written, rewritten, renamed and
// deleted through the mount answer `azblobfs query` at once; out-of-band puts and deletes in
// Azurite are seen after the TTL; `index rebuild` is resumable and agrees with a fresh one;
// the .views tree on the sample data answers ls -l, readlink and cat, also with Azurite
// stopped; hostile view names get ENOENT or EINVAL.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "e2e/e2e_env.h"
#include "e2e/shell.h"
#include "e2e_write/write_fixture.h"
#include "support/azurite_server.h"

namespace azblobfs::e2e {
namespace {

using std::chrono::seconds;

CommandResult azb(std::vector<std::string> args) {
    args.insert(args.begin(), azblobfs_bin());
    return run_command(args);
}

CommandResult query_mount(const Mount& m, const std::string& expr, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"query", "--mount", m.path().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(expr);
    return azb(args);
}

// Polls `query` until it prints `want` (bounded): for what the background reader applies.
bool eventually_prints(const Mount& m, const std::string& expr, const std::string& want, seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (query_mount(m, expr).out == want) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
}

class IndexTest : public WriteTest {
protected:
    MountOptions indexed(const std::string& container, const std::filesystem::path& cache,
                         std::vector<std::string> extra = {}) const {
        std::vector<std::string> flags = {"--sidecar", container + "/metadata/*.json",
                                          "--view-template", container + "/{yyyy}/{mm}/{dd}/{lead}.md=twin.md",
                                          "--view-template", container + "/metadata/{lead}.json=metadata.json"};
        flags.insert(flags.end(), extra.begin(), extra.end());
        return writable(container, cache, flags);
    }
};

TEST_F(IndexTest, SidecarsChangedThroughTheMountAnswerAtOnce) {
    const std::string container = container_for("index-mount");
    E2E_ASSERT_OK(client().create_container(container));
    auto mount = Mount::start(indexed(container, new_cache_dir(), {"--upload-delay", "30"}));
    E2E_ASSERT_OK(mount);
    const auto root = (*mount)->path();
    std::filesystem::create_directories(root / "metadata");
    ASSERT_EQ(write_file(root / "metadata/a.json", R"({"classification": "hot", "income": 150000})",
                         O_WRONLY | O_CREAT | O_TRUNC, false), 0);
    ASSERT_EQ(write_file(root / "metadata/b.json", R"({"classification": "hot", "income": 90000})",
                         O_WRONLY | O_CREAT | O_TRUNC, false), 0);
    // Answered from the close, long before the upload (30 s delay).
    auto r = query_mount(**mount, "classification = hot and income >= 100000");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out, "metadata/a.json\n");
    ASSERT_EQ(write_file(root / "metadata/a.json", R"({"classification": "hot", "income": 50000})",
                         O_WRONLY | O_CREAT | O_TRUNC, false), 0);
    EXPECT_EQ(query_mount(**mount, "income >= 100000").out, "");
    std::filesystem::rename(root / "metadata/b.json", root / "metadata/c.json");
    EXPECT_EQ(query_mount(**mount, "classification = hot").out, "metadata/a.json\nmetadata/c.json\n");
    std::filesystem::remove(root / "metadata/a.json");
    EXPECT_EQ(query_mount(**mount, "classification = hot").out, "metadata/c.json\n");
    EXPECT_EQ(query_mount(**mount, "classification = hot", {"--count"}).out, "1\n");
    auto json = query_mount(**mount, "income < 100000", {"--format", "json", "--fields", "income"});
    EXPECT_EQ(json.out, "{\"fields\":{\"income\":90000},\"path\":\"metadata/c.json\"}\n");
    // After the commit (new ETag) the committed version is read back: still the same answer.
    E2E_ASSERT_OK((*mount)->unmount());
    auto offline = azb({"query", "--cache-dir", (*mount)->cache_dir().string(), "classification = hot"});
    EXPECT_EQ(offline.out, "metadata/c.json\n") << offline.describe();
}

TEST_F(IndexTest, OutOfBandPutsAndDeletesAreSeenAfterTheTtl) {
    const std::string container = container_for("index-oob");
    E2E_ASSERT_OK(client().create_container(container));
    auto mount = Mount::start(indexed(container, new_cache_dir(), {"--attr-ttl", "1", "--dir-ttl", "1"}));
    E2E_ASSERT_OK(mount);
    const auto root = (*mount)->path();
    PutOptions json;
    json.content_type = "application/json";
    E2E_ASSERT_OK(client().put_blob(container, "metadata/x.json", R"({"tier_name": "gold", "n": 1})", json));
    std::this_thread::sleep_for(seconds(2));
    auto ls = run_command({"ls", (root / "metadata").string()});  // the listing sees the new ETag
    EXPECT_EQ(ls.out, "x.json\n") << ls.describe();
    EXPECT_TRUE(eventually_prints(**mount, "tier_name = gold", "metadata/x.json\n", seconds(20)));
    E2E_ASSERT_OK(client().put_blob(container, "metadata/x.json", R"({"tier_name": "silver", "n": 2})", json));
    std::this_thread::sleep_for(seconds(2));
    run_command({"ls", (root / "metadata").string()});
    EXPECT_TRUE(eventually_prints(**mount, "tier_name = silver and n = 2", "metadata/x.json\n", seconds(20)));
    EXPECT_EQ(query_mount(**mount, "tier_name = gold").out, "");
    E2E_ASSERT_OK(client().delete_blob(container, "metadata/x.json"));
    std::this_thread::sleep_for(seconds(2));
    run_command({"ls", (root / "metadata").string()});
    EXPECT_EQ(query_mount(**mount, "n exists").out, "");
}

TEST_F(IndexTest, SigkillDuringSidecarWritesThenRemountAgreesWithAFreshRebuild) {
    const std::string container = container_for("index-kill");
    E2E_ASSERT_OK(client().create_container(container));
    const auto cache = new_cache_dir();
    {
        auto mount = Mount::start(indexed(container, cache));
        E2E_ASSERT_OK(mount);
        const auto dir = (*mount)->path() / "metadata";
        std::filesystem::create_directories(dir);
        const std::string script = "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); printf '{\"n\": %d, \"tag\": \"t%d\"}' "
                                   "$i $((i % 3)) > " + dir.string() + "/s$i.json || exit 0; done";
        pid_t writer = spawn_to_file({"sh", "-c", script}, new_cache_dir());
        ASSERT_GT(writer, 0);
        // Kill the mount once the writer is well under way (>= 50 files), long before it ends.
        auto deadline = std::chrono::steady_clock::now() + seconds(60);
        while (std::chrono::steady_clock::now() < deadline) {
            std::error_code ec;
            auto it = std::filesystem::directory_iterator(dir, ec);
            size_t n = ec ? 0 : static_cast<size_t>(std::distance(it, std::filesystem::directory_iterator()));
            if (n >= 50) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        E2E_ASSERT_OK(signal_mount(**mount, SIGKILL));
        wait_child(writer, seconds(30));
    }
    {
        auto mount = Mount::start(indexed(container, cache));  // replays the journal
        E2E_ASSERT_OK(mount);
        E2E_ASSERT_OK((*mount)->unmount());  // drains every upload
    }
    // A fresh cache with the same rules (a mount writes them, and the container it serves),
    // filled by a rebuild.
    const auto fresh = new_cache_dir();
    {
        auto mount = Mount::start(indexed(container, fresh));
        E2E_ASSERT_OK(mount);
        E2E_ASSERT_OK((*mount)->unmount());
    }
    auto rebuild = azb({"--blob-endpoint", shared_azurite().blob_endpoint(), "index", "rebuild", "--cache-dir",
                        fresh.string()});
    ASSERT_EQ(rebuild.exit_code, 0) << rebuild.describe();
    for (const char* expr : {"n exists", "tag = t1", "n >= 100 and not tag = t0", "sys.size > 0"}) {
        auto a = azb({"query", "--cache-dir", cache.string(), expr});
        auto b = azb({"query", "--cache-dir", fresh.string(), expr});
        EXPECT_EQ(a.exit_code, 0) << a.describe();
        EXPECT_EQ(a.out, b.out) << expr;
    }
    auto kept = azb({"query", "--cache-dir", cache.string(), "n exists"});
    auto blobs = blob_names(container, "metadata/");
    std::printf("sidecars committed after the SIGKILL and the replay: %zu\n", blobs.size());
    ASSERT_GT(blobs.size(), 0u);
    ASSERT_LT(blobs.size(), 3000u) << "the writer finished before the kill: nothing was cut off";
    size_t json_objects = 0;
    std::string want;
    for (const auto& name : blobs) {
        auto got = client().read(container, name, 0, 0);
        E2E_ASSERT_OK(got);
        if (got->data.rfind("{\"n\": ", 0) == 0 && got->data.back() == '}') {
            ++json_objects;
            want += name + "\n";
        }
    }
    EXPECT_EQ(kept.out, want) << "the index after the crash and replay holds exactly the sidecars in Azure";
    auto sized = azb({"query", "--cache-dir", cache.string(), "sys.size > 0"});
    auto fresh_sized = azb({"query", "--cache-dir", fresh.string(), "sys.size > 0"});
    EXPECT_EQ(sized.out, fresh_sized.out);
    EXPECT_GT(json_objects, 0u);
}

// A blob deleted in Azure while nothing was mounted leaves the index at the next rebuild; a
// file the mount still has to upload stays.
TEST_F(IndexTest, ARebuildDropsFilesDeletedInAzureAndKeepsLocalOnes) {
    const std::string container = container_for("index-gone");
    E2E_ASSERT_OK(client().create_container(container));
    PutOptions json;
    json.content_type = "application/json";
    for (const char* name : {"metadata/a.json", "metadata/b.json", "metadata/c.json"}) {
        E2E_ASSERT_OK(client().put_blob(container, name, R"({"n": 1})", json));
    }
    const auto cache = new_cache_dir();
    {
        auto mount = Mount::start(indexed(container, cache, {"--upload-delay", "3600"}));
        E2E_ASSERT_OK(mount);
        ASSERT_EQ(write_file((*mount)->path() / "metadata/local.json", R"({"n": 1})",
                             O_WRONLY | O_CREAT | O_TRUNC, false), 0);
        E2E_ASSERT_OK(signal_mount(**mount, SIGKILL));  // local.json stays in the journal only
    }
    const std::string endpoint = shared_azurite().blob_endpoint();
    auto first = azb({"--blob-endpoint", endpoint, "index", "rebuild", "--cache-dir", cache.string()});
    ASSERT_EQ(first.exit_code, 0) << first.describe();
    EXPECT_EQ(azb({"query", "--cache-dir", cache.string(), "n = 1"}).out,
              "metadata/a.json\nmetadata/b.json\nmetadata/c.json\nmetadata/local.json\n");
    E2E_ASSERT_OK(client().delete_blob(container, "metadata/b.json"));
    auto second = azb({"--blob-endpoint", endpoint, "index", "rebuild", "--cache-dir", cache.string()});
    ASSERT_EQ(second.exit_code, 0) << second.describe();
    EXPECT_NE(second.out.find("1 file(s) no longer in Azure were dropped"), std::string::npos) << second.out;
    EXPECT_EQ(azb({"query", "--cache-dir", cache.string(), "n = 1"}).out,
              "metadata/a.json\nmetadata/c.json\nmetadata/local.json\n");
    auto mount = Mount::start(indexed(container, cache));  // replays local.json's upload
    E2E_ASSERT_OK(mount);
    E2E_ASSERT_OK((*mount)->unmount());
    EXPECT_EQ(blob_names(container, "metadata/"),
              (std::set<std::string>{"metadata/a.json", "metadata/c.json", "metadata/local.json"}));
}

TEST_F(IndexTest, AMalformedQueryExitsTwoAndPointsAtTheColumn) {
    const std::string container = container_for("index-bad");
    E2E_ASSERT_OK(client().create_container(container));
    auto mount = Mount::start(indexed(container, new_cache_dir()));
    E2E_ASSERT_OK(mount);
    auto r = query_mount(**mount, "income >= ");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("column 11"), std::string::npos) << r.err;
    auto none = azb({"query", "--mount", "/nonexistent-mount", "a = 1"});
    EXPECT_EQ(none.exit_code, 1);
    EXPECT_NE(none.err.find("no running azblobfs mount"), std::string::npos) << none.err;
}

// The sample data through an account mount: rebuild, query, views; SIGKILL during a rebuild.
class SampleIndexTest : public WriteTest {};

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

TEST_F(SampleIndexTest, RebuildQueryAndViewsOnTheSampleDataAlsoWithAzuriteStopped) {
    testing::AzuriteServer azurite(/*in_memory=*/true);  // this test stops it
    auto sample = azb({"--blob-endpoint", azurite.blob_endpoint(), "sample-data", "--twins", "30"});
    ASSERT_EQ(sample.exit_code, 0) << sample.describe();
    MountOptions options;
    options.blob_endpoint = azurite.blob_endpoint();
    options.cache_dir = new_cache_dir();
    auto mount = Mount::start(options);
    E2E_ASSERT_OK(mount);
    const auto root = (*mount)->path();
    auto rebuild = azb({"--blob-endpoint", azurite.blob_endpoint(), "index", "rebuild", "--mount", root.string()});
    ASSERT_EQ(rebuild.exit_code, 0) << rebuild.describe();
    EXPECT_NE(rebuild.out.find("read 30 sidecars"), std::string::npos) << rebuild.out;
    auto all = query_mount(**mount, "lead_id exists");
    ASSERT_EQ(all.exit_code, 0) << all.describe();
    const std::string sidecar = first_line(all.out);  // digital-twins/metadata/<lead>.json
    ASSERT_EQ(sidecar.rfind("digital-twins/metadata/", 0), 0u) << all.out;
    const std::string lead = sidecar.substr(23, sidecar.size() - 23 - 5);
    auto hot = query_mount(**mount, "classification = hot and income >= 100000");
    EXPECT_EQ(hot.exit_code, 0);
    auto hot_count = query_mount(**mount, "classification = hot and income >= 100000", {"--count"});
    size_t hot_lines = static_cast<size_t>(std::count(hot.out.begin(), hot.out.end(), '\n'));
    EXPECT_EQ(hot_count.out, std::to_string(hot_lines) + "\n");
    auto cold_or_warm = query_mount(**mount, "not classification = hot and lead_id exists", {"--count"});
    EXPECT_EQ(std::atoi(cold_or_warm.out.c_str()) + std::atoi(query_mount(**mount, "classification = hot", {"--count"}).out.c_str()), 30);

    // .views: not listed at the root, reachable by name.
    EXPECT_EQ(run_command({"ls", "-a", root.string()}).out.find(".views"), std::string::npos);
    const auto view = root / ".views/by-lead" / lead;
    auto listing = run_command({"ls", "-l", view.string()});
    EXPECT_EQ(listing.exit_code, 0) << listing.describe();
    EXPECT_NE(listing.out.find("twin.md -> ../../../digital-twins/2025/"), std::string::npos) << listing.out;
    EXPECT_NE(listing.out.find("metadata.json -> ../../../" + sidecar), std::string::npos) << listing.out;
    auto images = run_command({"ls", (view / "images").string()});
    EXPECT_EQ(images.out, "full.png\nmedium.png\nthumbnail.png\n") << images.describe();
    auto link = run_command({"readlink", (view / "metadata.json").string()});
    EXPECT_EQ(link.out, "../../../" + sidecar + "\n");
    auto twin = run_command({"cat", (view / "twin.md").string()});
    EXPECT_NE(twin.out.find("# Digital twin " + lead), std::string::npos) << twin.describe();
    auto field = run_command({"ls", (root / ".views/by-field/lead_id" / lead).string()});
    EXPECT_EQ(field.out, lead + ".json\n") << field.describe();
    auto q = run_command({"ls", (root / (".views/query/lead_id=" + lead)).string()});
    EXPECT_EQ(q.out, lead + ".json\n") << q.describe();

    // Hostile names: ENOENT or EINVAL, never a path outside the view.
    auto malformed = run_command({"ls", (root / ".views/query/income>=").string()});
    EXPECT_NE(malformed.exit_code, 0);
    EXPECT_NE(malformed.err.find("Invalid argument"), std::string::npos) << malformed.err;
    const std::vector<std::string> missing = {".views/by-lead/no-such-lead", ".views/by-lead/..%2f",
                                              ".views/nothing", ".views/by-field/1bad/x",
                                              ".views/by-lead/" + lead + "/nothing"};
    for (const std::string& bad : missing) {
        struct stat st {};
        errno = 0;
        EXPECT_NE(::lstat((root / bad).c_str(), &st), 0) << bad;
        EXPECT_EQ(errno, ENOENT) << bad;
    }
    struct stat st {};
    EXPECT_NE(::lstat((root / (".views/by-lead/" + std::string(300, 'a'))).c_str(), &st), 0);
    EXPECT_EQ(errno, ENAMETOOLONG);
    EXPECT_NE(::mkdir((root / ".views/by-lead/x").c_str(), 0755), 0);
    EXPECT_EQ(errno, EROFS);
    EXPECT_NE(::unlink((view / "twin.md").c_str()), 0);
    EXPECT_EQ(errno, EROFS);
    EXPECT_NE(::rmdir((root / ".views/query/lead_id=none").c_str()), 0);
    EXPECT_EQ(errno, EROFS);
    EXPECT_TRUE(std::filesystem::exists(root / ("digital-twins/metadata/" + lead + ".json")));

    // With Azurite stopped, the index still answers lookups, listings and queries.
    azurite.stop();
    auto offline = run_command({"ls", (root / ".views/by-lead" / lead).string()});
    EXPECT_EQ(offline.out, "images\nmetadata.json\ntwin.md\n") << offline.describe();
    EXPECT_EQ(query_mount(**mount, "lead_id = '" + lead + "'").out, sidecar + "\n");
}

TEST_F(SampleIndexTest, ARebuildKilledHalfwayResumesAndAgreesWithAFreshOne) {
    testing::AzuriteServer azurite(/*in_memory=*/true);
    auto sample = azb({"--blob-endpoint", azurite.blob_endpoint(), "sample-data", "--twins", "300"});
    ASSERT_EQ(sample.exit_code, 0) << sample.describe();
    const auto cache = new_cache_dir();
    const auto fresh = new_cache_dir();
    const std::string endpoint = azurite.blob_endpoint();
    const auto out = new_cache_dir();  // a fresh path, used as the log file
    pid_t pid = spawn_to_file({azblobfs_bin(), "--blob-endpoint", endpoint, "index", "rebuild",
                               "--cache-dir", cache.string(), "--threads", "2"}, out);
    ASSERT_GT(pid, 0);
    // Kill it once it has read some sidecars (the count is read beside the running rebuild).
    auto deadline = std::chrono::steady_clock::now() + seconds(60);
    while (std::chrono::steady_clock::now() < deadline && process_alive(pid)) {
        auto partial = azb({"query", "--count", "--cache-dir", cache.string(), "lead_id exists"});
        if (std::atoi(partial.out.c_str()) > 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid, SIGKILL);
    wait_child(pid, seconds(10));
    auto partial = azb({"query", "--count", "--cache-dir", cache.string(), "lead_id exists"});
    std::printf("sidecars indexed when the rebuild was killed: %s", partial.out.c_str());
    ASSERT_LT(std::atoi(partial.out.c_str()), 300) << "the rebuild ended before the kill: nothing to resume";
    auto resumed = azb({"--blob-endpoint", endpoint, "index", "rebuild", "--cache-dir", cache.string()});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.describe();
    auto full = azb({"--blob-endpoint", endpoint, "index", "rebuild", "--cache-dir", fresh.string()});
    ASSERT_EQ(full.exit_code, 0) << full.describe();
    EXPECT_NE(full.out.find("read 300 sidecars"), std::string::npos) << full.out;
    for (const char* expr : {"lead_id exists", "classification = hot and income >= 100000",
                                   "age < 30 or classification in (warm, cold)", "sys.size > 0"}) {
        auto a = azb({"query", "--cache-dir", cache.string(), expr});
        auto b = azb({"query", "--cache-dir", fresh.string(), expr});
        EXPECT_EQ(a.out, b.out) << expr;
        EXPECT_FALSE(a.out.empty()) << expr;
    }
}

}  // namespace
}  // namespace azblobfs::e2e
