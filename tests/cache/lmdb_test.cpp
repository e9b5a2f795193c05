// The RAII wrappers of cache/lmdb.h against a real LMDB environment.
#include "cache/lmdb.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace azblobfs::lmdb {
namespace {

class LmdbTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto env = Env::open(dir_.path().string(), MDB_NOTLS | MDB_NOSYNC, 4, 1 << 20);
        ASSERT_TRUE(env.is_ok()) << env.status().to_string();
        env_.emplace(std::move(env).value());
        auto txn = WriteTxn::begin(env_->get());
        ASSERT_TRUE(txn.is_ok());
        auto dbi = txn->open_dbi("t", MDB_CREATE);
        ASSERT_TRUE(dbi.is_ok());
        dbi_ = *dbi;
        ASSERT_TRUE(txn->commit().is_ok());
    }

    std::optional<std::string> read(const std::string& key) {
        auto txn = ReadTxn::begin(env_->get());
        EXPECT_TRUE(txn.is_ok());
        auto v = txn->get(dbi_, key);
        EXPECT_TRUE(v.is_ok());
        if (!v.is_ok() || !v->has_value()) return std::nullopt;
        return std::string(**v);
    }

    azblobfs::testing::TempDir dir_{"azb-lmdb"};
    std::optional<Env> env_;
    Dbi dbi_;
};

TEST_F(LmdbTest, WriteTxnAbortsWhenDestroyedUncommitted) {
    {
        auto txn = WriteTxn::begin(env_->get());
        ASSERT_TRUE(txn.is_ok());
        ASSERT_TRUE(txn->put(dbi_, "k", "v").is_ok());
        auto inside = txn->get(dbi_, "k");
        ASSERT_TRUE(inside.is_ok());
        EXPECT_EQ(inside->value_or(""), "v");  // visible inside its own transaction
    }
    EXPECT_EQ(read("k"), std::nullopt);
    // The writer lock was released: another write transaction can begin and commit.
    auto txn = WriteTxn::begin(env_->get());
    ASSERT_TRUE(txn.is_ok());
    ASSERT_TRUE(txn->put(dbi_, "k", "committed").is_ok());
    ASSERT_TRUE(txn->commit().is_ok());
    EXPECT_EQ(read("k"), "committed");
}

TEST_F(LmdbTest, MovedTransactionAbortsOnce) {
    {
        auto txn = WriteTxn::begin(env_->get());
        ASSERT_TRUE(txn.is_ok());
        WriteTxn moved = std::move(txn).value();
        ASSERT_TRUE(moved.put(dbi_, "m", "1").is_ok());
    }
    EXPECT_EQ(read("m"), std::nullopt);
}

TEST_F(LmdbTest, ReadTxnSeesItsSnapshot) {
    auto reader = ReadTxn::begin(env_->get());
    ASSERT_TRUE(reader.is_ok());
    auto writer = WriteTxn::begin(env_->get());
    ASSERT_TRUE(writer.is_ok());
    ASSERT_TRUE(writer->put(dbi_, "s", "new").is_ok());
    ASSERT_TRUE(writer->commit().is_ok());
    auto old_view = reader->get(dbi_, "s");
    ASSERT_TRUE(old_view.is_ok());
    EXPECT_FALSE(old_view->has_value());
    EXPECT_EQ(read("s"), "new");
}

TEST_F(LmdbTest, DelReportsAbsenceAndCursorWalksAndDeletes) {
    auto txn = WriteTxn::begin(env_->get());
    ASSERT_TRUE(txn.is_ok());
    for (const char* k : {"a1", "a2", "a3", "b1"}) ASSERT_TRUE(txn->put(dbi_, k, k).is_ok());
    auto absent = txn->del(dbi_, "zz");
    ASSERT_TRUE(absent.is_ok());
    EXPECT_FALSE(*absent);
    {
        auto cursor = Cursor::open(*txn, dbi_);
        ASSERT_TRUE(cursor.is_ok());
        auto item = cursor->seek("a");
        while (item.is_ok() && *item && item->key[0] == 'a') {
            ASSERT_TRUE(cursor->del().is_ok());
            item = cursor->next();
        }
        ASSERT_TRUE(item.is_ok());
        ASSERT_TRUE(*item);
        EXPECT_EQ(item->key, "b1");  // next() after del() yields the following record
    }
    auto count = txn->count(dbi_);
    ASSERT_TRUE(count.is_ok());
    EXPECT_EQ(*count, 1u);
    ASSERT_TRUE(txn->commit().is_ok());
    EXPECT_EQ(read("a2"), std::nullopt);
    EXPECT_EQ(read("b1"), "b1");
}

TEST_F(LmdbTest, CursorMayOutliveCommitAndReadTxn) {
    auto txn = WriteTxn::begin(env_->get());
    ASSERT_TRUE(txn.is_ok());
    ASSERT_TRUE(txn->put(dbi_, "c", "1").is_ok());
    auto cursor = Cursor::open(*txn, dbi_);
    ASSERT_TRUE(cursor.is_ok());
    ASSERT_TRUE(txn->commit().is_ok());  // LMDB frees the write cursor here; ~Cursor must not
    auto reader = ReadTxn::begin(env_->get());
    ASSERT_TRUE(reader.is_ok());
    auto rcursor = Cursor::open(*reader, dbi_);
    ASSERT_TRUE(rcursor.is_ok());
    auto first = rcursor->first();
    ASSERT_TRUE(first.is_ok());
    ASSERT_TRUE(*first);
    EXPECT_EQ(first->value, "1");
}

TEST_F(LmdbTest, MapFullIsNoSpaceAndLeavesCommittedDataIntact) {
    std::string big(64 * 1024, 'x');
    Status failure;
    int committed = 0;
    for (int i = 0; i < 64 && failure.is_ok(); ++i) {
        auto txn = WriteTxn::begin(env_->get());
        ASSERT_TRUE(txn.is_ok());
        failure = txn->put(dbi_, "big" + std::to_string(i), big);
        if (failure.is_ok()) failure = txn->commit();
        if (failure.is_ok()) ++committed;
    }
    ASSERT_FALSE(failure.is_ok()) << "a 1 MiB map must fill up";
    EXPECT_EQ(failure.code(), Code::kNoSpace);
    EXPECT_NE(failure.message().find("MDB_MAP_FULL"), std::string::npos) << failure.message();
    ASSERT_GT(committed, 0);
    EXPECT_EQ(read("big0"), big);
}

TEST(LmdbError, NamesTheCallAndMapsCodes) {
    Status st = error(EIO, "mdb_txn_commit");
    EXPECT_EQ(st.code(), Code::kIoError);
    EXPECT_NE(st.message().find("mdb_txn_commit"), std::string::npos);
    EXPECT_EQ(error(MDB_MAP_FULL, "mdb_put").code(), Code::kNoSpace);
}

TEST(LmdbEnv, OpenOfMissingDirectoryFailsWithIoError) {
    auto env = Env::open("/nonexistent/azb-lmdb-test", 0, 4, 1 << 20);
    ASSERT_FALSE(env.is_ok());
    EXPECT_EQ(env.status().code(), Code::kIoError);
    EXPECT_NE(env.status().message().find("mdb_env_open"), std::string::npos);
}

}  // namespace
}  // namespace azblobfs::lmdb
