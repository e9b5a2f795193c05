// Small RAII wrappers over the LMDB C API (liblmdb 0.9).
//
// Contract:
//  - Every LMDB error becomes a Status: MDB_MAP_FULL is Code::kNoSpace (the cache directory's
//    map is full), every other failure is Code::kIoError naming the LMDB call. MDB_NOTFOUND is
//    not an error where a lookup may miss: those calls return std::optional / bool.
//  - Transactions carry their kind in their type. ReadTxn is read-only; WriteTxn can modify and
//    must be committed, or it aborts when destroyed. A failed write (e.g. MAP_FULL) leaves the
//    transaction unusable: callers drop it (abort) and start a new one.
//  - Byte views returned by get() and cursors point into the memory map and are valid only
//    until the transaction ends or the next write in it. Copy what must outlive the txn.
//  - A cursor may outlive a commit: it then releases nothing (LMDB freed it with the write
//    transaction); read-transaction cursors are closed by their destructor.
//  - The environment must be opened with MDB_NOTLS when read transactions cross threads. A
//    write transaction is begun, used and committed on one thread; a thread holds at most one
//    write transaction (LMDB's writer lock is not recursive).
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace azblobfs::lmdb {

// Status for an LMDB return code `rc` (non-zero) of `call`, e.g. "mdb_put".
Status error(int rc, std::string_view call);

inline MDB_val to_val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
inline std::string_view to_view(const MDB_val& v) {
    return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

// Owns an MDB_env; closes it on destruction.
class Env {
public:
    // Creates the handle, sets max named databases and map size, and opens `dir` with `flags`.
    static Result<Env> open(const std::string& dir, unsigned int flags, unsigned int max_dbs,
                            uint64_t map_size, mdb_mode_t mode = 0600);

    MDB_env* get() const { return env_.get(); }
    // Flushes the data file to disk (force = true ignores MDB_NOSYNC).
    Status sync(bool force) const;

private:
    struct Closer {
        void operator()(MDB_env* env) const { mdb_env_close(env); }
    };
    explicit Env(MDB_env* env) : env_(env) {}
    std::unique_ptr<MDB_env, Closer> env_;
};

// A named database handle. Opened once per environment; valid as long as the environment.
struct Dbi {
    MDB_dbi id = 0;
};

// Shared state of a transaction, kept on the heap so cursors can see whether it has ended.
struct TxnState {
    MDB_txn* txn = nullptr;
    bool write = false;
    bool ended = false;
};

// Common read operations of both transaction kinds. Not constructible on its own.
class Txn {
public:
    Txn(Txn&&) noexcept = default;
    Txn& operator=(Txn&&) noexcept = delete;
    Txn(const Txn&) = delete;
    Txn& operator=(const Txn&) = delete;

    // The value under `key`, or nullopt when absent. The view lives until the txn ends.
    Result<std::optional<std::string_view>> get(Dbi dbi, std::string_view key) const;
    // Number of records in `dbi`.
    Result<uint64_t> count(Dbi dbi) const;

    MDB_txn* raw() const { return state_->txn; }
    const std::shared_ptr<TxnState>& state() const { return state_; }

protected:
    explicit Txn(std::shared_ptr<TxnState> state) : state_(std::move(state)) {}
    ~Txn();  // aborts if not ended
    std::shared_ptr<TxnState> state_;
};

class ReadTxn : public Txn {
public:
    static Result<ReadTxn> begin(MDB_env* env);
    ReadTxn(ReadTxn&&) noexcept = default;

private:
    using Txn::Txn;
};

class WriteTxn : public Txn {
public:
    static Result<WriteTxn> begin(MDB_env* env);
    WriteTxn(WriteTxn&&) noexcept = default;

    Status put(Dbi dbi, std::string_view key, std::string_view value, unsigned int flags = 0);
    // Deletes `key`; returns false when it was absent.
    Result<bool> del(Dbi dbi, std::string_view key);
    // MDB_DUPSORT databases: deletes the one item (key, value); false when it was absent.
    Result<bool> del_item(Dbi dbi, std::string_view key, std::string_view value);
    // Deletes every record of `dbi` (the database stays open).
    Status clear(Dbi dbi);
    // Opens (and with MDB_CREATE creates) a named database.
    Result<Dbi> open_dbi(const char* name, unsigned int flags);
    // Commits; afterwards the txn is ended whatever the outcome.
    Status commit();

private:
    using Txn::Txn;
};

// A cursor over one database inside a transaction of either kind.
class Cursor {
public:
    static Result<Cursor> open(const Txn& txn, Dbi dbi);
    Cursor(Cursor&& other) noexcept
        : cursor_(std::exchange(other.cursor_, nullptr)), txn_(std::move(other.txn_)) {}
    Cursor& operator=(Cursor&&) = delete;
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    ~Cursor();

    // A record under the cursor; found == false past the end (or when no key matched).
    struct Item {
        bool found = false;
        std::string_view key;
        std::string_view value;
        explicit operator bool() const { return found; }
    };
    Result<Item> first() { return step(nullptr, MDB_FIRST); }
    Result<Item> next() { return step(nullptr, MDB_NEXT); }
    // Positions at the first key >= `key`.
    Result<Item> seek(std::string_view key) { return step(&key, MDB_SET_RANGE); }
    // MDB_DUPSORT: the first item of the next key.
    Result<Item> next_key() { return step(nullptr, MDB_NEXT_NODUP); }
    // MDB_DUPFIXED: up to a page of the current key's values from the cursor on (the value of
    // the Item is their concatenation), then the next page of them; not found after the last.
    // A key with a single value gives an empty page (LMDB keeps that value inline).
    Result<Item> values_here() { return step(nullptr, MDB_GET_MULTIPLE); }
    Result<Item> more_values() { return step(nullptr, MDB_NEXT_MULTIPLE); }
    // MDB_DUPSORT: the number of values of the key under the cursor (LMDB keeps it; no walk).
    Result<uint64_t> count_values() const;
    // Deletes the record under the cursor (write transactions only). next() then yields the
    // record that followed it.
    Status del();

private:
    Cursor(MDB_cursor* cursor, std::shared_ptr<TxnState> txn)
        : cursor_(cursor), txn_(std::move(txn)) {}
    Result<Item> step(const std::string_view* key, MDB_cursor_op op);

    MDB_cursor* cursor_ = nullptr;
    std::shared_ptr<TxnState> txn_;
};

}  // namespace azblobfs::lmdb
