#include "cache/flusher.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "cache/uploader.h"

namespace azblobfs {
namespace {

constexpr int64_t kNs = 1000000000LL;
constexpr int64_t kFirstBackoffNs = 1 * kNs;
constexpr int64_t kMaxBackoffNs = 60 * kNs;
constexpr int kMaxSourceChain = 64;

int64_t system_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool transient(const Status& s) {
    return s.code() == Code::kUnavailable || s.code() == Code::kThrottled || s.code() == Code::kIoError;
}

}  // namespace

// Lock order: a thread takes the path's lock (PathLocks) first and mu_ only briefly, never the
// other way round; mu_ is never held across an upload.
class Flusher::Impl {
public:
    Impl(std::shared_ptr<BlobStore> store, std::shared_ptr<Journal> journal,
         std::shared_ptr<MetadataIndex> index, std::shared_ptr<BaseReader> base,
         std::shared_ptr<PathLocks> locks, FlusherOptions options)
        : store_(std::move(store)), journal_(std::move(journal)), index_(std::move(index)),
          base_(std::move(base)), locks_(std::move(locks)), options_(std::move(options)) {
        if (!options_.clock_ns) options_.clock_ns = system_now_ns;
        uploader_ = std::make_unique<Uploader>(*store_, *journal_, *index_, *base_, options_.clock_ns);
    }

    ~Impl() { stop(); }

    void start() {
        auto records = journal_->records();
        if (records.is_ok()) {
            std::lock_guard lock(mu_);
            for (const auto& [path, r] : *records) due_[path] = 0;  // resume at once
            if (!records->empty()) {
                spdlog::info("journal: resuming {} pending upload(s) left by the previous mount",
                             records->size());
            }
        } else {
            spdlog::error("journal: cannot read pending uploads: {}", records.status().to_string());
        }
        std::lock_guard lock(mu_);
        stopping_ = false;
        for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { run(); });
    }

    void stop() {
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
        }
        cv_.notify_all();
        for (auto& t : threads_) t.join();
        threads_.clear();
    }

    void schedule(const std::string& path) {
        int64_t due = options_.clock_ns() + static_cast<int64_t>(options_.upload_delay_s * kNs);
        {
            std::lock_guard lock(mu_);
            due_[path] = due;
            backoff_.erase(path);
        }
        cv_.notify_one();
    }

    // Uploads `path` now in this thread; the outcome is recorded in the stats. A path whose blob
    // is the source of other records uploads those first, then itself once more; a failure of
    // one of them (other than a conflict, which drops its record) is returned without the retry.
    // Sources form no cycle (journal.h); `depth` bounds the nesting all the same.
    Status upload_now(const std::string& path, int depth = 0) {
        Status result = Status::ok();
        std::vector<std::string> first;
        {
            auto path_lock = locks_->lock(path);
            Result<UploadOutcome> outcome = uploader_->upload(path);
            result = record(path, outcome);
            if (outcome.is_ok()) first = outcome->waits_for;
        }
        progress_cv_.notify_all();
        if (first.empty()) return result;
        if (depth >= kMaxSourceChain) {
            spdlog::error("upload of {} waits for a chain of over {} renamed blobs; retried later",
                          path, kMaxSourceChain);
            return result;
        }
        Status conflict = Status::ok();
        for (const std::string& dependent : first) {
            Status st = upload_now(dependent, depth + 1);
            if (!st.is_ok() && st.code() != Code::kPreconditionFailed) return st;
            if (!st.is_ok() && conflict.is_ok()) conflict = st;
        }
        Status again = upload_now(path, depth + 1);
        return again.is_ok() ? conflict : again;
    }

    // Passes over the journal until it is empty or a pass changes nothing (a directory's
    // tombstone waits for the changes below it, which come later in key order).
    // A conflict is reported even when a later pass succeeds; other failures only when the last
    // pass still had them (a tombstone that waited in one pass goes in the next).
    Status flush_all() {
        Status conflict = Status::ok();
        for (;;) {
            auto records = journal_->records();
            if (!records.is_ok()) return records.status();
            if (records->empty()) return conflict;
            Status first = Status::ok();
            for (const auto& [path, r] : *records) {
                Status st = upload_now(path);
                if (st.code() == Code::kPreconditionFailed && conflict.is_ok()) conflict = st;
                if (!st.is_ok() && first.is_ok()) first = st;
            }
            if (journal_->stats().records >= records->size()) return first.is_ok() ? conflict : first;
        }
    }

    void make_all_due() {
        auto records = journal_->records();
        std::lock_guard lock(mu_);
        if (records.is_ok()) {
            for (const auto& [path, r] : *records) {
                auto it = backoff_.find(path);
                if (it == backoff_.end()) due_[path] = 0;
            }
        }
        cv_.notify_all();
    }

    Status drain(const std::function<void(const FlusherStats&)>& progress,
                 const std::atomic<bool>& interrupted) {
        while (!interrupted.load()) {
            if (journal_->stats().records == 0) return Status::ok();
            if (options_.threads == 0) {
                (void)flush_all();
            } else {
                make_all_due();
            }
            if (progress) progress(stats());
            std::unique_lock lock(mu_);
            progress_cv_.wait_for(lock, std::chrono::seconds(1));
        }
        return Status(Code::kUnavailable, "interrupted with " +
                                              std::to_string(journal_->stats().records) +
                                              " upload(s) pending; they stay in the journal");
    }

    bool wait_for_progress(uint64_t dirty_before, std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (journal_->stats().dirty_bytes < dirty_before) return true;
            if (options_.threads == 0) {
                (void)flush_all();
                continue;
            }
            make_all_due();
            std::unique_lock lock(mu_);
            progress_cv_.wait_for(lock, std::chrono::milliseconds(200));
        }
        return journal_->stats().dirty_bytes < dirty_before;
    }

    std::optional<std::string> take_conflict(const std::string& path) {
        std::lock_guard lock(mu_);
        auto it = conflicts_.find(path);
        if (it == conflicts_.end()) return std::nullopt;
        std::string blob = it->second;
        conflicts_.erase(it);
        return blob;
    }

    FlusherStats stats() {
        FlusherStats s;
        JournalStats j = journal_->stats();
        s.pending_records = j.records;
        s.dirty_bytes = j.dirty_bytes;
        s.uploads = uploads_.load();
        s.bytes_uploaded = bytes_.load();
        s.blocks_staged = staged_.load();
        s.blocks_reused = reused_.load();
        s.conflicts = conflict_count_.load();
        s.failures = failures_.load();
        return s;
    }

private:
    Status record(const std::string& path, const Result<UploadOutcome>& outcome) {
        if (!outcome.is_ok()) {
            ++failures_;
            spdlog::error("upload of {} failed (kept in the journal, will retry): {}", path,
                          outcome.status().to_string());
            return outcome.status();
        }
        bytes_ += outcome->bytes;
        staged_ += outcome->staged;
        reused_ += outcome->reused;
        if (outcome->kind == UploadOutcome::Kind::kNothing) return Status::ok();
        if (outcome->kind == UploadOutcome::Kind::kWaiting) {
            return Status(Code::kUnavailable, path + (outcome->waits_for.empty()
                                                          ? " waits for the changes below it"
                                                          : " waits for the uploads that copy its blob"));
        }
        if (!outcome->released.empty()) {
            std::lock_guard lock(mu_);  // the source's own upload may go now
            auto it = due_.find(outcome->released);
            if (it != due_.end()) it->second = 0;
            backoff_.erase(outcome->released);
            cv_.notify_one();
        }
        ++uploads_;
        if (outcome->kind == UploadOutcome::Kind::kConflict) {
            ++conflict_count_;
            std::lock_guard lock(mu_);
            conflicts_[path] = outcome->conflict_blob;
            if (outcome->conflict_blob.empty()) {
                return Status(Code::kPreconditionFailed,
                              path + " was not committed: another writer changed the blob it came from");
            }
            return Status(Code::kPreconditionFailed,
                          path + " was changed by another writer; the local version is kept as " +
                              outcome->conflict_blob);
        }
        return Status::ok();
    }

    // The next due path, or empty after stop(). Waits as needed.
    std::optional<std::string> next_due() {
        std::unique_lock lock(mu_);
        while (!stopping_) {
            int64_t now = options_.clock_ns();
            auto best = due_.end();
            for (auto it = due_.begin(); it != due_.end(); ++it) {
                if (busy_.count(it->first) != 0) continue;
                if (best == due_.end() || it->second < best->second) best = it;
            }
            if (best != due_.end() && best->second <= now) {
                std::string path = best->first;
                due_.erase(best);
                busy_.insert(path);
                return path;
            }
            auto wait = best == due_.end() ? std::chrono::nanoseconds(kNs)
                                           : std::chrono::nanoseconds(std::min(best->second - now, kNs));
            cv_.wait_for(lock, wait);
        }
        return std::nullopt;
    }

    void run() {
        while (auto path = next_due()) {
            Status st = upload_now(*path);
            std::lock_guard lock(mu_);
            busy_.erase(*path);
            if (st.is_ok() || st.code() == Code::kPreconditionFailed) {
                backoff_.erase(*path);
                continue;
            }
            int64_t& b = backoff_[*path];
            b = transient(st) ? std::min(b == 0 ? kFirstBackoffNs : b * 2, kMaxBackoffNs) : kMaxBackoffNs;
            int64_t due = options_.clock_ns() + b;
            auto it = due_.find(*path);
            if (it == due_.end() || it->second > due) due_[*path] = due;
        }
    }

    std::shared_ptr<BlobStore> store_;
    std::shared_ptr<Journal> journal_;
    std::shared_ptr<MetadataIndex> index_;
    std::shared_ptr<BaseReader> base_;
    std::shared_ptr<PathLocks> locks_;
    FlusherOptions options_;
    std::unique_ptr<Uploader> uploader_;

    std::mutex mu_;  // guards the members below
    std::condition_variable cv_;           // work became due / stop
    std::condition_variable progress_cv_;  // an upload finished
    bool stopping_ = false;
    std::map<std::string, int64_t> due_;      // path -> when its upload is due
    std::map<std::string, int64_t> backoff_;  // path -> current retry delay
    std::set<std::string> busy_;              // paths being uploaded by a thread
    std::map<std::string, std::string> conflicts_;  // path -> conflict blob, until taken
    std::vector<std::thread> threads_;

    std::atomic<uint64_t> uploads_{0}, bytes_{0}, staged_{0}, reused_{0}, conflict_count_{0},
        failures_{0};
};

Flusher::Flusher(std::shared_ptr<BlobStore> store, std::shared_ptr<Journal> journal,
                 std::shared_ptr<MetadataIndex> index, std::shared_ptr<BaseReader> base,
                 std::shared_ptr<PathLocks> locks, FlusherOptions options)
    : impl_(std::make_unique<Impl>(std::move(store), std::move(journal), std::move(index),
                                   std::move(base), std::move(locks), std::move(options))) {}
Flusher::~Flusher() = default;

void Flusher::start() { impl_->start(); }
void Flusher::stop() { impl_->stop(); }
void Flusher::schedule(const std::string& path) { impl_->schedule(path); }
Status Flusher::commit_now(const std::string& path) { return impl_->upload_now(path); }
Status Flusher::flush_all() { return impl_->flush_all(); }
Status Flusher::drain(const std::function<void(const FlusherStats&)>& progress,
                      const std::atomic<bool>& interrupted) {
    return impl_->drain(progress, interrupted);
}
std::optional<std::string> Flusher::take_conflict(const std::string& path) {
    return impl_->take_conflict(path);
}
bool Flusher::wait_for_progress(uint64_t dirty_before, std::chrono::milliseconds timeout) {
    return impl_->wait_for_progress(dirty_before, timeout);
}
FlusherStats Flusher::stats() { return impl_->stats(); }

}  // namespace azblobfs
