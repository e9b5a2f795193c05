// The options of `azblobfs mount`: as given on the command line (MountFlags) and validated into
// what the mount process uses (MountSettings).
//
// Cache sizing: --cache-size is the hard limit of the LMDB data file (its map size). The metadata
// index lives in the same file, so the block cache gets the cache size minus an index reserve:
// one eighth of the cache size, at least 16 MiB and at most 1 GiB (2G -> 256 MiB for about a
// million index entries, 1.75 GiB for blocks). The reserve also absorbs LMDB's copy-on-write
// pages of the largest transaction. A cache size below kMinCacheSize is refused.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "azure/credentials.h"
#include "common/status.h"
#include "cache/index_rules.h"
#include "fs/filesystem.h"

namespace azblobfs {

inline constexpr uint64_t kMinCacheSize = 64ull << 20;
inline constexpr double kStatusIntervalSeconds = 2;

struct MountFlags {
    std::string mountpoint;
    std::string container;                 // empty: every container is a top-level directory
    std::string cache_dir;                 // empty: default_cache_dir()
    std::string cache_size = "2G";
    bool foreground = false;
    std::vector<std::string> fuse_options;  // each -o argument (comma-separated lists)
    bool read_only = false;
    double attr_ttl = 60;
    double dir_ttl = 60;
    double negative_ttl = 5;
    int64_t uid = -1;                       // -1: the caller's uid
    int64_t gid = -1;                       // -1: the caller's gid
    std::string file_mode = "0644";
    std::string dir_mode = "0755";
    int fetch_threads = 8;
    std::string readahead_max = "8M";
    std::string log_file;                   // empty: stderr (-f) or <cache-dir>/azblobfs.log
    double upload_delay = 1;
    int upload_threads = 8;
    std::string fsync = "remote";
    double write_wait = 30;
    // The sidecar index (docs/INDEX.md): account-relative globs and by-lead view templates
    // ("PATTERN=ALIAS"); empty: IndexRules::defaults().
    std::vector<std::string> sidecars;
    std::vector<std::string> view_templates;
    std::string sidecar_max = "1M";
    bool index_properties = true;
};

struct MountSettings {
    std::string mountpoint;                // absolute, normalised
    std::string cache_dir;                 // absolute, normalised
    uint64_t cache_size = 0;               // map size of the LMDB environment
    uint64_t block_limit = 0;              // cache_size - index_reserve(cache_size)
    bool foreground = false;
    std::vector<std::string> fuse_options;  // one option per element
    bool read_only = false;
    std::string log_file;                  // empty: stderr
    std::string log_level = "warn";
    std::string account;                   // account name (fsname, status, cache identity)
    FsOptions fs;                          // container, TTLs, ownership, modes, fsync
    BaseReaderOptions reads;               // read-ahead window and fetch threads
    double upload_delay_s = 1;
    int upload_threads = 8;
    index::IndexRules index_rules;         // mount-relative (IndexRules::for_mount)
};

// "512M", "2G", "1048576", "64K", "1T", also with "B"/"iB" ("2GiB"); binary multiples.
Result<uint64_t> parse_size(std::string_view text);
// "0644", "755": octal, at most 07777.
Result<mode_t> parse_mode(std::string_view text);
// Splits "-o a,b" arguments into single options, dropping empty ones.
std::vector<std::string> split_fuse_options(const std::vector<std::string>& args);

uint64_t index_reserve(uint64_t cache_size);

// The account-relative rules of the flags (defaults where a list is empty); InvalidArgument
// for a template without "=ALIAS", without {lead}, or with an empty part.
Result<index::IndexRules> index_rules_from_flags(const std::vector<std::string>& sidecars,
                                                 const std::vector<std::string>& view_templates,
                                                 const std::string& sidecar_max, bool index_properties);

// /var/cache/azblobfs/<account>[-<container>]
std::string default_cache_dir(const std::string& account, const std::optional<std::string>& container);
// azblobfs:<account>[/<container>]
std::string fs_name(const std::string& account, const std::optional<std::string>& container);

// Checks every flag; errors are InvalidArgument with a message naming the flag.
Result<MountSettings> validate_mount_flags(const MountFlags& flags, const AccountConfig& account,
                                           const std::string& log_level);

}  // namespace azblobfs
