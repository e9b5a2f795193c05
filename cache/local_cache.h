// The cache façade: everything the filesystem keeps on local disk, in one object. fs/ holds
// one LocalCache and reaches every part of cache/ through it; nothing in cache/ calls fs/.
//
// It owns the metadata index, the reader of base versions (BaseReader: block cache, version
// gate, read path), and on a writable mount the journal, the path locks and the flusher, and
// the sidecar index when there is one. It holds the policy for a full LMDB map (apply()). It
// re-keys cached blocks after a commit inside itself (the flusher's uploader, through the
// BaseReader), so open handles follow this mount's commits by asking the gate.
//
// Built once by the composition root (src/cli, tests' stacks), which starts the uploads after
// the filesystem is built and stops them before the filesystem goes away (stop_uploads; the
// destructor stops them too). Thread-safe: every part is.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "blob/blob_store.h"
#include "cache/base_reader.h"
#include "cache/flusher.h"
#include "cache/journal.h"
#include "cache/metadata_index.h"
#include "cache/path_locks.h"
#include "cache/sidecar_index.h"
#include "common/status.h"

namespace azblobfs {

// The parts opened over one cache directory (open_cache_env).
struct LocalCacheParts {
    std::shared_ptr<MetadataIndex> index;
    std::shared_ptr<BlockCache> blocks;
    std::shared_ptr<Journal> journal;        // null: no write-back
    std::shared_ptr<SidecarIndex> sidecars;  // null: no sidecar index
};

struct LocalCacheOptions {
    BaseReaderOptions reads;
    // Set (and a journal given): a writable mount, uploads scheduled by these options. Unset: a
    // read-only mount; the journal is not used (what it holds uploads at a writable mount).
    std::optional<FlusherOptions> write_back;
};

class LocalCache {
public:
    LocalCache(std::shared_ptr<BlobStore> store, LocalCacheParts parts, LocalCacheOptions options);
    ~LocalCache();
    LocalCache(const LocalCache&) = delete;
    LocalCache& operator=(const LocalCache&) = delete;

    MetadataIndex& index() { return *index_; }
    BaseReader& base() { return *base_; }
    VersionGate& gate() { return base_->gate(); }
    ReadPath& reads() { return base_->reads(); }
    BlockCache& blocks() { return base_->blocks(); }

    // The write-back parts: all null on a read-only mount.
    Journal* journal() { return journal_.get(); }
    Flusher* flusher() { return flusher_.get(); }
    PathLocks* locks() { return locks_.get(); }
    // Null: no sidecar index.
    const std::shared_ptr<SidecarIndex>& sidecars() const { return sidecars_; }

    // Journal::apply, with the full-map policy (DESIGN §4): on NoSpace, clean cached blocks are
    // evicted, more on each of three more attempts, before NoSpace is returned (with one error
    // line). Writable mounts only.
    Result<std::vector<EntryRecord>> apply(const JournalBatch& batch);

    // Starts the flusher's threads (queueing every record already in the journal); no-op on a
    // read-only mount.
    void start_uploads();
    // Stops them; records stay in the journal.
    void stop_uploads();

private:
    std::shared_ptr<MetadataIndex> index_;
    std::shared_ptr<BaseReader> base_;
    std::shared_ptr<SidecarIndex> sidecars_;
    std::shared_ptr<Journal> journal_;
    std::shared_ptr<PathLocks> locks_;
    std::shared_ptr<Flusher> flusher_;  // last: stopped and destroyed before the parts it uses
};

}  // namespace azblobfs
