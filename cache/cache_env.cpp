#include "cache/cache_env.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <filesystem>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "cache/index_rows.h"
#include "cache/key_schema.h"
#include "cache/lmdb_cache_env.h"

namespace azblobfs {
namespace {

constexpr unsigned int kMaxDbs = 16;  // the twelve of key_schema.h plus room
constexpr const char* kLockFile = "azblobfs.lock";

Status make_private_dir(const std::string& dir) {
    std::error_code ec;
    std::filesystem::path path(dir);
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        return Status(Code::kIoError, "mkdir " + dir + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return Status(Code::kIoError, "cache directory " + dir + " is not a directory");
    }
    return Status::ok();
}

// 16 random hex characters (names this cache in block ids, so two mounts never stage blocks of
// one blob under the same id).
std::string random_instance_id() {
    unsigned char bytes[8] = {};
    RAND_bytes(bytes, sizeof bytes);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
    }
    return out;
}

// Creates meta on first open; otherwise checks that its schema version is ours.
Status check_schema(lmdb::WriteTxn& txn, const CacheDbis& dbis) {
    AZB_ASSIGN_OR_RETURN(auto stored, txn.get(dbis.meta, keys::kMetaSchemaVersion));
    if (!stored) {
        AZB_RETURN_IF_ERROR(txn.put(dbis.meta, keys::kMetaSchemaVersion,
                                    keys::encode_u32_be(keys::kSchemaVersion)));
        AZB_RETURN_IF_ERROR(txn.put(dbis.meta, keys::kMetaListedDirs, keys::encode_u64_be(0)));
        AZB_RETURN_IF_ERROR(txn.put(dbis.meta, keys::kMetaInstanceId, random_instance_id()));
        return txn.put(dbis.meta, keys::kMetaNextFileId, keys::encode_u64_be(1));
    }
    auto version = keys::decode_u32_be(*stored);
    if (version && *version >= keys::kOldestUpgradableSchemaVersion && *version < keys::kSchemaVersion) {
        // Version 1 lacked the journal databases and the instance id; version 2 lacked the
        // sources database. The missing databases are created empty, which is what they hold
        // for records of the older formats (journal format 1 has no source_path).
        if (*version == 1) AZB_RETURN_IF_ERROR(txn.put(dbis.meta, keys::kMetaInstanceId, random_instance_id()));
        AZB_RETURN_IF_ERROR(txn.put(dbis.meta, keys::kMetaIndexIncomplete, "1"));
        AZB_RETURN_IF_ERROR(txn.put(dbis.meta, keys::kMetaSchemaVersion,
                                    keys::encode_u32_be(keys::kSchemaVersion)));
        version = keys::kSchemaVersion;
    }
    if (version != keys::kSchemaVersion) {
        std::string found = version ? std::to_string(*version) : "unreadable";
        return Status(Code::kInvalidArgument,
                      "index schema version " + found + ", this azblobfs uses version " +
                          std::to_string(keys::kSchemaVersion) +
                          "; remove the directory (it is only a cache) or use another one");
    }
    // Caches written before meta "listed_dirs" existed: count the headers once.
    AZB_ASSIGN_OR_RETURN(auto listed, txn.get(dbis.meta, keys::kMetaListedDirs));
    if (listed) return Status::ok();
    AZB_ASSIGN_OR_RETURN(uint64_t headers, index_rows::count_listing_headers(txn, dbis));
    return txn.put(dbis.meta, keys::kMetaListedDirs, keys::encode_u64_be(headers));
}

// The rules to use: the given ones (stored when they differ from the cache's, which then marks
// the index incomplete), else the stored ones, else the defaults.
Result<std::optional<index::IndexRules>> settle_rules(lmdb::WriteTxn& txn, const CacheDbis& dbis,
                                                      std::optional<index::IndexRules> given) {
    AZB_ASSIGN_OR_RETURN(auto stored_text, txn.get(dbis.meta, keys::kMetaIndexRules));
    std::optional<index::IndexRules> stored;
    if (stored_text) stored = index::IndexRules::from_json(*stored_text);
    if (!given) return stored ? stored : std::optional<index::IndexRules>(index::IndexRules::defaults());
    std::string text = given->to_json();
    if (stored_text && *stored_text == text) return given;
    // Rows built under other rules cannot be told apart from current ones: drop them all. The
    // entries stay; a rebuild (or the mount's listings) gives them their rows again.
    for (lmdb::Dbi dbi : {dbis.fields, dbis.docs, dbis.pending}) AZB_RETURN_IF_ERROR(txn.clear(dbi));
    for (auto key : {keys::kMetaSidecarsIndexed, keys::kMetaSidecarsSkipped}) {
        AZB_RETURN_IF_ERROR(txn.del(dbis.meta, key).status());
    }
    AZB_ASSIGN_OR_RETURN(auto entries, txn.count(dbis.entries));
    if (entries > 1) AZB_RETURN_IF_ERROR(txn.put(dbis.meta, keys::kMetaIndexIncomplete, "1"));
    AZB_RETURN_IF_ERROR(txn.put(dbis.meta, keys::kMetaIndexRules, text));
    return given;
}

Result<CacheDbis> open_dbis(MDB_env* env, std::optional<index::IndexRules>* rules) {
    AZB_ASSIGN_OR_RETURN(auto txn, lmdb::WriteTxn::begin(env));
    CacheDbis dbis;
    AZB_ASSIGN_OR_RETURN(dbis.meta, txn.open_dbi(keys::kDbMeta, MDB_CREATE));
    AZB_ASSIGN_OR_RETURN(dbis.entries, txn.open_dbi(keys::kDbEntries, MDB_CREATE));
    AZB_ASSIGN_OR_RETURN(dbis.children, txn.open_dbi(keys::kDbChildren, MDB_CREATE));
    AZB_ASSIGN_OR_RETURN(dbis.blocks, txn.open_dbi(keys::kDbBlocks, MDB_CREATE));
    AZB_ASSIGN_OR_RETURN(dbis.journal, txn.open_dbi(keys::kDbJournal, MDB_CREATE));
    AZB_ASSIGN_OR_RETURN(dbis.dirty, txn.open_dbi(keys::kDbDirty, MDB_CREATE));
    AZB_ASSIGN_OR_RETURN(dbis.blocklists, txn.open_dbi(keys::kDbBlockLists, MDB_CREATE));
    AZB_ASSIGN_OR_RETURN(dbis.sources, txn.open_dbi(keys::kDbSources, MDB_CREATE));
    AZB_ASSIGN_OR_RETURN(dbis.fields, txn.open_dbi(keys::kDbFields, MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED));
    AZB_ASSIGN_OR_RETURN(dbis.fieldnames, txn.open_dbi(keys::kDbFieldNames, MDB_CREATE));
    AZB_ASSIGN_OR_RETURN(dbis.docs, txn.open_dbi(keys::kDbDocs, MDB_CREATE));
    AZB_ASSIGN_OR_RETURN(dbis.pending, txn.open_dbi(keys::kDbPending, MDB_CREATE));
    AZB_RETURN_IF_ERROR(check_schema(txn, dbis));
    AZB_ASSIGN_OR_RETURN(*rules, settle_rules(txn, dbis, *rules));
    AZB_RETURN_IF_ERROR(txn.commit());
    return dbis;
}

}  // namespace

LmdbCacheEnv::LmdbCacheEnv(std::string dir, std::optional<DirLock> lock, lmdb::Env env,
                           CacheDbis dbis, index::IndexRules rules)
    : dir_(std::move(dir)), lock_(std::move(lock)), env_(std::move(env)), rules_(std::move(rules)),
      dbis_(dbis) {
    dbis_.rules = &rules_;
    MDB_stat st{};
    if (mdb_env_stat(env_.get(), &st) == 0) page_size_ = st.ms_psize;
}

Status LmdbCacheEnv::sync() { return env_.sync(true).with_context("cache directory " + dir_); }

CacheEnvStats LmdbCacheEnv::stats() {
    CacheEnvStats out;
    MDB_envinfo info{};
    if (mdb_env_info(env_.get(), &info) == 0) {
        out.map_size = info.me_mapsize;
        out.used_pages_bytes = (static_cast<uint64_t>(info.me_last_pgno) + 1) * page_size_;
    }
    struct stat st {};
    std::string data_file = dir_ + "/data.mdb";
    if (::stat(data_file.c_str(), &st) == 0) out.file_bytes = static_cast<uint64_t>(st.st_size);
    return out;
}

Result<std::shared_ptr<CacheEnv>> open_cache_env(const std::string& dir, uint64_t map_size_bytes,
                                                 CacheEnvOptions options) {
    const bool exists = ::access((dir + "/data.mdb").c_str(), R_OK) == 0;
    if (map_size_bytes == 0 && !exists) {
        return Status(Code::kInvalidArgument, "cache size of " + dir + " must be positive (0 keeps the size of an "
                                              "existing cache, and the directory holds none)");
    }
    std::optional<DirLock> lock;
    if (!options.beside_mount) {
        AZB_RETURN_IF_ERROR(make_private_dir(dir));
        auto acquired = DirLock::acquire(dir + "/" + kLockFile, dir);
        if (!acquired) return acquired.status();
        lock.emplace(std::move(acquired).value());
    }
    auto env = lmdb::Env::open(dir, MDB_NOSYNC | MDB_NOTLS, kMaxDbs, map_size_bytes);
    if (!env) return env.status().with_context("cache directory " + dir);
    int dead = 0;
    int rc = mdb_reader_check(env->get(), &dead);
    if (rc != 0) return lmdb::error(rc, "mdb_reader_check").with_context("cache directory " + dir);
    if (dead > 0) spdlog::info("cache directory {}: cleared {} stale LMDB readers", dir, dead);
    std::optional<index::IndexRules> rules = std::move(options.rules);
    auto dbis = open_dbis(env->get(), &rules);
    if (!dbis) return dbis.status().with_context("cache directory " + dir);
    return std::shared_ptr<CacheEnv>(std::make_shared<LmdbCacheEnv>(
        dir, std::move(lock), std::move(env).value(), *dbis, std::move(*rules)));
}

}  // namespace azblobfs
