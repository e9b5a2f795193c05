#include "model/fs_stack.h"

#include <fcntl.h>

#include <algorithm>

namespace azblobfs::testing {

FsStack::FsStack(std::shared_ptr<BlobStore> store, std::string cache_dir, StackOptions options)
    : store_(std::move(store)), cache_dir_(std::move(cache_dir)), options_(options),
      clock_(std::make_shared<std::atomic<int64_t>>(1736400000LL * kNsPerSecond)) {}

FsStack::~FsStack() { (void)close_all(true); }

index::IndexRules model_index_rules() {
    index::IndexRules rules;
    const std::string c = kModelContainer;
    std::string glob = c;
    for (int depth = 1; depth <= 12; ++depth) rules.sidecar_globs.push_back(glob += "/*");
    return rules;
}

Status FsStack::open() {
    CacheEnvOptions env_options;
    env_options.rules = model_index_rules().for_mount(
        options_.account_mode ? std::nullopt : std::optional<std::string>(kModelContainer));
    AZB_ASSIGN_OR_RETURN(env_, open_cache_env(cache_dir_, options_.env_bytes, env_options));
    index_ = make_metadata_index(env_);
    cache_ = make_block_cache(env_, options_.block_cache_bytes);
    journal_ = make_journal(env_);
    auto clock = clock_;
    FlusherOptions fo;
    fo.upload_delay_s = options_.upload_delay_s;
    fo.threads = 0;
    fo.clock_ns = [clock] { return clock->load(); };
    FsOptions o;
    if (!options_.account_mode) o.container = kModelContainer;
    o.attr_ttl_s = options_.ttl_s;
    o.dir_ttl_s = options_.ttl_s;
    o.negative_ttl_s = options_.ttl_s;
    o.clock_ns = [clock] { return clock->load(); };
    sidecars_ = make_sidecar_index(env_);
    SidecarRefresherOptions ro;
    ro.container = o.container;
    ro.threads = 1;
    refresher_ = std::make_unique<SidecarRefresher>(store_, sidecars_, journal_, ro);
    LocalCacheOptions co;
    co.reads.fetch_threads = 2;
    co.write_back = fo;
    local_ = std::make_shared<LocalCache>(store_, LocalCacheParts{index_, cache_, journal_, sidecars_}, co);
    fs_ = make_filesystem(store_, local_, o);
    if (!fs_) return Status(Code::kInternal, "make_filesystem returned null");
    local_->start_uploads();
    return Status::ok();
}

void FsStack::forget_handle(uint64_t fh) {
    open_handles_.erase(std::remove_if(open_handles_.begin(), open_handles_.end(),
                                       [fh](const Handle& h) { return h.fh == fh; }),
                        open_handles_.end());
}

Status FsStack::close_all(bool graceful) {
    Status first;
    if (graceful && fs_) {
        for (const Handle& h : open_handles_) {
            Status st = fs_->flush(h.ino, h.fh);
            if (!st.is_ok() && first.is_ok()) first = st.with_context("flush at unmount");
            fs_->release(h.ino, h.fh);
        }
    }
    open_handles_.clear();
    if (graceful && local_) local_->stop_uploads();
    fs_.reset();
    refresher_.reset();
    sidecars_.reset();
    local_.reset();
    journal_.reset();
    cache_.reset();
    index_.reset();
    if (env_) {
        if (graceful) {
            Status st = env_->sync();
            if (!st.is_ok() && first.is_ok()) first = st.with_context("env sync at unmount");
        }
        if (env_.use_count() != 1 && first.is_ok()) {
            first = Status(Code::kInternal, "the LMDB environment is still held by " +
                                                std::to_string(env_.use_count() - 1) +
                                                " object(s) after the stack was destroyed");
        }
        env_.reset();
    }
    return first;
}

Status FsStack::remount() {
    AZB_RETURN_IF_ERROR(close_all(true));
    return open();
}

Status FsStack::crash() {
    AZB_RETURN_IF_ERROR(close_all(false));
    return open();
}

std::pair<std::string, std::string> split_path(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return {"", path};
    return {path.substr(0, slash), path.substr(slash + 1)};
}

Result<EntryReply> walk(Filesystem& fs, const std::string& path) {
    EntryReply reply;
    reply.attr.ino = kRootInode;
    if (path.empty()) return reply;
    size_t start = 0;
    for (;;) {
        size_t slash = path.find('/', start);
        std::string name = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        AZB_ASSIGN_OR_RETURN(reply, fs.lookup(reply.attr.ino, name));
        if (slash == std::string::npos || reply.attr.ino == 0) return reply;
        start = slash + 1;
    }
}

Result<uint64_t> inode_of(Filesystem& fs, const std::string& path) {
    AZB_ASSIGN_OR_RETURN(EntryReply reply, walk(fs, path));
    if (reply.attr.ino == 0) return Status(Code::kNotFound, "lookup of " + path + " is negative");
    return reply.attr.ino;
}

Result<std::vector<std::string>> list_dir(Filesystem& fs, uint64_t ino, bool plus, size_t batch) {
    AZB_ASSIGN_OR_RETURN(uint64_t fh, fs.opendir(ino));
    std::vector<std::string> names;
    uint64_t offset = 0;
    Status failure;
    for (;;) {
        Result<std::vector<DirEntryPlus>> page = fs.readdir(ino, fh, offset, batch, plus);
        if (!page.is_ok()) {
            failure = page.status();
            break;
        }
        if (page->empty()) break;
        for (const DirEntryPlus& e : *page) {
            if (e.name != "." && e.name != "..") names.push_back(e.name);
        }
        offset += page->size();
    }
    fs.releasedir(ino, fh);
    if (!failure.is_ok()) return failure;
    return names;
}

Result<std::string> read_file(Filesystem& fs, uint64_t ino, uint64_t chunk) {
    AZB_ASSIGN_OR_RETURN(OpenReply open, fs.open(ino, O_RDONLY));
    std::string out;
    Status failure;
    for (;;) {
        Result<std::string> part = fs.read(ino, open.fh, out.size(), chunk);
        if (!part.is_ok()) {
            failure = part.status();
            break;
        }
        if (part->empty()) break;
        out += *part;
    }
    fs.release(ino, open.fh);
    if (!failure.is_ok()) return failure;
    return out;
}

}  // namespace azblobfs::testing
