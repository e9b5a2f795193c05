#include "cache/read_path.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace azblobfs {

namespace {

constexpr uint64_t B = BlockCache::kBlockSize;

struct Run {
    uint64_t first;
    uint64_t count;
};

// Groups sorted block indices into runs of consecutive blocks of at most max_len blocks.
std::vector<Run> consecutive_runs(const std::vector<uint64_t>& blocks, uint64_t max_len) {
    std::vector<Run> runs;
    for (uint64_t b : blocks) {
        if (!runs.empty() && runs.back().first + runs.back().count == b &&
            runs.back().count < max_len) {
            ++runs.back().count;
        } else {
            runs.push_back(Run{b, 1});
        }
    }
    return runs;
}

}  // namespace

ReadPath::ReadPath(BlobStore& store, VersionGate& gate, uint64_t readahead_max_bytes,
                   int fetch_threads)
    : store_(store), gate_(gate), readahead_max_(readahead_max_bytes), pool_(fetch_threads) {}

Result<std::string> ReadPath::read(const FileVersion& v, uint64_t offset, uint64_t size) {
    if (offset >= v.size || size == 0) return std::string();
    uint64_t end = v.size - offset < size ? v.size : offset + size;
    uint64_t first = offset / B;
    uint64_t last = (end - 1) / B;
    std::vector<std::string> blocks(last - first + 1);
    std::vector<uint64_t> missing;
    for (uint64_t b = first; b <= last; ++b) {
        Result<bool> hit = gate_.get(v.file_id, v.etag, b, &blocks[b - first]);
        if (!hit.is_ok() || !*hit) {
            blocks[b - first].clear();
            missing.push_back(b);
        }
    }
    InflightBlocks::Claim claim = inflight_.claim(v.file_id, v.etag, missing);
    Status error;
    std::vector<Run> runs = consecutive_runs(claim.mine, UINT64_MAX);
    size_t done = 0;
    for (const Run& run : runs) {
        if (!error.is_ok()) break;
        error = fetch_run(v, run.first, run.count, &blocks, first);
        done += run.count;
    }
    if (!error.is_ok()) fail_claims(v, claim.mine, done, error);
    for (auto& [b, pending] : claim.waits) {
        Result<std::string> data = inflight_.wait(pending);
        if (!data.is_ok()) {
            if (error.is_ok()) error = data.status();
            continue;
        }
        blocks[b - first] = std::move(data).value();
    }
    if (!error.is_ok()) return error;

    std::string out;
    out.reserve(end - offset);
    for (uint64_t b = first; b <= last; ++b) {
        const std::string& data = blocks[b - first];
        uint64_t block_start = b * B;
        uint64_t from = std::max(offset, block_start) - block_start;
        uint64_t to = std::min(end, block_start + data.size()) - block_start;
        if (from > to || block_start + data.size() < std::min(end, block_start + B)) {
            return Status(Code::kInternal, "block " + std::to_string(b) + " of " + v.path +
                                               " is shorter than the blob size says");
        }
        out.append(data, from, to - from);
    }
    return out;
}

Status ReadPath::fetch_run(const FileVersion& v, uint64_t first, uint64_t count,
                           std::vector<std::string>* out, uint64_t out_first) {
    uint64_t start = first * B;
    uint64_t stop = std::min(v.size, (first + count) * B);
    range_requests_.fetch_add(1);
    Result<ReadResult> got = store_.read(v.container, v.blob, start, stop - start, v.etag);
    if (got.is_ok() && got->data.size() != stop - start) {
        got = Status(Code::kInternal, "ranged GET of " + v.path + " returned " +
                                          std::to_string(got->data.size()) + " bytes, expected " +
                                          std::to_string(stop - start));
    }
    if (!got.is_ok()) {
        std::vector<uint64_t> blocks;
        for (uint64_t b = first; b < first + count; ++b) blocks.push_back(b);
        fail_claims(v, blocks, 0, got.status());
        return got.status();
    }
    bytes_fetched_.fetch_add(got->data.size());
    const std::string& data = got->data;
    for (uint64_t b = first; b < first + count; ++b) {
        uint64_t from = (b - first) * B;
        std::string block = data.substr(from, std::min<uint64_t>(B, data.size() - from));
        cache_block(v, b, block);
        if (out) (*out)[b - out_first] = block;
        inflight_.complete(v.file_id, v.etag, b, Status::ok(), std::move(block));
    }
    return Status::ok();
}

void ReadPath::cache_block(const FileVersion& v, uint64_t index, std::string_view data) {
    Status put = gate_.put(v.file_id, v.etag, index, data);
    if (put.is_ok() || warned_cache_full_.exchange(true)) return;
    spdlog::warn("block cache refused a block of {} ({}); reads are answered from the network "
                 "without caching (warned once per mount)",
                 v.path, put.to_string());
}

void ReadPath::fail_claims(const FileVersion& v, const std::vector<uint64_t>& blocks, size_t from,
                           const Status& status) {
    for (size_t i = from; i < blocks.size(); ++i) {
        inflight_.complete(v.file_id, v.etag, blocks[i], status, std::string());
    }
}

void ReadPath::after_read(ReadAheadState& state, const FileVersion& v, uint64_t offset,
                          uint64_t end) {
    uint64_t first = 0;
    uint64_t last = 0;
    {
        std::lock_guard lock(state.mu);
        // With asynchronous reads the kernel sends a stream's requests slightly out of order.
        // A read starting up to kSequentialSlack behind where the stream got to belongs to the
        // stream but schedules nothing; one starting at or up to kSequentialSlack past it is
        // sequential; anything else is random and restarts the stream.
        bool behind = state.has_previous && offset < state.previous_end &&
                      offset + kSequentialSlack >= state.previous_end;
        if (behind) {
            state.previous_end = std::max(state.previous_end, end);
            return;
        }
        bool sequential = state.has_previous && offset >= state.previous_end &&
                          offset <= state.previous_end + kSequentialSlack;
        state.previous_end = end;
        state.has_previous = true;
        const uint64_t end_block = (end - 1) / B;
        if (!sequential || readahead_max_ == 0) {
            // The read fetched what it covers, nothing more: a reader that stops here (a
            // header read) costs exactly that.
            state.window = 0;
            state.next_block = end_block + 1;
            state.trigger_block = state.next_block;
            return;
        }
        // Still inside what was fetched or scheduled before the trigger: nothing to add.
        if (end_block < state.trigger_block) return;
        state.window = state.window == 0 ? std::min(kInitialWindow, readahead_max_)
                                         : std::min(state.window * 2, readahead_max_);
        uint64_t ahead_end = std::min(v.size, end + state.window);
        first = std::max(end_block + 1, state.next_block);
        if (ahead_end <= end || first * B >= ahead_end) {
            state.trigger_block = std::max(state.next_block, end_block + 1);
            return;
        }
        last = (ahead_end - 1) / B;
        // The next window is scheduled when the reader enters this one.
        state.trigger_block = first;
        state.next_block = last + 1;
    }
    std::vector<uint64_t> wanted;
    for (uint64_t b = first; b <= last; ++b) wanted.push_back(b);
    std::vector<uint64_t> mine = inflight_.claim_free(v.file_id, v.etag, wanted);
    for (const Run& run : consecutive_runs(mine, kBlocksPerReadAheadGet)) {
        std::vector<uint64_t> group;
        for (uint64_t b = run.first; b < run.first + run.count; ++b) group.push_back(b);
        pool_.submit([this, v, group] { read_ahead(v, group); },
                     [this, v, group] {
                         fail_claims(v, group, 0, Status(Code::kUnavailable, "mount is stopping"));
                     });
    }
}

// Runs on the fetch pool: fetches the blocks of `blocks` (all claimed by us) not yet cached.
void ReadPath::read_ahead(const FileVersion& v, const std::vector<uint64_t>& blocks) {
    std::vector<uint64_t> need;
    for (uint64_t b : blocks) {
        std::string data;
        Result<bool> hit = gate_.get(v.file_id, v.etag, b, &data);
        if (hit.is_ok() && *hit) {
            inflight_.complete(v.file_id, v.etag, b, Status::ok(), std::move(data));
        } else {
            need.push_back(b);
        }
    }
    std::vector<Run> runs = consecutive_runs(need, kBlocksPerReadAheadGet);
    for (size_t i = 0; i < runs.size(); ++i) {
        Status st = fetch_run(v, runs[i].first, runs[i].count, nullptr, 0);
        if (st.is_ok()) continue;
        spdlog::debug("read-ahead of {} stopped: {}", v.path, st.to_string());
        for (size_t j = i + 1; j < runs.size(); ++j) {
            std::vector<uint64_t> rest;
            for (uint64_t b = runs[j].first; b < runs[j].first + runs[j].count; ++b) rest.push_back(b);
            fail_claims(v, rest, 0, st);
        }
        return;
    }
}

}  // namespace azblobfs
