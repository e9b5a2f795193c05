// open_cache_env: directory, lock, schema version, stats.
#include "cache/cache_env.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "cache/journal.h"
#include "cache/key_schema.h"
#include "cache/metadata_index.h"
#include "cache/lmdb.h"
#include "cache_test_util.h"

namespace azblobfs {
namespace {

using testing::kMiB;
using testing::TempDir;

TEST(CacheEnv, CreatesAPrivateDirectoryWithTheDataFile) {
    TempDir tmp("azb-env");
    std::string dir = (tmp.path() / "nested" / "cache").string();
    auto env = open_cache_env(dir, 16 * kMiB);
    ASSERT_TRUE(env.is_ok()) << env.status().to_string();
    struct stat st {};
    ASSERT_EQ(::stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_TRUE(std::filesystem::exists(dir + "/data.mdb"));
    ASSERT_TRUE((*env)->sync().is_ok());
    CacheEnvStats stats = (*env)->stats();
    EXPECT_EQ(stats.map_size, 16 * kMiB);
    EXPECT_GT(stats.file_bytes, 0u);
    EXPECT_LE(stats.file_bytes, stats.map_size);
    EXPECT_GT(stats.used_pages_bytes, 0u);
    EXPECT_EQ(stats.used_pages_bytes % 4096, 0u);
}

TEST(CacheEnv, ZeroMapSizeIsInvalid) {
    TempDir tmp("azb-env");
    auto env = open_cache_env(tmp.path().string(), 0);
    ASSERT_FALSE(env.is_ok());
    EXPECT_EQ(env.status().code(), Code::kInvalidArgument);
}

TEST(CacheEnv, SecondOpenFromAnotherProcessFailsWithConflict) {
    TempDir tmp("azb-env");
    std::string dir = tmp.path().string();
    auto env = open_cache_env(dir, 16 * kMiB);
    ASSERT_TRUE(env.is_ok()) << env.status().to_string();
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        auto second = open_cache_env(dir, 16 * kMiB);
        bool conflict = !second.is_ok() && second.status().code() == Code::kConflict &&
                        second.status().message() ==
                            "cache directory " + dir + " is used by another azblobfs process";
        _exit(conflict ? 0 : 1);
    }
    int wstatus = 0;
    ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
    ASSERT_TRUE(WIFEXITED(wstatus));
    EXPECT_EQ(WEXITSTATUS(wstatus), 0) << "the child could open a directory in use";
}

TEST(CacheEnv, SecondOpenInTheSameProcessFailsAndCloseReleasesTheLock) {
    TempDir tmp("azb-env");
    std::string dir = tmp.path().string();
    auto env = open_cache_env(dir, 16 * kMiB);
    ASSERT_TRUE(env.is_ok());
    auto second = open_cache_env(dir, 16 * kMiB);
    ASSERT_FALSE(second.is_ok());
    EXPECT_EQ(second.status().code(), Code::kConflict);
    env = Status(Code::kInternal, "closed");  // drops the environment
    auto third = open_cache_env(dir, 16 * kMiB);
    EXPECT_TRUE(third.is_ok()) << third.status().to_string();
}

// Writes the schema version into meta with plain LMDB (as an older or newer azblobfs would
// have left it), optionally without the instance id.
void write_meta_raw(const std::string& dir, const std::string& version, bool drop_instance_id) {
    auto raw = lmdb::Env::open(dir, MDB_NOTLS, 10, 16 * kMiB);
    ASSERT_TRUE(raw.is_ok());
    auto txn = lmdb::WriteTxn::begin(raw->get());
    ASSERT_TRUE(txn.is_ok());
    auto meta = txn->open_dbi(keys::kDbMeta, 0);
    ASSERT_TRUE(meta.is_ok());
    ASSERT_TRUE(txn->put(*meta, keys::kMetaSchemaVersion, version).is_ok());
    if (drop_instance_id) {
        ASSERT_TRUE(txn->del(*meta, keys::kMetaInstanceId).is_ok());
    }
    ASSERT_TRUE(txn->commit().is_ok());
}

TEST(CacheEnv, SchemaVersionMismatchIsAClearError) {
    TempDir tmp("azb-env");
    std::string dir = tmp.path().string();
    ASSERT_TRUE(open_cache_env(dir, 16 * kMiB).is_ok());  // creates the current version, then closes
    write_meta_raw(dir, keys::encode_u32_be(99), /*drop_instance_id=*/false);
    auto env = open_cache_env(dir, 16 * kMiB);
    ASSERT_FALSE(env.is_ok());
    EXPECT_EQ(env.status().code(), Code::kInvalidArgument);
    const std::string& msg = env.status().message();
    EXPECT_NE(msg.find(dir), std::string::npos) << msg;
    EXPECT_NE(msg.find("schema version 99"), std::string::npos) << msg;
    EXPECT_NE(msg.find("uses version " + std::to_string(keys::kSchemaVersion)), std::string::npos) << msg;
    // Nothing was wiped: the stored version is still 99, and the lock was released.
    auto again = open_cache_env(dir, 16 * kMiB);
    ASSERT_FALSE(again.is_ok());
    EXPECT_EQ(again.status().code(), Code::kInvalidArgument);
}

TEST(CacheEnv, AVersionOneCacheIsUpgradedInPlaceKeepingItsIndex) {
    TempDir tmp("azb-env");
    std::string dir = tmp.path().string();
    {
        auto env = open_cache_env(dir, 16 * kMiB);
        ASSERT_TRUE(env.is_ok());
        ASSERT_TRUE(make_metadata_index(*env)->put("kept", EntryRecord{}).is_ok());
    }
    write_meta_raw(dir, keys::encode_u32_be(1), /*drop_instance_id=*/true);
    auto env = open_cache_env(dir, 16 * kMiB);
    ASSERT_TRUE(env.is_ok()) << env.status().to_string();
    auto kept = make_metadata_index(*env)->get("kept");
    ASSERT_TRUE(kept.is_ok());
    EXPECT_TRUE(kept->has_value());
    auto id = make_journal(*env)->new_upload_id();
    ASSERT_TRUE(id.is_ok());
    EXPECT_NE(id->substr(0, 16), std::string(16, '0'));  // a fresh instance id was written
}

// Schema 2 had no sources database and wrote journal records in format 1: such a cache opens,
// is marked version 3, and its pending record reads back with no source.
TEST(CacheEnv, AVersionTwoCacheIsUpgradedKeepingItsJournal) {
    TempDir tmp("azb-env");
    std::string dir = tmp.path().string();
    JournalRecord pending;
    pending.container = "data";
    pending.blob = "f";
    pending.size = 3;
    pending.content_dirty = true;
    {
        auto env = open_cache_env(dir, 16 * kMiB);
        ASSERT_TRUE(env.is_ok());
        JournalBatch b;
        b.put_records.emplace_back("f", pending);
        ASSERT_TRUE(make_journal(*env)->apply(b).is_ok());
    }
    {
        auto raw = lmdb::Env::open(dir, MDB_NOTLS, 10, 16 * kMiB);
        ASSERT_TRUE(raw.is_ok());
        auto txn = lmdb::WriteTxn::begin(raw->get());
        ASSERT_TRUE(txn.is_ok());
        auto journal = txn->open_dbi(keys::kDbJournal, 0);
        ASSERT_TRUE(journal.is_ok());
        std::string value = keys::encode_journal(pending, "f");
        std::string format_one = "\x01" + value.substr(1, value.size() - 3);  // no source strings
        ASSERT_TRUE(txn->put(*journal, keys::entry_key("f"), format_one).is_ok());
        ASSERT_TRUE(txn->commit().is_ok());
    }
    write_meta_raw(dir, keys::encode_u32_be(2), /*drop_instance_id=*/false);
    auto env = open_cache_env(dir, 16 * kMiB);
    ASSERT_TRUE(env.is_ok()) << env.status().to_string();
    auto journal = make_journal(*env);
    auto got = journal->get("f");
    ASSERT_TRUE(got.is_ok() && got->has_value()) << got.status().to_string();
    EXPECT_EQ((*got)->size, 3u);
    EXPECT_EQ((*got)->source_path, "");
    auto deps = journal->dependents("f");
    ASSERT_TRUE(deps.is_ok());
    EXPECT_TRUE(deps->empty());
}

}  // namespace
}  // namespace azblobfs
