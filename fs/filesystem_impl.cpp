#include "fs/filesystem_impl.h"

#include <chrono>
#include <cmath>

#include "blob/names.h"
#include "fs/attributes.h"
#include "fs/entry_builder.h"
#include "fs/xattrs.h"

namespace azblobfs {

namespace {

FsOptions with_clock(FsOptions options) {
    if (!options.clock_ns) {
        options.clock_ns = [] {
            return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
        };
    }
    return options;
}

int64_t seconds_to_ns(double s) { return static_cast<int64_t>(std::llround(s * 1e9)); }

}  // namespace

std::unique_ptr<Filesystem> make_filesystem(std::shared_ptr<BlobStore> store,
                                            std::shared_ptr<LocalCache> cache, FsOptions options) {
    return std::make_unique<FilesystemImpl>(std::move(store), std::move(cache), std::move(options));
}

FilesystemImpl::~FilesystemImpl() = default;

FilesystemImpl::FilesystemImpl(std::shared_ptr<BlobStore> store, std::shared_ptr<LocalCache> cache,
                               FsOptions options)
    : options_(with_clock(std::move(options))),
      store_(std::move(store)),
      cache_(std::move(cache)),
      index_(&cache_->index()),
      gate_(cache_->gate()),
      read_path_(cache_->reads()),
      journal_(cache_->journal()),
      flusher_(cache_->flusher()),
      locks_(cache_->locks()),
      names_(options_.container),
      mount_start_ns_(options_.clock_ns()),
      offline_(options_.clock_ns),
      negatives_(seconds_to_ns(options_.negative_ttl_s)),
      large_dirs_(seconds_to_ns(options_.dir_ttl_s)),
      loader_(*store_, *index_, gate_, names_, skipped_, mount_start_ns_),
      probe_(*store_, skipped_, mount_start_ns_),
      sidecars_(cache_->sidecars()) {
    if (sidecars_) views_.emplace(sidecars_);
    if (journal_) {
        auto records = journal_->records();
        std::vector<std::string> paths;
        if (records.is_ok()) {
            for (const auto& [path, r] : *records) paths.push_back(path);
        }
        resumed_.add(paths);
        // A crash may have come between a sidecar's last write and its close: index what the
        // journal holds, as close would have.
        for (const auto& path : paths) index_sidecar(path);
    }
    if (writable().is_ok()) resume_dir_renames();
}

int64_t FilesystemImpl::now() const { return options_.clock_ns(); }

bool FilesystemImpl::fresh(int64_t validated_at_ns, double ttl_s, int64_t now_ns) const {
    return now_ns - validated_at_ns < seconds_to_ns(ttl_s);
}

Result<std::string> FilesystemImpl::path_of(uint64_t ino) const {
    std::optional<std::string> path = inodes_.path_of(ino);
    if (!path) return Status(Code::kNotFound, "inode " + std::to_string(ino) + " is not known");
    return *path;
}

EntryRecord FilesystemImpl::root_record() const {
    return virtual_dir_record(mount_start_ns_, now());
}

// Stores `fresh` for `path`, keeping the file id of `old` and dropping cached blocks that no
// longer match the content (VersionGate invariant).
Result<EntryRecord> FilesystemImpl::save(const std::string& path,
                                         const std::optional<EntryRecord>& old, EntryRecord fresh) {
    if (old) {
        fresh.file_id = old->file_id;
        if (has_content(*old) && !has_content(fresh)) AZB_RETURN_IF_ERROR(gate_.remove(old->file_id));
        if (has_content(*old) && has_content(fresh)) {
            AZB_RETURN_IF_ERROR(gate_.switch_to(old->file_id, old->etag, fresh.etag));
        }
    }
    AZB_ASSIGN_OR_RETURN(EntryRecord saved, index_->put(path, std::move(fresh)));
    if (has_content(saved) && !(old && has_content(*old))) {
        AZB_RETURN_IF_ERROR(gate_.switch_to(saved.file_id, saved.etag, saved.etag));
    }
    negatives_.forget(path);
    return saved;
}

Status FilesystemImpl::forget_path(const std::string& path) {
    AZB_ASSIGN_OR_RETURN(uint64_t file_id, index_->remove(path));
    return gate_.remove(file_id);
}

// The record of `path`, revalidated per the freshness rules; NotFound when it does not exist.
Result<EntryRecord> FilesystemImpl::current_record(const std::string& path) {
    if (path.empty()) return root_record();
    if (in_views(path)) return view_record(path);
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> record, index_->get(path));
    AZB_ASSIGN_OR_RETURN(std::optional<JournalKind> local, journaled(path));
    if (local == JournalKind::kDelete) return Status(Code::kNotFound, path + " was removed");
    if (local && record) return *record;  // the journal overrides the store
    if (record) {
        if (record->type == EntryType::kDirectory ||
            fresh(record->validated_at_ns, options_.attr_ttl_s, now())) {
            return *record;
        }
        return revalidate_blob(path, *record);
    }
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> probed, probe_and_save(path, std::nullopt));
    if (!probed) return Status(Code::kNotFound, path + " does not exist");
    return *probed;
}

Result<std::optional<JournalKind>> FilesystemImpl::journaled(const std::string& path) {
    if (!journal_) return std::optional<JournalKind>();
    AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> j, journal_->get(path));
    if (!j) return std::optional<JournalKind>();
    return std::optional<JournalKind>(j->kind);
}

Result<EntryRecord> FilesystemImpl::revalidate_blob(const std::string& path, const EntryRecord& old) {
    BlobLocation loc = names_.locate(path);
    Result<BlobProperties> props = store_->get_properties(loc.container, loc.blob);
    if (props.is_ok()) return save(path, old, record_from_blob(*props, now()));
    if (props.status().code() == Code::kNotFound) {
        AZB_RETURN_IF_ERROR(forget_path(path));
        return Status(Code::kNotFound, path + " no longer exists");
    }
    if (is_offline_error(props.status())) {
        offline_.served(path, props.status());
        return old;
    }
    return props.status();
}

Result<std::optional<EntryRecord>> FilesystemImpl::probe_and_save(
    const std::string& path, const std::optional<EntryRecord>& old) {
    int64_t t = now();
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> probed, probe_.probe(names_.locate(path), t));
    if (!probed) {
        if (old) AZB_RETURN_IF_ERROR(forget_path(path));
        negatives_.remember(path, t);
        return std::optional<EntryRecord>();
    }
    AZB_ASSIGN_OR_RETURN(EntryRecord saved, save(path, old, std::move(*probed)));
    return std::optional<EntryRecord>(std::move(saved));
}

EntryReply FilesystemImpl::positive_reply(const std::string& path, const EntryRecord& record) {
    EntryReply reply;
    reply.attr = make_attributes(inodes_.acquire(path), record, options_);
    reply.entry_timeout_s = options_.dir_ttl_s;
    reply.attr_timeout_s = options_.attr_ttl_s;
    return reply;
}

EntryReply FilesystemImpl::negative_reply() const {
    EntryReply reply;
    reply.entry_timeout_s = options_.negative_ttl_s;
    return reply;
}

Result<EntryReply> FilesystemImpl::lookup(uint64_t parent, const std::string& name) {
    AZB_ASSIGN_OR_RETURN(std::string dir, path_of(parent));
    if (name.size() > kMaxNameBytes) {
        return Status(Code::kNameTooLong, "name of " + std::to_string(name.size()) + " bytes");
    }
    if (NameMapping::unfit_component(name)) return negative_reply();
    std::string path = NameMapping::join(dir, name);
    if (in_views(path)) return view_lookup(path);
    if (NameMapping::code_points(names_.locate(path).blob) > kMaxBlobNameChars) {
        return Status(Code::kNameTooLong, "blob name of " + path + " is over 1,024 characters");
    }
    int64_t t = now();
    AZB_ASSIGN_OR_RETURN(std::optional<JournalKind> local, journaled(path));
    if (local == JournalKind::kDelete) return negative_reply();
    if (local) {
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> record, index_->get(path));
        if (record) return positive_reply(path, *record);
    }
    bool has_listing = false;
    AZB_ASSIGN_OR_RETURN(std::optional<EntryReply> listed, reply_from_listing(dir, path, name, t, &has_listing));
    if (listed) return *listed;
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> record, index_->get(path));
    if (record && fresh(record->validated_at_ns, options_.attr_ttl_s, t)) {
        return positive_reply(path, *record);
    }
    if (!record && negatives_.contains(path, t)) return negative_reply();
    // A directory not listed (or listed too long ago): list it when one List call holds it,
    // so that this name and every sibling are answered by that one request.
    // (Not with --dir-ttl 0: no listing would be fresh for the next name.)
    if (options_.dir_ttl_s > 0 && !large_dirs_.contains(dir, t)) {
        Result<bool> loaded = loader_.load_if_one_page(dir, t);
        if (loaded.is_ok() && *loaded) {
            AZB_ASSIGN_OR_RETURN(listed, reply_from_listing(dir, path, name, t, &has_listing));
            if (listed && listed->attr.ino == 0) negatives_.remember(path, t);
            if (listed) return *listed;
        } else if (loaded.is_ok() || !is_offline_error(loaded.status())) {
            // Over one page, or a listing the store refuses (e.g. a SAS without list rights):
            // probe names here for dir_ttl instead of trying the listing again per name.
            large_dirs_.remember(dir, t);
        }
        // A failed listing: the probe below answers, or serves the index when offline.
    }
    return lookup_uncached(dir, path, has_listing, record);
}

// The reply a fresh listing of `dir` gives for `name` (one point lookup in the index): negative
// when it is not listed; nullopt when there is no fresh listing or the listed child has no
// record (the caller asks further). *has_listing: whether `dir` has a listing at all.
Result<std::optional<EntryReply>> FilesystemImpl::reply_from_listing(const std::string& dir, const std::string& path,
                                                                     const std::string& name, int64_t now_ns,
                                                                     bool* has_listing) {
    AZB_ASSIGN_OR_RETURN(std::optional<ListedName> listed, index_->listed_name(dir, name));
    *has_listing = listed.has_value();
    if (!listed || !fresh(listed->validated_at_ns, options_.dir_ttl_s, now_ns)) return std::optional<EntryReply>();
    if (!listed->listed) return std::optional<EntryReply>(negative_reply());
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> record, index_->get(path));
    if (record) return std::optional<EntryReply>(positive_reply(path, *record));
    return std::optional<EntryReply>();
}

Result<EntryReply> FilesystemImpl::lookup_uncached(const std::string& dir, const std::string& path,
                                                   bool has_listing,
                                                   const std::optional<EntryRecord>& record) {
    Result<std::optional<EntryRecord>> probed = probe_and_save(path, record);
    if (probed.is_ok()) {
        if (!*probed) return negative_reply();
        return positive_reply(path, **probed);
    }
    if (!is_offline_error(probed.status())) return probed.status();
    if (record) {
        offline_.served(path, probed.status());
        return positive_reply(path, *record);
    }
    if (has_listing) {  // stale listing without this name: it was absent when last seen
        offline_.served(dir, probed.status());
        return negative_reply();
    }
    return probed.status();
}

void FilesystemImpl::forget(uint64_t ino, uint64_t nlookup) { inodes_.forget(ino, nlookup); }

Result<Attributes> FilesystemImpl::getattr(uint64_t ino) {
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    AZB_ASSIGN_OR_RETURN(EntryRecord record, current_record(path));
    return make_attributes(ino, record, options_);
}

Result<std::string> FilesystemImpl::getxattr(uint64_t ino, const std::string& name) {
    // Only user.* exists. Other namespaces (security.selinux, system.posix_acl_access, asked by
    // ls -l for every file) are answered at once, without the index or a revalidation, and as
    // not supported (ENOTSUP, as setxattr answers them): ls then stops asking for the other files
    // of the mount, which saves two FUSE round trips per file of an ls -l.
    if (name.rfind("user.", 0) != 0) return Status(Code::kNotSupported, name + ": only user.* attributes exist");
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    AZB_ASSIGN_OR_RETURN(EntryRecord record, current_record(path));
    return xattr_value(record, name);
}

Result<std::vector<std::string>> FilesystemImpl::listxattr(uint64_t ino) {
    AZB_ASSIGN_OR_RETURN(std::string path, path_of(ino));
    AZB_ASSIGN_OR_RETURN(EntryRecord record, current_record(path));
    return xattr_names(record);
}

FsStatus FilesystemImpl::status() {
    FsStatus s;
    s.skipped_names = skipped_.count();
    s.offline_answers = offline_.count();
    s.cache = cache_->blocks().stats();
    s.bytes_fetched = read_path_.bytes_fetched();
    s.range_requests = read_path_.range_requests();
    if (flusher_) s.write_back = flusher_->stats();
    return s;
}

}  // namespace azblobfs
