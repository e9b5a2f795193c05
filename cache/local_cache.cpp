#include "cache/local_cache.h"

#include <spdlog/spdlog.h>

namespace azblobfs {

LocalCache::LocalCache(std::shared_ptr<BlobStore> store, LocalCacheParts parts,
                       LocalCacheOptions options)
    : index_(std::move(parts.index)),
      base_(std::make_shared<BaseReader>(store, std::move(parts.blocks), options.reads)),
      sidecars_(std::move(parts.sidecars)) {
    if (options.write_back && parts.journal) {
        journal_ = std::move(parts.journal);
        locks_ = std::make_shared<PathLocks>();
        flusher_ = std::make_shared<Flusher>(std::move(store), journal_, index_, base_, locks_,
                                             *options.write_back);
    }
}

LocalCache::~LocalCache() { stop_uploads(); }

void LocalCache::start_uploads() {
    if (flusher_) flusher_->start();
}

void LocalCache::stop_uploads() {
    if (flusher_) flusher_->stop();
}

Result<std::vector<EntryRecord>> LocalCache::apply(const JournalBatch& batch) {
    if (!journal_) return Status(Code::kReadOnly, "this mount is read-only");
    uint64_t incoming = 0;
    for (const auto& b : batch.put_blocks) incoming += b.data.size();
    Result<std::vector<EntryRecord>> applied = journal_->apply(batch);
    for (int attempt = 1; !applied.is_ok() && applied.status().code() == Code::kNoSpace && attempt <= 3;
         ++attempt) {
        // The map is full: clean blocks go first, more on every attempt.
        AZB_RETURN_IF_ERROR(blocks().make_room(attempt * (incoming + (8u << 20))));
        applied = journal_->apply(batch);
    }
    if (!applied.is_ok() && applied.status().code() == Code::kNoSpace) {
        spdlog::error("write refused: the cache directory is full of data not yet uploaded: {}",
                      applied.status().to_string());
    }
    return applied;
}

}  // namespace azblobfs
