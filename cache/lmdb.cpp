#include "cache/lmdb.h"

namespace azblobfs::lmdb {

Status error(int rc, std::string_view call) {
    std::string what = std::string(call) + ": " + mdb_strerror(rc);
    if (rc == MDB_MAP_FULL) {
        return Status(Code::kNoSpace, what + " (the cache directory reached its size limit)");
    }
    return Status(Code::kIoError, what);
}

Result<Env> Env::open(const std::string& dir, unsigned int flags, unsigned int max_dbs,
                      uint64_t map_size, mdb_mode_t mode) {
    MDB_env* raw = nullptr;
    int rc = mdb_env_create(&raw);
    if (rc != 0) return error(rc, "mdb_env_create");
    Env env(raw);
    rc = mdb_env_set_maxdbs(raw, max_dbs);
    if (rc != 0) return error(rc, "mdb_env_set_maxdbs");
    rc = mdb_env_set_mapsize(raw, static_cast<size_t>(map_size));
    if (rc != 0) return error(rc, "mdb_env_set_mapsize");
    rc = mdb_env_open(raw, dir.c_str(), flags, mode);
    if (rc != 0) return error(rc, "mdb_env_open " + dir);
    return env;
}

Status Env::sync(bool force) const {
    int rc = mdb_env_sync(env_.get(), force ? 1 : 0);
    return rc == 0 ? Status::ok() : error(rc, "mdb_env_sync");
}

Txn::~Txn() {
    if (state_ && !state_->ended) {
        mdb_txn_abort(state_->txn);
        state_->ended = true;
    }
}

Result<std::optional<std::string_view>> Txn::get(Dbi dbi, std::string_view key) const {
    MDB_val k = to_val(key);
    MDB_val v{};
    int rc = mdb_get(state_->txn, dbi.id, &k, &v);
    if (rc == MDB_NOTFOUND) return std::optional<std::string_view>();
    if (rc != 0) return error(rc, "mdb_get");
    return std::optional<std::string_view>(to_view(v));
}

Result<uint64_t> Txn::count(Dbi dbi) const {
    MDB_stat st{};
    int rc = mdb_stat(state_->txn, dbi.id, &st);
    if (rc != 0) return error(rc, "mdb_stat");
    return static_cast<uint64_t>(st.ms_entries);
}

namespace {

Result<std::shared_ptr<TxnState>> begin_txn(MDB_env* env, bool write) {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env, nullptr, write ? 0 : MDB_RDONLY, &txn);
    if (rc != 0) return error(rc, write ? "mdb_txn_begin (write)" : "mdb_txn_begin (read)");
    auto state = std::make_shared<TxnState>();
    state->txn = txn;
    state->write = write;
    return state;
}

}  // namespace

Result<ReadTxn> ReadTxn::begin(MDB_env* env) {
    AZB_ASSIGN_OR_RETURN(auto state, begin_txn(env, false));
    return ReadTxn(std::move(state));
}

Result<WriteTxn> WriteTxn::begin(MDB_env* env) {
    AZB_ASSIGN_OR_RETURN(auto state, begin_txn(env, true));
    return WriteTxn(std::move(state));
}

Status WriteTxn::put(Dbi dbi, std::string_view key, std::string_view value, unsigned int flags) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    int rc = mdb_put(state_->txn, dbi.id, &k, &v, flags);
    return rc == 0 ? Status::ok() : error(rc, "mdb_put");
}

Result<bool> WriteTxn::del(Dbi dbi, std::string_view key) {
    MDB_val k = to_val(key);
    int rc = mdb_del(state_->txn, dbi.id, &k, nullptr);
    if (rc == MDB_NOTFOUND) return false;
    if (rc != 0) return error(rc, "mdb_del");
    return true;
}

Result<bool> WriteTxn::del_item(Dbi dbi, std::string_view key, std::string_view value) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    int rc = mdb_del(state_->txn, dbi.id, &k, &v);
    if (rc == MDB_NOTFOUND) return false;
    if (rc != 0) return error(rc, "mdb_del");
    return true;
}

Status WriteTxn::clear(Dbi dbi) {
    int rc = mdb_drop(state_->txn, dbi.id, 0);
    return rc == 0 ? Status::ok() : error(rc, "mdb_drop");
}

Result<Dbi> WriteTxn::open_dbi(const char* name, unsigned int flags) {
    Dbi dbi;
    int rc = mdb_dbi_open(state_->txn, name, flags, &dbi.id);
    if (rc != 0) return error(rc, std::string("mdb_dbi_open ") + name);
    return dbi;
}

Status WriteTxn::commit() {
    state_->ended = true;
    int rc = mdb_txn_commit(state_->txn);
    return rc == 0 ? Status::ok() : error(rc, "mdb_txn_commit");
}

Result<Cursor> Cursor::open(const Txn& txn, Dbi dbi) {
    MDB_cursor* cursor = nullptr;
    int rc = mdb_cursor_open(txn.raw(), dbi.id, &cursor);
    if (rc != 0) return error(rc, "mdb_cursor_open");
    return Cursor(cursor, txn.state());
}

Cursor::~Cursor() {
    if (cursor_ == nullptr) return;
    // LMDB frees a write transaction's cursors when the transaction ends.
    if (txn_->write && txn_->ended) return;
    mdb_cursor_close(cursor_);
}

Result<Cursor::Item> Cursor::step(const std::string_view* key, MDB_cursor_op op) {
    MDB_val k = key != nullptr ? to_val(*key) : MDB_val{};
    MDB_val v{};
    int rc = mdb_cursor_get(cursor_, &k, &v, op);
    if (rc == MDB_NOTFOUND) return Item();
    if (rc != 0) return error(rc, "mdb_cursor_get");
    return Item{true, to_view(k), to_view(v)};
}

Status Cursor::del() {
    int rc = mdb_cursor_del(cursor_, 0);
    return rc == 0 ? Status::ok() : error(rc, "mdb_cursor_del");
}

}  // namespace azblobfs::lmdb

namespace azblobfs::lmdb {

Result<uint64_t> Cursor::count_values() const {
    size_t n = 0;
    int rc = mdb_cursor_count(cursor_, &n);
    if (rc != 0) return error(rc, "mdb_cursor_count");
    return static_cast<uint64_t>(n);
}

}  // namespace azblobfs::lmdb
