// <cache-dir>/status.json: what a running mount reports about itself, rewritten every
// kStatusIntervalSeconds and once more at exit (state "unmounted"). `azblobfs status` prints it.
//
// Fields (all present in every write):
//   pid, mountpoint, cache_dir, account, container (null: whole account), state
//   ("mounted" | "unmounted"), offline (mounted without reaching the endpoint), started_at and
//   updated_at (Unix seconds), skipped_names, offline_answers, bytes_fetched, range_requests,
//   cache {limit_bytes, used_bytes, blocks, hits, misses, evictions},
//   env {map_size, file_bytes, used_pages_bytes},
//   index {entries, listed_dirs} (null values when the index could not be read),
//   sidecar_index {sidecars_indexed, sidecars_skipped, sidecars_pending, files, field_rows,
//   incomplete, reads, bytes_fetched} (null values when it could not be read).
// Writes are atomic (temporary file + rename): a reader never sees half a file.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "blob/metered_blob_store.h"
#include "cache/cache_env.h"
#include "cache/metadata_index.h"
#include "cache/sidecar_index.h"
#include "cache/sidecar_refresher.h"
#include "common/status.h"
#include "fs/filesystem.h"

namespace azblobfs {

struct StatusSnapshot {
    pid_t pid = 0;
    std::string mountpoint;
    std::string cache_dir;
    std::string account;
    std::optional<std::string> container;
    bool mounted = true;
    bool offline = false;
    int64_t started_at = 0;
    int64_t updated_at = 0;
    FsStatus fs;
    CacheEnvStats env;
    RequestCounts requests;  // sent to the store since the mount started
    std::optional<IndexStats> index;
    std::optional<SidecarIndexStats> sidecars;
    SidecarRefresherStats refresher;
};

std::string status_file_path(const std::string& cache_dir);
std::string status_json_text(const StatusSnapshot& snapshot);
Status write_status_file(const std::string& cache_dir, const std::string& text);
// The text of status.json; NotFound naming the directory when there is none.
Result<std::string> read_status_file(const std::string& cache_dir);
// "pid N, mounted at M" when status.json names a running azblobfs process as its writer.
std::optional<std::string> describe_running_mount(const std::string& cache_dir);

// Calls `write` now and then every `period` on its own thread until stop() or destruction.
// Start it with the termination signals blocked (see fuse_mount.h).
class PeriodicWriter {
public:
    PeriodicWriter(std::function<void()> write, std::chrono::milliseconds period);
    ~PeriodicWriter();
    PeriodicWriter(const PeriodicWriter&) = delete;
    PeriodicWriter& operator=(const PeriodicWriter&) = delete;

    void stop();

private:
    void loop();

    std::function<void()> write_;
    std::chrono::milliseconds period_;
    std::mutex mu_;                  // guards stopping_
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;             // last member: starts after everything it uses exists
};

}  // namespace azblobfs
