// Blocks being fetched right now, so that a block is fetched once even when several readers
// and the read-ahead want it at the same time.
//
// A caller claim()s the blocks it is missing: for each block either it becomes the fetcher
// (and must later complete() it exactly once, with data or an error) or it gets a Pending to
// wait() on. Fetchers never wait while they hold unfinished claims, so waiting cannot deadlock.
// Keys include the ETag: fetches of two versions of a file never meet.
// Thread-safe (one mutex and condition variable; neither held across I/O).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "common/status.h"

namespace azblobfs {

class InflightBlocks {
public:
    struct Pending {
        bool done = false;
        Status status;
        std::string data;       // the block's bytes when status is ok
    };

    struct Claim {
        std::vector<uint64_t> mine;                                  // blocks this caller fetches
        std::vector<std::pair<uint64_t, std::shared_ptr<Pending>>> waits;  // fetched by others
    };

    Claim claim(uint64_t file_id, const std::string& etag, const std::vector<uint64_t>& blocks);
    // Claims only the blocks no one is fetching (read-ahead never waits).
    std::vector<uint64_t> claim_free(uint64_t file_id, const std::string& etag,
                                     const std::vector<uint64_t>& blocks);
    void complete(uint64_t file_id, const std::string& etag, uint64_t block, Status status,
                  std::string data);
    Result<std::string> wait(const std::shared_ptr<Pending>& pending);

private:
    using Key = std::tuple<uint64_t, std::string, uint64_t>;  // file_id, etag, block

    std::mutex mu_;                   // guards pending_ and every Pending's fields
    std::condition_variable done_cv_;
    std::map<Key, std::shared_ptr<Pending>> pending_;
};

}  // namespace azblobfs
