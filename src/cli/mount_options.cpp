#include "cli/mount_options.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <limits>

#include "blob/names.h"

namespace azblobfs {
namespace {

Status bad(const std::string& message) { return Status(Code::kInvalidArgument, message); }

std::optional<unsigned> size_shift(std::string_view suffix) {
    std::string s;
    for (char c : suffix) s.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (s.size() >= 2 && s.substr(s.size() - 2) == "IB") s.resize(s.size() - 2);
    else if (!s.empty() && s.back() == 'B' && s.size() == 2) s.pop_back();
    if (s.empty() || s == "B") return 0u;
    if (s == "K") return 10u;
    if (s == "M") return 20u;
    if (s == "G") return 30u;
    if (s == "T") return 40u;
    return std::nullopt;
}

std::string absolute_path(const std::string& path) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(path, ec);
    if (ec) p = path;
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

Status check_ttl(const char* flag, double value) {
    if (value < 0 || value > 365.0 * 24 * 3600) return bad(std::string(flag) + " must be between 0 and one year");
    return Status::ok();
}

Status fill_fs_options(const MountFlags& flags, FsOptions& fs, BaseReaderOptions& reads) {
    AZB_RETURN_IF_ERROR(check_ttl("--attr-ttl", flags.attr_ttl));
    AZB_RETURN_IF_ERROR(check_ttl("--dir-ttl", flags.dir_ttl));
    AZB_RETURN_IF_ERROR(check_ttl("--negative-ttl", flags.negative_ttl));
    fs.attr_ttl_s = flags.attr_ttl;
    fs.dir_ttl_s = flags.dir_ttl;
    fs.negative_ttl_s = flags.negative_ttl;
    constexpr int64_t kMaxId = std::numeric_limits<uint32_t>::max() - 1;
    if (flags.uid < -1 || flags.uid > kMaxId) return bad("--uid must be a user id");
    if (flags.gid < -1 || flags.gid > kMaxId) return bad("--gid must be a group id");
    fs.uid = flags.uid < 0 ? getuid() : static_cast<uid_t>(flags.uid);
    fs.gid = flags.gid < 0 ? getgid() : static_cast<gid_t>(flags.gid);
    auto file_mode = parse_mode(flags.file_mode);
    if (!file_mode) return file_mode.status().with_context("--file-mode");
    auto dir_mode = parse_mode(flags.dir_mode);
    if (!dir_mode) return dir_mode.status().with_context("--dir-mode");
    fs.file_mode = *file_mode;
    fs.dir_mode = *dir_mode;
    if (flags.fetch_threads < 1 || flags.fetch_threads > 64) return bad("--fetch-threads must be 1 to 64");
    reads.fetch_threads = flags.fetch_threads;
    auto readahead = parse_size(flags.readahead_max);
    if (!readahead) return readahead.status().with_context("--readahead-max");
    if (*readahead > (1ull << 30)) return bad("--readahead-max must be at most 1G");
    reads.readahead_max_bytes = *readahead;
    if (flags.fsync != "remote" && flags.fsync != "local") return bad("--fsync must be remote or local");
    fs.fsync = flags.fsync == "local" ? FsyncMode::kLocal : FsyncMode::kRemote;
    if (!(flags.write_wait >= 0 && flags.write_wait <= 86400)) return bad("--write-wait must be 0 to 86400 seconds");
    fs.backpressure_wait_s = flags.write_wait;
    fs.read_only = flags.read_only;
    return Status::ok();
}

}  // namespace

Result<uint64_t> parse_size(std::string_view text) {
    size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    if (digits == 0 || digits > 19) return bad("invalid size \"" + std::string(text) + "\" (use e.g. 512M or 2G)");
    auto shift = size_shift(text.substr(digits));
    if (!shift) return bad("invalid size suffix in \"" + std::string(text) + "\" (use K, M, G or T)");
    uint64_t value = std::stoull(std::string(text.substr(0, digits)));
    if (*shift > 0 && value > (std::numeric_limits<uint64_t>::max() >> *shift)) {
        return bad("size \"" + std::string(text) + "\" is too large");
    }
    return value << *shift;
}

Result<mode_t> parse_mode(std::string_view text) {
    if (text.empty() || text.size() > 5) return bad("invalid mode \"" + std::string(text) + "\" (use octal, e.g. 0644)");
    mode_t mode = 0;
    for (char c : text) {
        if (c < '0' || c > '7') return bad("invalid mode \"" + std::string(text) + "\" (use octal, e.g. 0644)");
        mode = static_cast<mode_t>(mode * 8 + static_cast<mode_t>(c - '0'));
    }
    if (mode > 07777) return bad("mode \"" + std::string(text) + "\" is larger than 07777");
    return mode;
}

std::vector<std::string> split_fuse_options(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& arg : args) {
        size_t start = 0;
        while (start <= arg.size()) {
            size_t comma = arg.find(',', start);
            if (comma == std::string::npos) comma = arg.size();
            if (comma > start) out.push_back(arg.substr(start, comma - start));
            start = comma + 1;
        }
    }
    return out;
}

uint64_t index_reserve(uint64_t cache_size) {
    constexpr uint64_t kMin = 16ull << 20;
    constexpr uint64_t kMax = 1ull << 30;
    uint64_t reserve = cache_size / 8;
    if (reserve < kMin) reserve = kMin;
    if (reserve > kMax) reserve = kMax;
    return reserve;
}

Result<index::IndexRules> index_rules_from_flags(const std::vector<std::string>& sidecars,
                                                 const std::vector<std::string>& view_templates,
                                                 const std::string& sidecar_max, bool index_properties) {
    index::IndexRules rules = index::IndexRules::defaults();
    if (!sidecars.empty()) rules.sidecar_globs = sidecars;
    if (!view_templates.empty()) {
        rules.views.clear();
        for (const auto& t : view_templates) {
            auto eq = t.rfind('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == t.size()) {
                return bad("--view-template \"" + t + "\": use PATTERN=ALIAS, e.g. "
                           "'digital-twins/{yyyy}/{mm}/{dd}/{lead}.md=twin.md'");
            }
            std::string pattern = t.substr(0, eq), alias = t.substr(eq + 1);
            if (pattern.find("{lead}") == std::string::npos) {
                return bad("--view-template \"" + t + "\": the pattern must hold {lead}");
            }
            std::string alias_name = alias.back() == '/' ? alias.substr(0, alias.size() - 1) : alias;
            if (alias_name.empty() || alias_name == "." || alias_name == ".." ||
                (alias.find('/') != std::string::npos && alias.find('/') + 1 != alias.size())) {
                return bad("--view-template \"" + t + "\": the alias is a name, or a directory ending in /");
            }
            rules.views.push_back({pattern, alias});
        }
    }
    auto max = parse_size(sidecar_max);
    if (!max) return max.status().with_context("--sidecar-max");
    rules.max_sidecar_bytes = *max;
    rules.index_properties = index_properties;
    return rules;
}

std::string default_cache_dir(const std::string& account, const std::optional<std::string>& container) {
    std::string dir = "/var/cache/azblobfs/" + account;
    if (container) dir += "-" + *container;
    return dir;
}

std::string fs_name(const std::string& account, const std::optional<std::string>& container) {
    std::string name = "azblobfs:" + account;
    if (container) name += "/" + *container;
    return name;
}

Result<MountSettings> validate_mount_flags(const MountFlags& flags, const AccountConfig& account,
                                           const std::string& log_level) {
    MountSettings s;
    if (flags.mountpoint.empty()) return bad("missing MOUNTPOINT");
    s.mountpoint = absolute_path(flags.mountpoint);
    s.account = account.account_name;
    if (!flags.container.empty()) {
        Status valid = validate_container_name(flags.container);
        if (!valid.is_ok()) return bad("--container: " + valid.message());
        s.fs.container = flags.container;
    }
    s.cache_dir = absolute_path(flags.cache_dir.empty() ? default_cache_dir(s.account, s.fs.container)
                                                        : flags.cache_dir);
    auto size = parse_size(flags.cache_size);
    if (!size) return size.status().with_context("--cache-size");
    if (*size < kMinCacheSize) return bad("--cache-size must be at least 64M");
    s.cache_size = *size;
    s.block_limit = *size - index_reserve(*size);
    AZB_RETURN_IF_ERROR(fill_fs_options(flags, s.fs, s.reads));
    s.foreground = flags.foreground;
    s.fuse_options = split_fuse_options(flags.fuse_options);
    s.read_only = flags.read_only;
    if (!(flags.upload_delay >= 0 && flags.upload_delay <= 3600)) return bad("--upload-delay must be 0 to 3600 seconds");
    if (flags.upload_threads < 1 || flags.upload_threads > 64) return bad("--upload-threads must be 1 to 64");
    s.upload_delay_s = flags.upload_delay;
    s.upload_threads = flags.upload_threads;
    // Dirty data may use half of the block space; writers wait for uploads beyond that.
    s.fs.dirty_limit_bytes = s.block_limit / 2;
    s.log_file = flags.log_file.empty() ? std::string() : absolute_path(flags.log_file);
    if (s.log_file.empty() && !s.foreground) s.log_file = s.cache_dir + "/azblobfs.log";
    s.log_level = log_level;
    AZB_ASSIGN_OR_RETURN(index::IndexRules rules,
                         index_rules_from_flags(flags.sidecars, flags.view_templates,
                                                flags.sidecar_max, flags.index_properties));
    s.index_rules = rules.for_mount(s.fs.container);
    return s;
}

}  // namespace azblobfs
