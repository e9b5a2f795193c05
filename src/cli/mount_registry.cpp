#include "cli/mount_registry.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace azblobfs {
namespace {

bool is_plain(char c, bool first) {
    if (first && c == '.') return false;
    return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '_' || c == '.';
}

std::string decode_octal_escapes(std::string_view field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            std::string_view oct = field.substr(i + 1, 3);
            bool ok = true;
            int v = 0;
            for (char c : oct) {
                if (c < '0' || c > '7') ok = false;
                v = v * 8 + (c - '0');
            }
            if (ok) {
                out.push_back(static_cast<char>(v));
                i += 3;
                continue;
            }
        }
        out.push_back(field[i]);
    }
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

}  // namespace

std::string escape_mount_path(std::string_view absolute_path) {
    std::string_view p = absolute_path;
    while (!p.empty() && p.front() == '/') p.remove_prefix(1);
    while (!p.empty() && p.back() == '/') p.remove_suffix(1);
    if (p.empty()) return "-";
    std::string out;
    for (size_t i = 0; i < p.size(); ++i) {
        char c = p[i];
        if (c == '/') {
            out.push_back('-');
        } else if (is_plain(c, i == 0)) {
            out.push_back(c);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
            out += hex;
        }
    }
    return out;
}

std::string pid_file_path(const std::string& run_dir, const std::string& mountpoint) {
    return run_dir + "/" + escape_mount_path(mountpoint) + ".pid";
}

Status write_pid_file(const std::string& run_dir, const std::string& mountpoint, pid_t pid) {
    std::error_code ec;
    std::filesystem::create_directories(run_dir, ec);
    if (ec) return Status(Code::kIoError, "cannot create " + run_dir + ": " + ec.message());
    std::string path = pid_file_path(run_dir, mountpoint);
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << pid << "\n" << mountpoint << "\n";
        if (!out) return Status(Code::kIoError, "cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        return Status(Code::kIoError, "cannot rename " + tmp + ": " + std::strerror(errno));
    }
    return Status::ok();
}

std::optional<pid_t> read_pid_file(const std::string& run_dir, const std::string& mountpoint) {
    std::ifstream in(pid_file_path(run_dir, mountpoint));
    long pid = 0;
    if (!(in >> pid) || pid <= 0) return std::nullopt;
    return static_cast<pid_t>(pid);
}

void remove_pid_file_if_ours(const std::string& run_dir, const std::string& mountpoint, pid_t pid) {
    auto stored = read_pid_file(run_dir, mountpoint);
    if (stored && *stored == pid) std::remove(pid_file_path(run_dir, mountpoint).c_str());
}

std::vector<MountEntry> parse_proc_mounts(std::string_view text) {
    std::vector<MountEntry> entries;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string source, target, type;
        if (!(fields >> source >> target >> type)) continue;
        entries.push_back({decode_octal_escapes(source), decode_octal_escapes(target), decode_octal_escapes(type)});
    }
    return entries;
}

std::optional<MountEntry> find_mount(const std::string& mountpoint) {
    std::optional<MountEntry> found;
    for (auto& entry : parse_proc_mounts(read_file("/proc/mounts"))) {
        if (entry.mountpoint == mountpoint) found = std::move(entry);
    }
    return found;
}

bool is_azblobfs_process(pid_t pid) {
    std::string proc = "/proc/" + std::to_string(pid);
    std::string stat = read_file(proc + "/stat");
    if (stat.empty()) return false;
    auto close_paren = stat.rfind(')');
    if (close_paren == std::string::npos || close_paren + 2 >= stat.size()) return false;
    if (stat[close_paren + 2] == 'Z' || stat[close_paren + 2] == 'X') return false;
    std::string comm = read_file(proc + "/comm");
    return comm.rfind("azblobfs", 0) == 0;
}

namespace {

// A one-line file, replaced atomically.
void write_line_file(const std::string& path, const std::string& line) {
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) return;
        out << line << "\n";
    }
    std::rename(tmp.c_str(), path.c_str());
}

std::optional<std::string> read_line_file(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) return std::nullopt;
    return line;
}

}  // namespace

std::string side_file_path(const std::string& run_dir, const std::string& mountpoint, SideFile kind) {
    return pid_file_path(run_dir, mountpoint) + (kind == SideFile::kProgress ? ".progress" : ".cache-dir");
}

void write_side_file(const std::string& run_dir, const std::string& mountpoint, SideFile kind,
                     const std::string& line) {
    write_line_file(side_file_path(run_dir, mountpoint, kind), line);
}

std::optional<std::string> read_side_file(const std::string& run_dir, const std::string& mountpoint,
                                          SideFile kind) {
    return read_line_file(side_file_path(run_dir, mountpoint, kind));
}

void remove_side_file(const std::string& run_dir, const std::string& mountpoint, SideFile kind) {
    std::remove(side_file_path(run_dir, mountpoint, kind).c_str());
}

}  // namespace azblobfs
