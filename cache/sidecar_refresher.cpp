#include "cache/sidecar_refresher.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <vector>

namespace azblobfs {
namespace {

struct BlobName {
    std::string container;
    std::string blob;
};

std::optional<BlobName> blob_of(const std::optional<std::string>& container, const std::string& path) {
    if (container) return BlobName{*container, path};
    auto slash = path.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == path.size()) return std::nullopt;
    return BlobName{path.substr(0, slash), path.substr(slash + 1)};
}

bool transient(Code code) { return code == Code::kUnavailable || code == Code::kThrottled; }

}  // namespace

SidecarRefresher::SidecarRefresher(std::shared_ptr<BlobStore> store, std::shared_ptr<SidecarIndex> index,
                                   std::shared_ptr<Journal> journal, SidecarRefresherOptions options)
    : store_(std::move(store)), index_(std::move(index)), journal_(std::move(journal)),
      options_(std::move(options)) {}

SidecarRefresher::~SidecarRefresher() { stop(); }

SidecarRefresher::Outcome SidecarRefresher::refresh(const PendingSidecar& p, uint64_t* bytes,
                                                    Status* failure) {
    auto name = blob_of(options_.container, p.path);
    bool journaled = false;
    if (journal_ && name) {
        auto record = journal_->get(p.path);
        journaled = record.is_ok() && record->has_value();
    }
    if (!name || p.etag.empty() || journaled) {
        Status st = index_->drop_pending(p);
        if (!st.is_ok()) *failure = st;
        return st.is_ok() ? Outcome::kDropped : Outcome::kFailed;
    }
    const uint64_t limit = index_->rules().max_sidecar_bytes;
    if (p.size > limit) {
        index::SidecarSkip skip{index::over_limit_reason(p.size, limit)};
        Status st = index_->store_read(p, p.etag, skip);
        if (!st.is_ok()) *failure = st;
        return st.is_ok() ? Outcome::kRead : Outcome::kFailed;
    }
    auto got = store_->read(name->container, name->blob, 0, 0, p.etag);
    if (!got) {
        Code code = got.status().code();
        if (transient(code) || code == Code::kAuthFailed) {
            *failure = got.status().with_context("sidecar " + p.path);
            return Outcome::kFailed;
        }
        if (code != Code::kNotFound && code != Code::kPreconditionFailed && code != Code::kInvalidRange) {
            spdlog::warn("sidecar index: cannot read {}: {}", p.path, got.status().to_string());
        }
        Status st = index_->drop_pending(p);
        if (!st.is_ok()) *failure = st;
        return st.is_ok() ? Outcome::kDropped : Outcome::kFailed;
    }
    *bytes += got->data.size();
    Status st = index_->store_read(p, got->etag, index::flatten_sidecar(got->data, limit));
    if (!st.is_ok()) *failure = st;
    return st.is_ok() ? Outcome::kRead : Outcome::kFailed;
}

SidecarRefreshRound SidecarRefresher::run_once() {
    SidecarRefreshRound round;
    auto batch = index_->pending(options_.batch);
    if (!batch) {
        round.failure = batch.status();
        return round;
    }
    const size_t n = batch->size();
    std::atomic<size_t> next{0};
    std::mutex mu;  // guards round
    auto work = [&] {
        for (size_t i = next++; i < n; i = next++) {
            uint64_t bytes = 0;
            Status failure;
            Outcome out = refresh((*batch)[i], &bytes, &failure);
            std::lock_guard<std::mutex> lock(mu);
            round.bytes += bytes;
            if (out == Outcome::kRead) ++round.read;
            if (out == Outcome::kDropped) ++round.dropped;
            if (out == Outcome::kFailed && round.failure.is_ok()) round.failure = failure;
            if (out == Outcome::kFailed) next = n;  // stop the round: the store is failing
        }
    };
    std::vector<std::thread> workers;
    const size_t want = std::min<size_t>(static_cast<size_t>(std::max(options_.threads, 1)), n);
    for (size_t t = 1; t < want; ++t) {
        try {
            workers.emplace_back(work);
        } catch (const std::exception&) {
            break;  // fewer threads: the calling thread still does the work
        }
    }
    work();
    for (auto& w : workers) w.join();
    reads_ += round.read;
    bytes_ += round.bytes;
    if (!round.failure.is_ok()) ++failures_;
    return round;
}

void SidecarRefresher::loop() {
    bool warned = false;
    while (true) {
        SidecarRefreshRound round = run_once();
        if (!round.failure.is_ok() && !warned) {
            spdlog::warn("sidecar index: re-reading changed sidecars paused: {}", round.failure.to_string());
        }
        warned = !round.failure.is_ok();
        bool busy = round.failure.is_ok() && (round.read + round.dropped) > 0;
        std::unique_lock<std::mutex> lock(mu_);
        if (stopping_) return;
        if (!busy) {
            cv_.wait_for(lock, std::chrono::duration<double>(options_.idle_s),
                         [&] { return stopping_ || woken_; });
        }
        woken_ = false;
        if (stopping_) return;
    }
}

void SidecarRefresher::start() {
    std::lock_guard<std::mutex> lock(mu_);
    if (thread_.joinable()) return;
    stopping_ = false;
    try {
        thread_ = std::thread([this] { loop(); });
    } catch (const std::exception& e) {
        spdlog::error("sidecar index: cannot start the refresh thread: {}", e.what());
    }
}

void SidecarRefresher::stop() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void SidecarRefresher::wake() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        woken_ = true;
    }
    cv_.notify_all();
}

SidecarRefresherStats SidecarRefresher::stats() const {
    return SidecarRefresherStats{reads_.load(), bytes_.load(), failures_.load()};
}

}  // namespace azblobfs
