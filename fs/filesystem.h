// The Filesystem core: FUSE-free semantics of the mounted tree (inodes, attributes, directory
// listings, reads through the block cache). fs/fuse_ops.cpp only unpacks FUSE requests, calls
// these methods and replies; everything here is testable without /dev/fuse.
//
// Contract:
//  - Inode 1 is the mount root. Inode numbers are assigned on first lookup of a path and live
//    until forget() drops their lookup count to zero (and the mount ends).
//  - Every method is thread-safe, returns Status/Result and never throws. No lock is held
//    across network I/O.
//  - Freshness: an entry or listing younger than its TTL is answered from the index without a
//    round trip; older ones are revalidated. If the store is unreachable (Unavailable,
//    Throttled), stale index data is served instead (offline mode), with one warning.
//  - open() always revalidates the ETag (close-to-open consistency). keep_cache is true only
//    when the ETag is the one whose blocks are cached.
//  - read() never mixes two versions of a blob: every miss is fetched with If-Match on the ETag
//    the handle opened. On PreconditionFailed the file's blocks are dropped and the entry is
//    refreshed; a handle that has not returned any bytes yet restarts the read on the new
//    version, a handle that has fails with PreconditionFailed (ESTALE: reopen the file).
//  - Writes (DESIGN §5): every mutation lands in the LMDB journal (cache/journal.h) before it
//    returns, and the index answers for the path from then on (a path with pending changes is
//    never revalidated or re-listed from the store). Uploads run in the background after
//    upload_delay; fsync() waits for the commit (FsyncMode::kRemote) or for the local disk
//    (kLocal). A commit that loses a race (412/409) keeps the local bytes as
//    "<name>.conflict-<UTC timestamp>", and the writer's next flush/fsync reports
//    PreconditionFailed (ESTALE).
//  - FsOptions::read_only: every mutation is ReadOnly (EROFS).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blob/blob_store.h"
#include "cache/local_cache.h"
#include "common/status.h"

namespace azblobfs {

enum class FsyncMode { kRemote, kLocal };

struct FsOptions {
    // Set: the mount root is this container. Unset: the root lists every container.
    std::optional<std::string> container;
    double attr_ttl_s = 60;           // entries (stat) younger than this are not revalidated
    double dir_ttl_s = 60;            // listings younger than this are not re-listed
    double negative_ttl_s = 5;        // a missing name is remembered this long
    uid_t uid = 0;
    gid_t gid = 0;
    mode_t file_mode = 0644;
    mode_t dir_mode = 0755;
    // Wall clock in nanoseconds since the Unix epoch, used for TTLs and validated_at. Empty: the
    // system clock. Tests inject a manual clock to step past TTLs without sleeping.
    std::function<int64_t()> clock_ns;
    bool read_only = false;
    bool store_mode = true;           // chmod is kept in blob metadata "mode" (else ignored)
    FsyncMode fsync = FsyncMode::kRemote;
    // Dirty bytes in the journal at which writers wait for uploads (back-pressure), and how long
    // they wait for uploads to make progress before ENOSPC.
    uint64_t dirty_limit_bytes = 1ull << 30;
    double backpressure_wait_s = 30;
};

// What setattr changes: each field that is set.
struct SetAttrRequest {
    std::optional<uint64_t> size;
    std::optional<mode_t> mode;       // permission bits (07777)
    std::optional<int64_t> atime_ns;  // accepted, not stored (blobs have no atime)
    std::optional<int64_t> mtime_ns;
    std::optional<uid_t> uid;         // accepted only when equal to the mount's uid
    std::optional<gid_t> gid;
};


struct Attributes {
    uint64_t ino = 0;
    struct stat st{};                 // complete stat (mode, size, times, nlink, uid, gid, blocks)
};

struct EntryReply {
    Attributes attr;                  // attr.ino == 0: negative entry (name does not exist)
    double entry_timeout_s = 0;
    double attr_timeout_s = 0;
};

struct OpenReply {
    uint64_t fh = 0;
    bool keep_cache = false;
};

struct CreateReply {
    EntryReply entry;
    OpenReply open;
};

struct DirEntryPlus {
    std::string name;
    EntryReply entry;
};

struct FsStatus {
    uint64_t skipped_names = 0;       // hostile blob names skipped (never shown)
    uint64_t offline_answers = 0;     // answers served from the index because the store failed
    BlockCacheStats cache;
    uint64_t bytes_fetched = 0;       // bytes received from the store by read()
    uint64_t range_requests = 0;      // ranged GETs issued by read() and read-ahead
    std::optional<FlusherStats> write_back;  // set on a writable mount
};

class Filesystem {
public:
    virtual ~Filesystem() = default;

    // name lookup in a directory; a missing name is a negative EntryReply (not an error).
    virtual Result<EntryReply> lookup(uint64_t parent, const std::string& name) = 0;
    virtual void forget(uint64_t ino, uint64_t nlookup) = 0;
    virtual Result<Attributes> getattr(uint64_t ino) = 0;
    virtual Result<std::string> readlink(uint64_t ino) = 0;

    virtual Result<OpenReply> open(uint64_t ino, int flags) = 0;
    virtual Result<std::string> read(uint64_t ino, uint64_t fh, uint64_t offset, uint64_t size) = 0;
    virtual void release(uint64_t ino, uint64_t fh) = 0;

    // opendir makes sure the directory's listing is current (re-listing it past dir_ttl);
    // readdir returns entries from `offset` (0 = start; each entry's position + 1 is the next
    // offset), including "." and "..", in name order, each entry counted as one lookup
    // (READDIRPLUS semantics) when `plus` is true. The stream reads the index a page at a time
    // after the last name it returned, so memory stays flat whatever the directory's size; a
    // name added or removed while the stream runs may or may not appear (as POSIX allows).
    virtual Result<uint64_t> opendir(uint64_t ino) = 0;
    virtual Result<std::vector<DirEntryPlus>> readdir(uint64_t ino, uint64_t fh, uint64_t offset,
                                                      size_t max_entries, bool plus) = 0;
    virtual void releasedir(uint64_t ino, uint64_t fh) = 0;

    // user.* from blob metadata; user.azure.etag, user.azure.content_type, user.azure.tier.
    virtual Result<std::string> getxattr(uint64_t ino, const std::string& name) = 0;
    virtual Result<std::vector<std::string>> listxattr(uint64_t ino) = 0;

    // --- mutations (DESIGN §5); ReadOnly when FsOptions::read_only ---
    virtual Result<CreateReply> create(uint64_t parent, const std::string& name, mode_t mode,
                                       int flags) = 0;
    virtual Result<EntryReply> mkdir(uint64_t parent, const std::string& name, mode_t mode) = 0;
    virtual Result<EntryReply> symlink(const std::string& target, uint64_t parent,
                                       const std::string& name) = 0;
    virtual Status unlink(uint64_t parent, const std::string& name) = 0;
    virtual Status rmdir(uint64_t parent, const std::string& name) = 0;
    // flags: 0 or RENAME_NOREPLACE (RENAME_EXCHANGE is NotSupported).
    virtual Status rename(uint64_t parent, const std::string& name, uint64_t new_parent,
                          const std::string& new_name, unsigned int flags) = 0;
    virtual Result<Attributes> setattr(uint64_t ino, const SetAttrRequest& request) = 0;
    // Writes at `offset` (at the end of the file for handles opened with O_APPEND); returns the
    // number of bytes written (all of them, or an error).
    virtual Result<uint64_t> write(uint64_t ino, uint64_t fh, uint64_t offset,
                                   std::string_view data) = 0;
    // close(): queues the upload; reports a conflict already known for the file.
    virtual Status flush(uint64_t ino, uint64_t fh) = 0;
    virtual Status fsync(uint64_t ino, uint64_t fh) = 0;
    virtual Status setxattr(uint64_t ino, const std::string& name, const std::string& value,
                            int flags) = 0;
    virtual Status removexattr(uint64_t ino, const std::string& name) = 0;

    virtual FsStatus status() = 0;
};

// `cache` is the one handle to everything local (cache/local_cache.h): index, base reader,
// write-back parts (a read-only mount has none) and sidecar index. The flusher never calls the
// filesystem: open handles follow this mount's commits through the version gate's lineage
// (cache/version_gate.h). The caller starts the uploads after make_filesystem and stops them
// before destroying the filesystem. Sidecar files written or renamed through the mount are
// indexed from their local content when they are closed or renamed (cache/sidecar_index.h).
std::unique_ptr<Filesystem> make_filesystem(std::shared_ptr<BlobStore> store,
                                            std::shared_ptr<LocalCache> cache, FsOptions options);

}  // namespace azblobfs
