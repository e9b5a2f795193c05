// The Filesystem core behind fs/filesystem.h (read-only mount).
//
// Pieces: NameMapping (paths <-> blobs), DirLoader (listing -> index), EntryProbe (one path ->
// store), InodeTable, NegativeCache, the BaseReader's VersionGate + ReadPath (blocks, shared
// with the flusher), SkippedNames and
// OfflineNotice (status counters and their log lines).
//
// Freshness rules (clock: FsOptions::clock_ns):
//  - lookup: fresh parent listing (< dir_ttl) answers, absent names are negative; else a fresh
//    record (< attr_ttl); else a remembered miss (< negative_ttl); else EntryProbe.
//  - getattr/getxattr/readlink: a fresh record answers; a stale file is revalidated with
//    get_properties; directories are answered from their record.
//  - open: always get_properties (close-to-open).
//  - opendir: lists when the listing is older than dir_ttl.
//  - Unavailable/Throttled from the store: stale data is served when there is any (offline).
//  - The root and virtual directories without a marker have the mount start time as mtime.
//
// Locks: a path's lock (PathLocks, write-back only) is taken first and may be held across
// network I/O of that path (a base block fetched for a partial write, a listing for rmdir, the
// server-side copy of a rename, the upload in commit_now). Under it, and never across network
// I/O or nested: handles_mu_; each FileHandle::mu; ReadAheadState::mu; and the internal mutexes
// of the pieces above.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fs/dir_loader.h"
#include "fs/entry_probe.h"
#include "fs/filesystem.h"
#include "fs/inode_table.h"
#include "fs/name_mapping.h"
#include "fs/negative_cache.h"
#include "fs/offline_notice.h"
#include "fs/resumed_uploads.h"
#include "fs/skipped_names.h"
#include "fs/view_tree.h"

namespace azblobfs {

class FilesystemImpl final : public Filesystem {
public:
    // High bit of the inode number reported by plain readdir for entries that have no inode
    // yet (ORed with the entry's file id); only ever used as d_ino.
    static constexpr uint64_t kUnassignedInoBit = 1ULL << 63;

    FilesystemImpl(std::shared_ptr<BlobStore> store, std::shared_ptr<LocalCache> cache,
                   FsOptions options);
    ~FilesystemImpl() override;

    Result<EntryReply> lookup(uint64_t parent, const std::string& name) override;
    void forget(uint64_t ino, uint64_t nlookup) override;
    Result<Attributes> getattr(uint64_t ino) override;
    Result<std::string> readlink(uint64_t ino) override;

    Result<OpenReply> open(uint64_t ino, int flags) override;
    Result<std::string> read(uint64_t ino, uint64_t fh, uint64_t offset, uint64_t size) override;
    void release(uint64_t ino, uint64_t fh) override;

    // Entry i of the returned vector is at stream position offset + i (no position is ever
    // skipped). "." and ".." carry their inode numbers but are never counted as lookups (the
    // kernel does not count them either). With `plus`, a child that vanished since opendir is
    // returned with attr.ino == 0 (uncounted; only its st_mode type bits are set).
    Result<uint64_t> opendir(uint64_t ino) override;
    Result<std::vector<DirEntryPlus>> readdir(uint64_t ino, uint64_t fh, uint64_t offset,
                                              size_t max_entries, bool plus) override;
    void releasedir(uint64_t ino, uint64_t fh) override;

    Result<std::string> getxattr(uint64_t ino, const std::string& name) override;
    Result<std::vector<std::string>> listxattr(uint64_t ino) override;

    Result<CreateReply> create(uint64_t parent, const std::string& name, mode_t mode,
                               int flags) override;
    Result<EntryReply> mkdir(uint64_t parent, const std::string& name, mode_t mode) override;
    Result<EntryReply> symlink(const std::string& target, uint64_t parent,
                               const std::string& name) override;
    Status unlink(uint64_t parent, const std::string& name) override;
    Status rmdir(uint64_t parent, const std::string& name) override;
    Status rename(uint64_t parent, const std::string& name, uint64_t new_parent,
                  const std::string& new_name, unsigned int flags) override;
    Result<Attributes> setattr(uint64_t ino, const SetAttrRequest& request) override;
    Result<uint64_t> write(uint64_t ino, uint64_t fh, uint64_t offset, std::string_view data) override;
    Status flush(uint64_t ino, uint64_t fh) override;
    Status fsync(uint64_t ino, uint64_t fh) override;
    Status setxattr(uint64_t ino, const std::string& name, const std::string& value,
                    int flags) override;
    Status removexattr(uint64_t ino, const std::string& name) override;

    FsStatus status() override;

    // Blocks until no read-ahead fetch is queued or running.
    void wait_for_background_fetches() { read_path_.wait_idle(); }

private:
    struct FileHandle {
        uint64_t ino = 0;
        std::mutex mu;            // guards version, archived and served_data
        FileVersion version;
        bool archived = false;
        // Set once a read returned bytes. From then on the handle is bound to its version: if
        // the blob changes, reads fail with PreconditionFailed (ESTALE) instead of switching,
        // because the application (and the kernel page cache) already hold old bytes.
        bool served_data = false;
        // Local mode: the file has (or had) changes of this mount. Reads follow the journal and
        // the current index entry instead of the version bound at open.
        bool local = false;
        bool writable = false;
        bool append = false;
        bool wrote = false;   // a write went through this handle (flush reports conflicts)
        // The VersionGate lineage `version` was opened in: while the file stays in it, every
        // change since was this mount's own commit and the handle follows it.
        uint64_t lineage = 0;
        ReadAheadState readahead;
    };
    // A directory stream. A real directory is read from the index a page at a time, continuing
    // after the last name read, so memory does not grow with the directory; .views directories
    // are small and kept whole.
    struct DirHandle {
        static constexpr size_t kPage = 1024;
        uint64_t ino = 0;
        std::string path;
        std::mutex mu;                   // guards the fields below
        bool whole = false;              // `children` is the whole listing (.views)
        std::vector<DirChild> children;  // the whole listing, or the page read last
        uint64_t page_start = 0;         // stream index of children[0] when paging
        bool last_page = false;          // no child sorts after the page
        // The page before `children` (the kernel asks again from inside the entries of its last
        // reply when they did not fit its buffer, which may lie on the page before).
        std::vector<DirChild> previous;
    };

    // filesystem_impl.cpp: records and replies
    int64_t now() const;
    bool fresh(int64_t validated_at_ns, double ttl_s, int64_t now_ns) const;
    Result<std::string> path_of(uint64_t ino) const;
    EntryRecord root_record() const;
    Result<EntryRecord> save(const std::string& path, const std::optional<EntryRecord>& old,
                             EntryRecord fresh);
    Status forget_path(const std::string& path);
    Result<EntryRecord> current_record(const std::string& path);
    Result<std::optional<JournalKind>> journaled(const std::string& path);
    Result<EntryRecord> revalidate_blob(const std::string& path, const EntryRecord& old);
    Result<std::optional<EntryRecord>> probe_and_save(const std::string& path,
                                                      const std::optional<EntryRecord>& old);
    Result<std::optional<EntryReply>> reply_from_listing(const std::string& dir, const std::string& path,
                                                         const std::string& name, int64_t now_ns,
                                                         bool* has_listing);
    Result<EntryReply> lookup_uncached(const std::string& dir, const std::string& path, bool has_listing,
                                       const std::optional<EntryRecord>& record);
    EntryReply positive_reply(const std::string& path, const EntryRecord& record);
    EntryReply negative_reply() const;

    // filesystem_files.cpp: content
    FileVersion version_of(const std::string& path, const EntryRecord& record) const;
    // allow_restart: on a changed blob, restart on the new version (else PreconditionFailed).
    Result<std::string> read_version(FileVersion* version, uint64_t offset, uint64_t size,
                                     ReadAheadState* readahead, bool allow_restart);
    Result<FileVersion> refresh_version(const FileVersion& stale);
    // h.version, moved on to the file's current ETag when this mount's own commits are all
    // that changed it since (the lineage). Caller holds h.mu.
    const FileVersion& followed_version(FileHandle& h);
    std::shared_ptr<FileHandle> file_handle(uint64_t fh);
    Result<OpenReply> open_local(uint64_t ino, const std::string& path, int flags);
    Result<std::optional<std::string>> read_if_local(FileHandle& h, uint64_t offset, uint64_t size);

    // filesystem_local.cpp: the local (journaled) state of a path
    // The state a change of `path` starts from (caller holds the path's lock): its journal
    // record (started from the index entry when it has none) and its index entry.
    struct LocalState {
        JournalRecord record;
        EntryRecord entry;
        bool journaled = false;   // the record already existed
    };
    Status writable() const;
    Result<std::string> new_child_path(uint64_t parent, const std::string& name);
    Result<std::optional<LocalState>> local_state(const std::string& path);
    JournalRecord record_for(const std::string& path, const EntryRecord& entry) const;
    // Block i of the local content of `r` (journal.h rules), exactly its length in the file.
    Result<std::string> local_block(const std::string& path, const JournalRecord& r,
                                    const EntryRecord& entry, uint64_t index);
    Result<std::string> read_local(const std::string& path, const JournalRecord& r,
                                   const EntryRecord& entry, uint64_t offset, uint64_t size);
    // Waits for uploads while the journal holds more dirty data than the limit (back-pressure);
    // NoSpace when uploads make no progress. Called before the path's lock is taken: waiting
    // under it could wait for the upload of this very path. Batches are then stored with
    // cache_->apply (which handles a full map).
    Status wait_for_room(uint64_t incoming_bytes);
    void touch(LocalState* s, int64_t now_ns, bool content);
    Status save_local(const std::string& path, const LocalState& s, JournalBatch batch);
    Status make_dir_local(const std::string& path, mode_t mode, std::optional<int64_t> mtime_ns);
    Status resize(const std::string& path, LocalState* s, uint64_t size, JournalBatch* batch);
    Result<LocalState> make_local(const std::string& path, EntryType type, mode_t mode,
                                  const std::optional<JournalRecord>& deleted);
    Status remove_local(const std::string& path, const EntryRecord& entry,
                        const std::optional<JournalRecord>& record);
    Status keep_parent(const std::string& path);
    // Whether block `index` of a write of [offset, end) over content of `size` bytes keeps any
    // of its old bytes (so they must be read first).
    static bool keeps_old_bytes(uint64_t index, uint64_t offset, uint64_t end, uint64_t size);
    void prefetch_edges(const std::string& path, FileHandle& h, uint64_t offset, uint64_t size);
    Status start_from_opened_version(FileHandle& h, LocalState* s);
    // Uploads the path's record now when the previous mount left it (ResumedUploads). ESTALE
    // when that upload lost a race; any other failure is logged and the change goes on.
    Status finish_resumed(const std::string& path);
    Status materialize(const std::string& path, LocalState* s, JournalBatch* batch);
    Status rename_file(const std::string& from, const std::string& to);
    Result<Conditions> replace_conditions(const std::string& to, const std::optional<LocalState>& dst);
    void follow_rename(const std::string& from);
    Status move_dir(const std::string& from, const std::string& to);
    Status move_dir_children(const std::string& from, const std::string& to);
    Status finish_dir_rename(const std::string& from, const std::string& to);
    void resume_dir_renames();
    Status rename_dir(const std::string& from, const std::string& to);
    Result<std::optional<EntryRecord>> existing(const std::string& path);

    // filesystem_sidecars.cpp: a sidecar's local content into the sidecar index (takes the
    // path's lock; failures are logged, never returned: the write itself succeeded)
    void index_sidecar(const std::string& path);
    std::optional<std::variant<std::vector<index::Field>, index::SidecarSkip>> local_sidecar(
        const std::string& path);
    // The .views tree (fs/view_tree.h): whether `path` is in it (only with a sidecar index),
    // the record of a view path (NotFound when it names nothing), a lookup and a listing.
    bool in_views(const std::string& path) const;
    Status outside_views(const std::string& path) const;  // ReadOnly (EROFS) inside .views
    Result<EntryRecord> view_record(const std::string& path);
    Result<EntryReply> view_lookup(const std::string& path);
    Result<std::string> view_target(const std::string& path);

    // filesystem_dirs.cpp: listings
    Result<DirListing> current_listing(const std::string& dir);
    Status ensure_listing(const std::string& dir);
    // Child `k` of the stream (0 = first name), reading pages as needed; nullopt past the end.
    Result<std::optional<DirChild>> child_at(DirHandle& dh, uint64_t k);
    Status read_page(DirHandle& dh, const std::string& after);
    Result<DirEntryPlus> dir_entry(const DirHandle& dh, size_t position, const DirChild* child, bool plus);

    const FsOptions options_;
    std::shared_ptr<BlobStore> store_;
    std::shared_ptr<LocalCache> cache_;  // the one handle to cache/; the members below are its parts
    MetadataIndex* const index_;
    VersionGate& gate_;
    ReadPath& read_path_;
    Journal* const journal_;   // journal_, flusher_ and locks_: all null on a read-only mount
    Flusher* const flusher_;
    PathLocks* const locks_;
    const NameMapping names_;
    const int64_t mount_start_ns_;
    SkippedNames skipped_;
    OfflineNotice offline_;
    InodeTable inodes_;
    NegativeCache negatives_;
    // Directories a lookup found to hold more than one List page, for dir_ttl: lookups in
    // them probe the one name instead of listing (never persisted).
    NegativeCache large_dirs_;
    DirLoader loader_;
    EntryProbe probe_;
    ResumedUploads resumed_;  // records left by the previous mount, not yet finished
    const std::shared_ptr<SidecarIndex> sidecars_;  // null: no sidecar index
    std::optional<ViewTree> views_;           // set with sidecars_

    std::mutex handles_mu_;  // guards the three fields below
    uint64_t next_fh_ = 1;
    std::unordered_map<uint64_t, std::shared_ptr<FileHandle>> files_;
    std::unordered_map<uint64_t, std::shared_ptr<DirHandle>> dirs_;
};

}  // namespace azblobfs
