// Test 2: SQLite on the mount, through the sqlite3 CLI, in journal modes delete, truncate,
// persist and wal.
//  - Workload: 10,000 transactions (BEGIN; INSERT; COMMIT;) from one generated SQL file in one
//    sqlite3 invocation; PRAGMA integrity_check is ok and the row count is right on the mount,
//    and again after unmount + remount over a new empty cache directory.
//  - Crash: the same workload, printing the row count every 100 transactions; azblobfs is
//    SIGKILLed mid-workload. After a remount over the same cache, integrity_check is ok and the
//    row count is at least the last count the writer printed; after a clean unmount and a
//    remount over a new cache directory (read from Azurite) the count is the same.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <regex>
#include <thread>

#include "e2e/shell.h"
#include "e2e_write/write_fixture.h"

namespace azblobfs::e2e {
namespace {

constexpr int kTransactions = 10000;
constexpr int kMarkerEvery = 100;
constexpr long kKillAfterRows = 1500;   // SIGKILL once the writer has reported this many

// The workload: journal mode, table, kTransactions single-row transactions, and a
// "committed <n>" line after every kMarkerEvery of them.
std::string workload_sql(const std::string& mode) {
    std::string sql = "PRAGMA journal_mode=" + mode + ";\n"
                      "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n";
    for (int i = 1; i <= kTransactions; ++i) {
        sql += "BEGIN; INSERT INTO t(v) VALUES('row " + std::to_string(i) +
               " abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz'); COMMIT;\n";
        if (i % kMarkerEvery == 0) sql += "SELECT 'committed ' || count(*) FROM t;\n";
    }
    return sql;
}

struct DbCheck {
    bool ran = false;
    std::string integrity;
    long rows = -1;
    std::string mode;
    std::string output;
};

// integrity_check, row count and journal mode of the database at `db`.
DbCheck check_db(const std::filesystem::path& db) {
    CommandResult r = run_command({"sqlite3", "-bail", db.string(),
                                   "PRAGMA integrity_check; SELECT count(*) FROM t; PRAGMA journal_mode;"},
                                  {{}, std::chrono::seconds(300)});
    DbCheck c;
    c.output = r.describe();
    if (r.exit_code != 0) return c;
    c.ran = true;
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < r.out.size()) {
        size_t end = r.out.find('\n', start);
        if (end == std::string::npos) end = r.out.size();
        lines.push_back(r.out.substr(start, end - start));
        start = end + 1;
    }
    if (lines.size() >= 3) {
        c.integrity = lines[0];
        c.rows = std::atol(lines[1].c_str());
        c.mode = lines[2];
    }
    return c;
}

// The last "committed <n>" count in the writer's output, or 0.
long last_marker(const std::string& out) {
    long last = 0;
    std::regex re("committed ([0-9]+)");
    for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator(); ++it)
        last = std::atol((*it)[1].str().c_str());
    return last;
}

class SqliteTest : public WriteTest, public ::testing::WithParamInterface<std::string> {
protected:
    std::filesystem::path write_sql() {
        auto path = work_.path() / "workload.sql";
        EXPECT_TRUE(write_local_file(path, workload_sql(GetParam())));
        return path;
    }
    std::filesystem::path work() const { return work_.path(); }

    void expect_healthy(const std::filesystem::path& db, long min_rows, long max_rows, const char* when) {
        DbCheck c = check_db(db);
        ASSERT_TRUE(c.ran) << when << ": " << c.output;
        EXPECT_EQ(c.integrity, "ok") << when << ": " << c.output;
        EXPECT_GE(c.rows, min_rows) << when;
        EXPECT_LE(c.rows, max_rows) << when;
        EXPECT_EQ(c.mode, GetParam() == "wal" ? "wal" : "delete") << when;  // only wal is persistent
    }

private:
    testing::TempDir work_{"azblobfs-e2ew-sqlite"};
};

TEST_P(SqliteTest, TenThousandTransactionsSurviveRemountOverNewCache) {
    const std::string container = container_for("sqlite-" + GetParam());
    E2E_ASSERT_OK(client().create_container(container));
    const auto sql = write_sql();
    auto mount = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(mount);
    const auto db = (*mount)->path() / "db" / "app.db";
    ASSERT_EQ(mkdir(db.parent_path().c_str(), 0755), 0) << std::strerror(errno);

    CommandResult run = run_command({"sqlite3", "-bail", db.string(), ".read " + sql.string()},
                                    {{}, std::chrono::seconds(840)});
    ASSERT_EQ(run.exit_code, 0) << run.describe();
    EXPECT_EQ(last_marker(run.out), kTransactions) << run.out.substr(0, 300);
    expect_healthy(db, kTransactions, kTransactions, "on the writing mount");

    E2E_ASSERT_OK((*mount)->unmount());
    mount->reset();
    auto fresh = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(fresh);
    expect_healthy((*fresh)->path() / "db" / "app.db", kTransactions, kTransactions,
                   "after a remount over a new cache directory");
    std::error_code ec;
    EXPECT_FALSE(std::filesystem::exists((*fresh)->path() / "db" / "app.db-wal", ec))
        << "sqlite3 removes the WAL when the last connection closes";
}

TEST_P(SqliteTest, SigkillOfAzblobfsMidWorkloadKeepsEveryCommittedTransaction) {
    const std::string container = container_for("sqlite-kill-" + GetParam());
    E2E_ASSERT_OK(client().create_container(container));
    const auto sql = write_sql();
    const auto cache = new_cache_dir();
    auto mount = Mount::start(writable(container, cache));
    E2E_ASSERT_OK(mount);
    const std::string relative_db = "db/app.db";
    ASSERT_EQ(mkdir(((*mount)->path() / "db").c_str(), 0755), 0) << std::strerror(errno);

    const auto out = work() / "writer.out";
    pid_t writer = spawn_to_file({"stdbuf", "-oL", "sqlite3", ((*mount)->path() / relative_db).string(),
                                  ".read " + sql.string()}, out);
    ASSERT_GT(writer, 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);
    while (last_marker(read_local_file(out)) < kKillAfterRows && std::chrono::steady_clock::now() < deadline &&
           waitpid(writer, nullptr, WNOHANG) == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_GE(last_marker(read_local_file(out)), kKillAfterRows) << read_local_file(out).substr(0, 2000);
    E2E_ASSERT_OK(signal_mount(**mount, SIGKILL));
    wait_child(writer, std::chrono::seconds(60));
    const long seen = last_marker(read_local_file(out));
    std::printf("writer saw %ld committed rows before azblobfs was killed\n", seen);
    ASSERT_LT(seen, kTransactions) << "the workload finished before the kill: nothing was tested";
    mount->reset();

    auto again = Mount::start(writable(container, cache));
    E2E_ASSERT_OK(again);
    DbCheck same_cache = check_db((*again)->path() / relative_db);
    ASSERT_TRUE(same_cache.ran) << same_cache.output;
    EXPECT_EQ(same_cache.integrity, "ok") << same_cache.output;
    EXPECT_GE(same_cache.rows, seen) << "a transaction the writer saw committed is lost";
    EXPECT_LE(same_cache.rows, kTransactions);
    E2E_ASSERT_OK((*again)->unmount());
    again->reset();

    auto fresh = Mount::start(writable(container, new_cache_dir()));
    E2E_ASSERT_OK(fresh);
    expect_healthy((*fresh)->path() / relative_db, same_cache.rows, same_cache.rows,
                   "after a clean unmount and a remount over a new cache directory");
}

INSTANTIATE_TEST_SUITE_P(JournalModes, SqliteTest, ::testing::Values("delete", "truncate", "persist", "wal"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace azblobfs::e2e
