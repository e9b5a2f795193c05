// `azblobfs index rebuild` (declared in cli/index_commands.h).
//
// Phase 1 lists every blob under the containers and prefix (flat, with metadata) into the
// metadata index; storing an entry queues its sidecar when the index does not hold that
// version's fields (cache/field_rows.h). Phase 2 drains that queue with parallel GETs
// (SidecarRefresher). Both phases only add what is missing, so a run cut short by Ctrl-C or a
// crash resumes when run again. A container (or prefix) listed to its end also loses the files
// the index held there that Azure no longer has.
#include <signal.h>
#include <unistd.h>

#include <pthread.h>
#include <chrono>
#include <unordered_set>

#include "azure/azure_blob_store.h"
#include "azure/curl_transport.h"
#include "cache/metadata_index.h"
#include "cache/sidecar_refresher.h"
#include "cli/cache_identity.h"
#include "cli/index_access.h"
#include "cli/index_commands.h"
#include "cli/mount_options.h"
#include "cli/progress_line.h"
#include "fs/entry_builder.h"
#include "fs/name_mapping.h"

namespace azblobfs {
namespace {

// SIGINT and SIGTERM, blocked for the whole command (so its worker threads inherit the mask)
// and polled between steps; once seen, requested() stays true.
class Interrupts {
public:
    Interrupts() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set_, &old_);
    }
    ~Interrupts() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
    bool requested() {
        struct timespec zero {};
        if (!seen_ && sigtimedwait(&set_, nullptr, &zero) > 0) seen_ = true;
        return seen_;
    }

private:
    sigset_t set_{}, old_{};
    bool seen_ = false;
};

struct Crawl {
    Interrupts* interrupts = nullptr;
    std::shared_ptr<BlobStore> store;
    std::shared_ptr<MetadataIndex> entries;
    std::shared_ptr<SidecarIndex> sidecars;
    std::optional<std::string> mount_container;  // the cache's container mode
    uint64_t listed = 0;
    uint64_t unfit = 0;
    uint64_t dropped = 0;  // files of the index no longer in Azure
};

bool fit_name(const std::string& blob) {
    if (blob.empty() || blob.back() == '/') return false;
    size_t start = 0;
    while (true) {
        size_t slash = blob.find('/', start);
        std::string_view part(blob.data() + start, (slash == std::string::npos ? blob.size() : slash) - start);
        if (NameMapping::unfit_component(part)) return false;
        if (slash == std::string::npos) return true;
        start = slash + 1;
    }
}

// Stores a listed blob the index lacks. An entry the index already holds belongs to the mount
// (it revalidates it by its TTLs, dropping cached blocks of an old version as it does, and it
// may have just committed a newer one), so it is only given its rows when it has none (a cache
// from before the index, or changed rules). A directory at the path stays a directory.
Status index_blob(Crawl& c, const std::string& path, const EntryRecord& record) {
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> existing, c.entries->get(path));
    if (existing && existing->type != EntryType::kFile) return Status::ok();
    if (existing) {
        AZB_ASSIGN_OR_RETURN(bool has_rows, c.sidecars->has_rows(existing->file_id));
        if (has_rows) return Status::ok();
    }
    auto stored = c.entries->put(path, existing ? *existing : record);
    if (!stored && stored.status().code() != Code::kNotFound) return stored.status();  // deleted locally
    return Status::ok();
}

// After a complete listing of `path_prefix` that began at `started_ns`: drops the files the
// index holds there that the listing did not show (deleted in Azure while no mount saw it),
// unless a mount stored or revalidated them since the listing began, or they wait for an upload
// (remove_if_unchanged).
Status drop_unlisted(Crawl& c, const std::string& path_prefix, const std::unordered_set<std::string>& seen,
                     int64_t started_ns) {
    AZB_ASSIGN_OR_RETURN(auto held, c.entries->files_with_prefix(path_prefix));
    for (const auto& [path, etag] : held) {
        if (seen.count(path) != 0) continue;
        AZB_ASSIGN_OR_RETURN(bool removed, c.entries->remove_if_unchanged(path, etag, started_ns));
        if (removed) ++c.dropped;
    }
    return Status::ok();
}

Status list_container(Crawl& c, const std::string& container, const std::string& prefix,
                      ProgressLine& progress) {
    const std::string path_prefix = (c.mount_container ? "" : container + "/") + prefix;
    std::unordered_set<std::string> seen;
    ListOptions options;
    options.prefix = prefix;
    options.include_metadata = true;
    const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
    do {
        if (c.interrupts->requested()) return Status(Code::kUnavailable, "interrupted");
        AZB_ASSIGN_OR_RETURN(ListPage page, c.store->list_blobs(container, options));
        for (size_t i = 0; i < page.blobs.size(); ++i) {
            const BlobProperties& props = page.blobs[i];
            const std::string path = c.mount_container ? props.name : container + "/" + props.name;
            seen.insert(path);
            EntryRecord record = record_from_blob(props, now_ns);
            if (record.type != EntryType::kFile) continue;
            // A blob "a" next to blobs "a/...": the mount shows the directory (dir_loader.cpp).
            bool shadowed = i + 1 < page.blobs.size() && page.blobs[i + 1].name.rfind(props.name + "/", 0) == 0;
            if (shadowed || !fit_name(props.name)) {
                ++c.unfit;
                continue;
            }
            AZB_RETURN_IF_ERROR(index_blob(c, path, record));
            ++c.listed;
        }
        progress.update(c.listed, 0);
        options.marker = page.next_marker;
    } while (!options.marker.empty());
    return drop_unlisted(c, path_prefix, seen, now_ns);
}

Result<std::vector<std::string>> containers_to_crawl(const RebuildFlags& flags, BlobStore& store,
                                                     const std::optional<std::string>& mounted) {
    if (mounted) {
        if (!flags.container.empty() && flags.container != *mounted) {
            return Status(Code::kInvalidArgument, "the cache belongs to container " + *mounted +
                                                      ", not " + flags.container);
        }
        return std::vector<std::string>{*mounted};
    }
    if (!flags.container.empty()) return std::vector<std::string>{flags.container};
    return store.list_containers();
}

int fail(CommandIo io, const Status& st) {
    io.err << "azblobfs index rebuild: " << st.to_string() << "\n";
    return 1;
}

// Phase 2: reads pending sidecars until none is left, the store fails or the user interrupts.
Status read_sidecars(SidecarRefresher& refresher, SidecarIndex& index, Interrupts& interrupts,
                     CommandIo io, bool terminal, uint64_t* read) {
    auto before = index.stats();
    if (!before) return before.status();
    const uint64_t total = before->sidecars_pending;
    ProgressLine progress(io.err, terminal, "sidecars read");
    uint64_t done = 0;
    while (!interrupts.requested()) {
        SidecarRefreshRound round = refresher.run_once();
        done += round.read + round.dropped;
        *read += round.read;
        progress.update(std::min(done, total), total);
        if (!round.failure.is_ok()) {
            progress.finish(std::min(done, total), total);
            return round.failure;
        }
        if (round.read + round.dropped == 0) break;
    }
    progress.finish(std::min(done, total), total);
    return interrupts.requested() ? Status(Code::kUnavailable, "interrupted") : Status::ok();
}

}  // namespace

int cmd_index_rebuild(const RebuildFlags& flags, const AccountConfig& account, CommandIo io) {
    auto map_size = parse_size(flags.cache_size);
    if (!map_size) return fail(io, map_size.status());
    auto opened = open_index(flags.target, *map_size, /*read_only=*/false);
    if (!opened) return fail(io, opened.status());
    auto identity = read_cache_identity(opened->cache_dir);
    if (!identity) return fail(io, identity.status());
    std::optional<std::string> mounted = *identity ? (*identity)->container : std::nullopt;
    if (*identity && (*identity)->account != account.account_name) {
        return fail(io, Status(Code::kInvalidArgument, "the cache belongs to " + describe(**identity) +
                                                           ", not account " + account.account_name));
    }
    Interrupts interrupts;
    Crawl crawl;
    crawl.interrupts = &interrupts;
    crawl.store = make_azure_blob_store(account, make_curl_transport(CurlTransportOptions{account.verify_tls, ""}));
    crawl.entries = make_metadata_index(opened->env);
    crawl.sidecars = opened->index;
    crawl.mount_container = mounted;
    auto containers = containers_to_crawl(flags, *crawl.store, mounted);
    if (!containers) return fail(io, containers.status());
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    {
        ProgressLine listing(io.err, terminal, "blobs listed");
        for (const auto& c : *containers) {
            Status st = list_container(crawl, c, flags.prefix, listing);
            if (!st.is_ok()) {
                listing.finish(crawl.listed, 0);
                if (interrupts.requested()) break;
                return fail(io, st.with_context("listing container " + c));
            }
        }
        listing.finish(crawl.listed, 0);
    }
    SidecarRefresherOptions ro;
    ro.container = mounted;
    ro.threads = flags.threads;
    SidecarRefresher refresher(crawl.store, opened->index, nullptr, ro);
    uint64_t read = 0;
    Status sidecars = interrupts.requested()
                          ? Status(Code::kUnavailable, "interrupted")
                          : read_sidecars(refresher, *opened->index, interrupts, io, terminal, &read);
    auto skipped = opened->index->skipped();
    if (skipped) {
        for (const auto& [path, reason] : *skipped) io.err << "skipped " << path << ": " << reason << "\n";
    }
    auto stats = opened->index->stats();
    if (interrupts.requested() || !sidecars.is_ok()) {
        io.err << "azblobfs index rebuild: stopped (" << sidecars.message() << "); "
               << (stats ? stats->sidecars_pending : 0) << " sidecar(s) left: run it again to resume\n";
        return 1;
    }
    if (flags.prefix.empty() && (flags.container.empty() || mounted)) {  // the whole cache was crawled
        Status st = opened->index->mark_complete();
        if (!st.is_ok()) return fail(io, st);
    }
    io.out << "indexed " << crawl.listed << " blobs, read " << read << " sidecars ("
           << (stats ? stats->sidecars_indexed : 0) << " indexed, " << (skipped ? skipped->size() : 0)
           << " skipped); " << crawl.unfit << " blob name(s) not shown by the mount were left out; "
           << crawl.dropped << " file(s) no longer in Azure were dropped from the index\n";
    return 0;
}

}  // namespace azblobfs
