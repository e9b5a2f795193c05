#include "cli/cache_identity.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

namespace azblobfs {
namespace {

constexpr const char* kIdentityFile = "identity.json";
constexpr const char* kDataFile = "data.mdb";

bool same(const CacheIdentity& a, const CacheIdentity& b) {
    return a.account == b.account && a.container == b.container;
}

}  // namespace

std::string describe(const CacheIdentity& identity) {
    if (identity.container) return "container " + *identity.container + " of account " + identity.account;
    return "account " + identity.account;
}

Result<std::optional<CacheIdentity>> read_cache_identity(const std::string& cache_dir) {
    std::string path = cache_dir + "/" + kIdentityFile;
    std::ifstream in(path);
    if (!in) return std::optional<CacheIdentity>();
    nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object() || !j.contains("account") || !j["account"].is_string()) {
        return Status(Code::kInvalidArgument, path + " is not an azblobfs identity file");
    }
    CacheIdentity id;
    id.account = j["account"].get<std::string>();
    if (j.contains("container") && j["container"].is_string()) id.container = j["container"].get<std::string>();
    return std::optional<CacheIdentity>(id);
}

Status write_cache_identity(const std::string& cache_dir, const CacheIdentity& identity) {
    nlohmann::json j;
    j["account"] = identity.account;
    j["container"] = identity.container ? nlohmann::json(*identity.container) : nlohmann::json(nullptr);
    std::string path = cache_dir + "/" + kIdentityFile;
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.dump(2) << "\n";
        if (!out) return Status(Code::kIoError, "cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status(Code::kIoError, "cannot write " + path);
    return Status::ok();
}

Status check_cache_identity(const std::string& cache_dir, const CacheIdentity& expected) {
    auto stored = read_cache_identity(cache_dir);
    if (!stored) return stored.status();
    if (!stored->has_value() || same(**stored, expected)) return Status::ok();
    return Status(Code::kInvalidArgument, "cache directory " + cache_dir + " holds the index of " +
                                              describe(**stored) + ", not of " + describe(expected) +
                                              ": use another --cache-dir");
}

bool has_offline_index(const std::string& cache_dir, const CacheIdentity& expected) {
    auto stored = read_cache_identity(cache_dir);
    if (!stored || !stored->has_value() || !same(**stored, expected)) return false;
    struct stat st{};
    std::string data = cache_dir + "/" + kDataFile;
    return ::stat(data.c_str(), &st) == 0 && st.st_size > 0;
}

}  // namespace azblobfs
