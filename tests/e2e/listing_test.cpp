// Test 1: listing and stat of a tree of more than 10,000 blobs match the blobs in Azurite:
// names, sizes, mtimes (metadata "mtime" to the nanosecond, else Last-Modified to the second)
// and types (directory markers, symlinks with their targets).
#include <ctime>
#include <cstdio>
#include <optional>

#include "e2e/e2e_fixture.h"
#include "e2e/pattern.h"
#include "e2e/shell.h"
#include "e2e/tree_walk.h"

namespace azblobfs::e2e {
namespace {

constexpr int kDatedFiles = 7000;   // 2025/MM/DD/<id>.md over 12 * 28 directories
constexpr int kBulkFiles = 5500;    // one directory larger than a List Blobs page (5,000)
constexpr int64_t kNs = 1000000000;

std::string rfc3339_ns(int64_t ns) {
    time_t secs = static_cast<time_t>(ns / kNs);
    struct tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(ns % kNs));
    return buf;
}

// "YYYY-MM-DDTHH:MM:SS[.fraction]Z" to nanoseconds since the epoch.
std::optional<int64_t> parse_rfc3339(const std::string& text) {
    struct tm tm{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t frac = 0;
    size_t i = static_cast<size_t>(consumed);
    if (i < text.size() && text[i] == '.') {
        int digits = 0;
        for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits)
            if (digits < 9) frac = frac * 10 + (text[i] - '0');
        for (; digits < 9; ++digits) frac *= 10;
    }
    if (i + 1 != text.size() || text[i] != 'Z') return std::nullopt;
    return static_cast<int64_t>(timegm(&tm)) * kNs + frac;
}

std::string hex_id(uint64_t seed) {
    std::string b = pattern_bytes(seed, 0, 8);
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(*reinterpret_cast<const uint64_t*>(b.data())));
    return buf;
}

BlobSpec marker(const std::string& name) {
    BlobSpec b{name, "", {}};
    b.options.metadata["hdi_isfolder"] = "true";
    return b;
}

BlobSpec symlink_blob(const std::string& name, const std::string& target) {
    BlobSpec b{name, target, {}};
    b.options.metadata["is_symlink"] = "true";
    return b;
}

std::string dated_name(int i) {
    char dir[32];
    std::snprintf(dir, sizeof dir, "2025/%02d/%02d/", i % 12 + 1, (i / 12) % 28 + 1);
    return dir + hex_id(static_cast<uint64_t>(i)) + ".md";
}

std::vector<BlobSpec> dated_files() {
    std::vector<BlobSpec> blobs;
    for (int i = 0; i < kDatedFiles; ++i) {
        size_t size = i % 7 == 0 ? 0 : static_cast<size_t>((i * 37) % 3000 + 1);
        if (i % 500 == 1) size = 70000 + static_cast<size_t>(i);  // a few multi-page files
        BlobSpec b{dated_name(i), pattern_bytes(static_cast<uint64_t>(i), 0, size), {}};
        b.options.content_type = "text/markdown";
        if (i % 3 == 0) b.options.metadata["mtime"] = rfc3339_ns(1600000000LL * kNs + i * 1000003007LL);
        blobs.push_back(std::move(b));
    }
    return blobs;
}

std::vector<BlobSpec> tree_blobs() {
    std::vector<BlobSpec> blobs = dated_files();
    for (int i = 0; i < kBulkFiles; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "bulk/f-%05d.txt", i);
        blobs.push_back({name, pattern_bytes(100000 + static_cast<uint64_t>(i), 0, static_cast<size_t>(i % 200)), {}});
    }
    for (int i = 0; i < 15; ++i) blobs.push_back(marker("2025/empty-" + std::to_string(i)));
    blobs.push_back(marker("2025/01/01/empty-leaf"));
    blobs.push_back(marker("deep/a/b/c/empty"));      // parents exist only through this marker
    blobs.push_back(marker("2025/02"));               // marker of a directory that has children
    for (int i = 0; i < 25; ++i)
        blobs.push_back(symlink_blob("links/l-" + std::to_string(i), "../" + dated_name(i * 11)));
    blobs.push_back(symlink_blob("links/absolute", "/etc/hostname"));
    blobs.push_back(symlink_blob("links/to-dir", "../2025/03"));
    blobs.push_back(symlink_blob("2025/04/01/sibling-link", hex_id(3) + ".md"));
    return blobs;
}

// What the mount must show, derived from the blobs Azurite holds (not from what was uploaded).
struct Expected {
    NodeKind kind = NodeKind::kDirectory;
    uint64_t size = 0;
    std::optional<int64_t> mtime_ns;   // metadata mtime: exact
    int64_t last_modified_s = 0;       // otherwise: seconds must match
    std::string target;
};

Result<std::map<std::string, Expected>> expected_tree(BlobStore& store, const std::string& container) {
    ListOptions opts;
    opts.include_metadata = true;
    AZB_ASSIGN_OR_RETURN(ListAll all, store.list_all(container, opts));
    std::map<std::string, Expected> tree;
    for (const BlobProperties& b : all.blobs) {
        for (size_t slash = b.name.find('/'); slash != std::string::npos; slash = b.name.find('/', slash + 1))
            tree[b.name.substr(0, slash)] = Expected{};
        auto meta = [&](const char* key) { auto it = b.metadata.find(key); return it == b.metadata.end() ? "" : it->second; };
        if (meta("hdi_isfolder") == "true") {
            tree[b.name] = Expected{};
            continue;
        }
        Expected e{NodeKind::kFile, b.size, std::nullopt, b.last_modified, {}};
        if (meta("is_symlink") == "true") {
            AZB_ASSIGN_OR_RETURN(e.target, read_blob(store, container, b.name));
            e.kind = NodeKind::kSymlink;
        }
        if (!meta("mtime").empty()) {
            e.mtime_ns = parse_rfc3339(meta("mtime"));
            if (!e.mtime_ns) return Status(Code::kInternal, "unparsable mtime " + meta("mtime") + " on " + b.name);
        }
        tree[b.name] = e;
    }
    return tree;
}

// Describes how `actual` departs from `expected`, or returns "" when it matches.
std::string mismatch(const Expected& expected, const NodeInfo& actual) {
    if (actual.kind != expected.kind)
        return std::string("type ") + kind_name(actual.kind) + ", expected " + kind_name(expected.kind);
    if (expected.kind == NodeKind::kSymlink)
        return actual.link_target == expected.target ? "" : "readlink '" + actual.link_target + "', expected '" + expected.target + "'";
    if (expected.kind != NodeKind::kFile) return "";
    if (actual.size != expected.size)
        return "size " + std::to_string(actual.size) + ", expected " + std::to_string(expected.size);
    if (expected.mtime_ns && actual.mtime_ns != *expected.mtime_ns)
        return "mtime " + std::to_string(actual.mtime_ns) + " ns, expected " + std::to_string(*expected.mtime_ns);
    if (!expected.mtime_ns && actual.mtime_ns / kNs != expected.last_modified_s)
        return "mtime " + std::to_string(actual.mtime_ns / kNs) + " s, expected Last-Modified " +
               std::to_string(expected.last_modified_s);
    return "";
}

class ListingTest : public E2eTest {};

TEST_F(ListingTest, TreeOfTwelveThousandBlobsMatchesAzurite) {
    const std::string container = container_for("listing");
    std::vector<BlobSpec> blobs = tree_blobs();
    ASSERT_GE(blobs.size(), 10000u);
    E2E_ASSERT_OK(upload_all(client(), container, blobs, 8));
    auto expected = expected_tree(client(), container);
    E2E_ASSERT_OK(expected);
    ASSERT_GT(expected->size(), blobs.size());  // files plus the virtual directories
    ASSERT_EQ(parse_rfc3339("2020-09-13T12:26:40.000000007Z"), 1600000000LL * kNs + 7);

    auto mount = Mount::start(options_for(container));
    E2E_ASSERT_OK(mount);
    auto actual = walk_tree((*mount)->path());
    E2E_ASSERT_OK(actual);
    EXPECT_EQ(key_set_difference(*expected, *actual), "");

    int failures = 0;
    for (const auto& [path, want] : *expected) {
        auto it = actual->find(path);
        if (it == actual->end()) continue;
        std::string why = mismatch(want, it->second);
        if (!why.empty() && ++failures <= 20) ADD_FAILURE() << path << ": " << why;
    }
    EXPECT_EQ(failures, 0) << "entries whose type, size, mtime or target differ";

    // The real stat(1) agrees for a few files with a nanosecond metadata mtime.
    for (int i : {3, 6, 9}) {
        const std::string name = dated_name(i);
        const Expected& want = expected->at(name);
        ASSERT_TRUE(want.mtime_ns.has_value()) << name;
        CommandResult stat = run_command({"stat", "-c", "%s %.9Y %F", ((*mount)->path() / name).string()});
        char line[96];
        std::snprintf(line, sizeof line, "%llu %lld.%09lld regular file\n", static_cast<unsigned long long>(want.size),
                      static_cast<long long>(*want.mtime_ns / kNs), static_cast<long long>(*want.mtime_ns % kNs));
        EXPECT_EQ(stat.out, line) << stat.describe();
    }

    CommandResult find = run_command({"find", ".", "-mindepth", "1"}, {(*mount)->path(), std::chrono::seconds(120)});
    ASSERT_EQ(find.exit_code, 0) << find.describe();
    EXPECT_EQ(static_cast<size_t>(std::count(find.out.begin(), find.out.end(), '\n')), expected->size());
    E2E_ASSERT_OK((*mount)->unmount());
}

}  // namespace
}  // namespace azblobfs::e2e
