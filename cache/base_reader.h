// The one reader of base versions: the bytes of a blob version as the store holds it, through
// the block cache. The filesystem's reads (fs/) and the uploader's unchanged blocks
// (cache/uploader.h) both go through it, so a block fetched by either is cached for both, and
// the version gate is the single door to the block cache.
//
// Owns the VersionGate (which ETag of each file the block cache holds) and the ReadPath
// (ranged GETs with If-Match, read-ahead on its own fetch threads). Thread-safe; built once by
// the composition root and shared.
#pragma once

#include <cstdint>
#include <memory>

#include "blob/blob_store.h"
#include "cache/block_cache.h"
#include "cache/read_path.h"
#include "cache/version_gate.h"

namespace azblobfs {

struct BaseReaderOptions {
    uint64_t readahead_max_bytes = 8 << 20;  // largest read-ahead window (sequential reads)
    int fetch_threads = 8;                   // parallel ranged GETs for read-ahead
};

class BaseReader {
public:
    BaseReader(std::shared_ptr<BlobStore> store, std::shared_ptr<BlockCache> cache,
               BaseReaderOptions options = {})
        : store_(std::move(store)),
          cache_(std::move(cache)),
          gate_(cache_),
          read_path_(*store_, gate_, options.readahead_max_bytes, options.fetch_threads) {}
    BaseReader(const BaseReader&) = delete;
    BaseReader& operator=(const BaseReader&) = delete;

    VersionGate& gate() { return gate_; }
    ReadPath& reads() { return read_path_; }
    BlockCache& blocks() { return *cache_; }

private:
    std::shared_ptr<BlobStore> store_;
    std::shared_ptr<BlockCache> cache_;
    VersionGate gate_;
    ReadPath read_path_;  // last: its fetch threads stop before the members above go away
};

}  // namespace azblobfs
