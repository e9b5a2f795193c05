#include "cli/status_file.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/mount_registry.h"

namespace azblobfs {
namespace {

nlohmann::json cache_json(const BlockCacheStats& c) {
    return {{"limit_bytes", c.limit_bytes}, {"used_bytes", c.used_bytes}, {"blocks", c.blocks},
            {"hits", c.hits},               {"misses", c.misses},         {"evictions", c.evictions}};
}

nlohmann::json sidecar_json(const StatusSnapshot& s) {
    nlohmann::json j = {{"reads", s.refresher.reads}, {"bytes_fetched", s.refresher.bytes_fetched}};
    const char* keys[] = {"sidecars_indexed", "sidecars_skipped", "sidecars_pending", "files",
                          "field_rows", "incomplete"};
    for (const char* k : keys) j[k] = nullptr;
    if (!s.sidecars) return j;
    j["sidecars_indexed"] = s.sidecars->sidecars_indexed;
    j["sidecars_skipped"] = s.sidecars->sidecars_skipped;
    j["sidecars_pending"] = s.sidecars->sidecars_pending;
    j["files"] = s.sidecars->files;
    j["field_rows"] = s.sidecars->field_rows;
    j["incomplete"] = s.sidecars->incomplete;
    return j;
}

nlohmann::json index_json(const std::optional<IndexStats>& index) {
    if (!index) return {{"entries", nullptr}, {"listed_dirs", nullptr}};
    return {{"entries", index->entries}, {"listed_dirs", index->listed_dirs}};
}

}  // namespace

std::string status_file_path(const std::string& cache_dir) { return cache_dir + "/status.json"; }

std::string status_json_text(const StatusSnapshot& s) {
    nlohmann::json j;
    j["pid"] = s.pid;
    j["mountpoint"] = s.mountpoint;
    j["cache_dir"] = s.cache_dir;
    j["account"] = s.account;
    j["container"] = s.container ? nlohmann::json(*s.container) : nlohmann::json(nullptr);
    j["state"] = s.mounted ? "mounted" : "unmounted";
    j["offline"] = s.offline;
    j["started_at"] = s.started_at;
    j["updated_at"] = s.updated_at;
    j["skipped_names"] = s.fs.skipped_names;
    j["offline_answers"] = s.fs.offline_answers;
    j["bytes_fetched"] = s.fs.bytes_fetched;
    j["range_requests"] = s.fs.range_requests;
    const RequestCounts& r = s.requests;
    j["requests"] = {{"list_containers", r.list_containers}, {"list_blobs", r.list_blobs},
                     {"get_properties", r.get_properties}, {"get", r.get},
                     {"put_blob", r.put_blob}, {"put_block", r.put_block},
                     {"put_block_list", r.put_block_list}, {"delete_blob", r.delete_blob},
                     {"copy_blob", r.copy_blob}, {"set_metadata", r.set_metadata},
                     {"set_tier", r.set_tier}, {"containers_changed", r.containers_changed},
                     {"bytes_read", r.bytes_read}, {"bytes_written", r.bytes_written}};
    if (s.fs.write_back) {
        const FlusherStats& w = *s.fs.write_back;
        j["write_back"] = {{"pending_records", w.pending_records}, {"dirty_bytes", w.dirty_bytes},
                           {"uploads", w.uploads},         {"bytes_uploaded", w.bytes_uploaded},
                           {"blocks_staged", w.blocks_staged}, {"blocks_reused", w.blocks_reused},
                           {"conflicts", w.conflicts},     {"failures", w.failures}};
    }
    j["cache"] = cache_json(s.fs.cache);
    j["env"] = {{"map_size", s.env.map_size}, {"file_bytes", s.env.file_bytes},
                {"used_pages_bytes", s.env.used_pages_bytes}};
    j["index"] = index_json(s.index);
    j["sidecar_index"] = sidecar_json(s);
    return j.dump(2) + "\n";
}

Status write_status_file(const std::string& cache_dir, const std::string& text) {
    std::string path = status_file_path(cache_dir);
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
        out.flush();
        if (!out) return Status(Code::kIoError, "cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status(Code::kIoError, "cannot replace " + path);
    return Status::ok();
}

Result<std::string> read_status_file(const std::string& cache_dir) {
    std::string path = status_file_path(cache_dir);
    std::ifstream in(path);
    if (!in) return Status(Code::kNotFound, "no status file " + path + ": no mount has used cache directory " + cache_dir);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

std::optional<std::string> describe_running_mount(const std::string& cache_dir) {
    auto text = read_status_file(cache_dir);
    if (!text) return std::nullopt;
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("pid") || !j["pid"].is_number_integer()) return std::nullopt;
    auto pid = j["pid"].get<pid_t>();
    if (j.value("state", "") != "mounted" || !is_azblobfs_process(pid)) return std::nullopt;
    return "pid " + std::to_string(pid) + ", mounted at " + j.value("mountpoint", "?");
}

PeriodicWriter::PeriodicWriter(std::function<void()> write, std::chrono::milliseconds period)
    : write_(std::move(write)), period_(period), thread_([this] { loop(); }) {}

PeriodicWriter::~PeriodicWriter() { stop(); }

void PeriodicWriter::stop() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PeriodicWriter::loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
        lock.unlock();
        write_();
        lock.lock();
        cv_.wait_for(lock, period_, [this] { return stopping_; });
    }
}

}  // namespace azblobfs
