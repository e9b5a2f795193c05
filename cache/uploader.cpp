#include "cache/uploader.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "cache/block_cache.h"
#include "cache/flusher.h"

namespace azblobfs {
namespace {

constexpr uint64_t kB = BlockCache::kBlockSize;

// 8 hex digits (ids of one blob must have equal length; indexes stay below 50,000).
std::string hex8(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(v & 0xffffffffULL));
    return buf;
}

uint64_t block_count(uint64_t size) { return (size + kB - 1) / kB; }
uint64_t block_length(uint64_t size, uint64_t i) { return std::min(kB, size - i * kB); }

bool lost_race(const Status& s) {
    return s.code() == Code::kPreconditionFailed || s.code() == Code::kAlreadyExists;
}

PutOptions put_options(const JournalRecord& r, const Conditions& conditions) {
    PutOptions o;
    o.content_type = r.content_type;
    o.metadata = r.metadata;
    o.conditions = conditions;
    return o;
}

}  // namespace

Conditions commit_conditions(const JournalRecord& r) {
    Conditions c;
    if (!r.expect_exists) {
        c.if_none_match_any = true;
    } else if (!r.expect_etag.empty()) {
        c.if_match = r.expect_etag;
    }
    return c;
}

std::string Uploader::conflict_name(const std::string& blob, int64_t now_ns) {
    time_t secs = static_cast<time_t>(now_ns / 1000000000LL);
    struct tm tm {};
    gmtime_r(&secs, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    return blob + ".conflict-" + stamp;
}

Result<FileVersion> Uploader::base_version(const std::string& path, const JournalRecord& r) {
    FileVersion v;
    v.path = path;
    v.container = r.container;
    v.blob = r.source_path.empty() ? r.blob : r.source_blob;
    v.etag = r.underlay_etag;
    // The version's own size: blocks read through the cache are cached at the length they have
    // in that version, never cut short at a local truncate (content_block clamps instead).
    v.size = std::max(r.base_size, r.underlay_size);
    if (r.source_path.empty()) {
        AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> entry, index_.get(path));
        if (entry) v.file_id = entry->file_id;
    }
    return v;
}

Result<std::string> Uploader::content_block(const JournalRecord& r, const FileVersion& base,
                                            uint64_t index) {
    uint64_t start = index * kB;
    if (start >= r.size) return std::string();
    uint64_t len = block_length(r.size, index);
    AZB_ASSIGN_OR_RETURN(auto dirty, journal_.block(r.content_id, index));
    std::string data;
    if (dirty) {
        data = std::move(*dirty);
    } else if (!base.etag.empty() && start < r.underlay_size) {
        uint64_t end = std::min(start + len, r.underlay_size);
        if (base.file_id != 0) {
            AZB_ASSIGN_OR_RETURN(data, base_.reads().read(base, start, end - start));
        } else {  // a rename's source: no cached blocks of this path to use
            AZB_ASSIGN_OR_RETURN(ReadResult got,
                                 store_.read(base.container, base.blob, start, end - start, base.etag));
            data = std::move(got.data);
        }
    }
    data.resize(len, '\0');
    return data;
}

Status Uploader::stage_blocks(const JournalRecord& r, const FileVersion& base, const std::string& blob,
                              const std::vector<uint64_t>& groups, const std::vector<std::string>& ids,
                              uint64_t per_id, UploadOutcome* outcome) {
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> bytes{0};
    std::mutex mu;
    Status first_error = Status::ok();
    const uint64_t n = block_count(r.size);
    auto group_bytes = [&](uint64_t g) -> Result<std::string> {
        std::string data;
        for (uint64_t i = g * per_id; i < std::min(n, (g + 1) * per_id); ++i) {
            AZB_ASSIGN_OR_RETURN(std::string block, content_block(r, base, i));
            data += block;
        }
        return data;
    };
    auto worker = [&] {
        for (size_t k = next++; k < groups.size(); k = next++) {
            {
                std::lock_guard lock(mu);
                if (!first_error.is_ok()) return;
            }
            uint64_t g = groups[k];
            Result<std::string> data = group_bytes(g);
            Status st = data.is_ok() ? store_.put_block(r.container, blob, ids[g], *data) : data.status();
            if (data.is_ok()) bytes += data->size();
            if (!st.is_ok()) {
                std::lock_guard lock(mu);
                if (first_error.is_ok()) first_error = st;
                return;
            }
        }
    };
    size_t threads_n = std::min<size_t>(kStageThreads, groups.size());
    std::vector<std::thread> threads;
    for (size_t t = 1; t < threads_n; ++t) threads.emplace_back(worker);
    if (threads_n > 0) worker();
    for (auto& t : threads) t.join();
    outcome->bytes += bytes.load();
    outcome->staged += groups.size();
    return first_error;
}

Result<Uploader::Commit> Uploader::put_content(const std::string& path, const JournalRecord& r,
                                               const std::string& blob,
                                               const Conditions& conditions, bool reuse,
                                               UploadOutcome* outcome) {
    Commit commit;
    AZB_ASSIGN_OR_RETURN(FileVersion base, base_version(path, r));
    if (r.size <= kB) {
        AZB_ASSIGN_OR_RETURN(std::string data, content_block(r, base, 0));
        AZB_ASSIGN_OR_RETURN(WriteResult w,
                             store_.put_blob(r.container, blob, data, put_options(r, conditions)));
        outcome->bytes += data.size();
        commit.etag = w.etag;
        commit.last_modified = w.last_modified;
        return commit;
    }
    const uint64_t n = block_count(r.size);
    std::optional<CommittedBlocks> known;
    if (reuse && r.source_path.empty() && !r.underlay_etag.empty() && r.underlay_etag == r.expect_etag) {
        AZB_ASSIGN_OR_RETURN(known, journal_.committed_blocks(path));
        if (known && known->etag != r.underlay_etag) known.reset();
    }
    // Azure blocks of one cache block keep incremental commits small; a large file without a
    // reusable list goes up in groups of kBlocksPerLargeId (fewer, bigger requests).
    const uint64_t per_id = known ? known->blocks_per_id : n > kLargeFileBlocks ? kBlocksPerLargeId : 1;
    const uint64_t id_count = (n + per_id - 1) / per_id;
    if (id_count > Flusher::kMaxBlocks) {
        return Status(Code::kTooLarge, "blob " + r.container + "/" + blob + " of " +
                                           std::to_string(r.size) + " bytes needs over 50,000 blocks");
    }
    AZB_ASSIGN_OR_RETURN(std::string upload_id, journal_.new_upload_id());
    AZB_ASSIGN_OR_RETURN(std::vector<uint64_t> dirty_list, journal_.block_indices(r.content_id));
    std::set<uint64_t> dirty(dirty_list.begin(), dirty_list.end());
    auto group_length = [per_id](uint64_t size, uint64_t g) {
        uint64_t start = g * per_id * kB;
        return start >= size ? 0 : std::min(per_id * kB, size - start);
    };
    std::vector<std::string> ids(id_count);
    std::vector<uint64_t> to_stage;
    for (uint64_t g = 0; g < id_count; ++g) {
        bool clean = true;
        for (uint64_t i = g * per_id; i < std::min(n, (g + 1) * per_id) && clean; ++i) clean = dirty.count(i) == 0;
        bool reusable = known && clean && g < known->ids.size() &&
                        std::min((g + 1) * per_id * kB, r.size) <= r.underlay_size &&
                        group_length(known->size, g) == group_length(r.size, g);
        if (reusable) {
            ids[g] = known->ids[g];
            ++outcome->reused;
        } else {
            ids[g] = upload_id + hex8(g);
            to_stage.push_back(g);
        }
    }
    AZB_RETURN_IF_ERROR(stage_blocks(r, base, blob, to_stage, ids, per_id, outcome));
    AZB_ASSIGN_OR_RETURN(WriteResult w,
                         store_.put_block_list(r.container, blob, ids, put_options(r, conditions)));
    commit.etag = w.etag;
    commit.last_modified = w.last_modified;
    commit.blocks = CommittedBlocks{w.etag, r.size, std::move(ids), per_id};
    return commit;
}

Result<UploadOutcome> Uploader::upload(const std::string& path) {
    AZB_ASSIGN_OR_RETURN(std::optional<JournalRecord> r, journal_.get(path));
    if (!r) return UploadOutcome{};
    AZB_ASSIGN_OR_RETURN(std::vector<std::string> dependents, journal_.dependents(path));
    if (!dependents.empty()) {
        UploadOutcome waiting;  // the blob must stay until the records copying it are committed
        waiting.kind = UploadOutcome::Kind::kWaiting;
        waiting.waits_for = std::move(dependents);
        return waiting;
    }
    Result<UploadOutcome> outcome = r->kind == JournalKind::kDelete ? upload_delete(path, *r)
                                                                    : upload_content(path, *r);
    if (outcome.is_ok() && outcome->kind != UploadOutcome::Kind::kWaiting) outcome->released = r->source_path;
    return outcome;
}

Result<Uploader::Commit> Uploader::copy_content(const JournalRecord& r, const Conditions& conditions) {
    CopyOptions copy(conditions);
    copy.source_if_match = r.underlay_etag;
    copy.metadata = r.metadata;
    AZB_ASSIGN_OR_RETURN(WriteResult w, store_.copy_blob(r.container, r.source_blob, r.container, r.blob, copy));
    return Commit{w.etag, w.last_modified, {}};
}

Result<UploadOutcome> Uploader::upload_content(const std::string& path, const JournalRecord& r) {
    UploadOutcome outcome;
    Conditions conditions = commit_conditions(r);
    Result<Commit> commit = Status(Code::kInternal, "no commit");
    if (!r.content_dirty && r.expect_exists) {
        Result<WriteResult> w = store_.set_metadata(r.container, r.blob, r.metadata, conditions);
        if (w.is_ok()) {
            Commit c{w->etag, w->last_modified, {}};
            AZB_ASSIGN_OR_RETURN(auto known, journal_.committed_blocks(path));
            if (known && known->etag == r.expect_etag) {
                c.blocks = CommittedBlocks{w->etag, known->size, known->ids, known->blocks_per_id};
            }
            commit = std::move(c);
        } else {
            commit = w.status();
        }
    } else if (!r.source_path.empty() && r.size == r.underlay_size && r.size == r.base_size &&
               !r.content_type_set) {
        AZB_ASSIGN_OR_RETURN(std::vector<uint64_t> dirty, journal_.block_indices(r.content_id));
        commit = dirty.empty() ? copy_content(r, conditions)
                               : put_content(path, r, r.blob, conditions, /*reuse=*/false, &outcome);
    } else {
        commit = put_content(path, r, r.blob, conditions, /*reuse=*/true, &outcome);
    }
    if (!commit.is_ok()) {
        if (r.type == EntryType::kDirectory && commit.status().code() == Code::kAlreadyExists) {
            JournalBatch b;  // someone else made the same directory: nothing to keep
            b.drop_records.push_back(path);
            AZB_RETURN_IF_ERROR(journal_.apply(b).status());
            outcome.kind = UploadOutcome::Kind::kDone;
            return outcome;
        }
        if (!r.content_dirty && (lost_race(commit.status()) || commit.status().code() == Code::kNotFound)) {
            spdlog::warn("metadata of blob {}/{} not stored: another writer changed or deleted it "
                         "({}); its version stays", r.container, r.blob, commit.status().to_string());
            AZB_RETURN_IF_ERROR(forget_local(path));
            outcome.kind = UploadOutcome::Kind::kDone;
            return outcome;
        }
        if (lost_race(commit.status()) && is_own_commit(r)) {
            // The commit went through before a crash or a lost response: the store holds this
            // very version (same size and metadata, which carries the local mtime in ns).
            AZB_ASSIGN_OR_RETURN(BlobProperties props, store_.get_properties(r.container, r.blob));
            spdlog::info("blob {}/{} already holds this mount's version of {}; not a conflict",
                         r.container, r.blob, path);
            AZB_RETURN_IF_ERROR(record_commit(path, r, Commit{props.etag, props.last_modified, {}}));
            outcome.kind = UploadOutcome::Kind::kDone;
            return outcome;
        }
        if (lost_race(commit.status()) || commit.status().code() == Code::kNotFound) {
            return keep_as_conflict(path, r, commit.status(), outcome);
        }
        return commit.status();
    }
    AZB_RETURN_IF_ERROR(record_commit(path, r, *commit));
    outcome.kind = UploadOutcome::Kind::kDone;
    return outcome;
}

Status Uploader::record_commit(const std::string& path, const JournalRecord& r,
                               const Commit& commit) {
    AZB_ASSIGN_OR_RETURN(std::optional<EntryRecord> entry, index_.get(path));
    if (entry) {
        CommitEvent event{path, entry->file_id, entry->etag, commit.etag, r};
        Status st = rekey_blocks(event);
        if (!st.is_ok()) {
            // No block may stay cached under a version it does not belong to: forget them all.
            spdlog::warn("after the upload of {}: cached blocks dropped: {}", path, st.to_string());
            AZB_RETURN_IF_ERROR(base_.gate().remove(entry->file_id));
        }
    }
    JournalBatch b;
    b.drop_records.push_back(path);
    if (entry) {
        EntryRecord e = *entry;
        e.etag = commit.etag;
        e.size = r.type == EntryType::kDirectory ? 0 : r.size;
        if (commit.last_modified != 0) e.ctime_ns = commit.last_modified * 1000000000LL;
        e.validated_at_ns = clock_ns_();
        e.content_type = r.content_type.empty() ? e.content_type : r.content_type;
        b.put_entries.emplace_back(path, std::move(e));
    }
    b.committed.emplace_back(path, commit.blocks);
    return journal_.apply(b).status();
}

Status Uploader::rekey_blocks(const CommitEvent& e) {
    const JournalRecord& r = e.record;
    bool same_bytes = r.type != EntryType::kDirectory && !r.underlay_etag.empty() &&
                      e.old_etag == r.underlay_etag && r.underlay_size == r.base_size;
    AZB_RETURN_IF_ERROR(base_.gate().commit(e.file_id, e.old_etag, e.new_etag, same_bytes));
    return r.type == EntryType::kDirectory ? Status::ok() : cache_committed_blocks(e, same_bytes);
}

Status Uploader::cache_committed_blocks(const CommitEvent& e, bool kept_base) {
    const JournalRecord& r = e.record;
    VersionGate& gate = base_.gate();
    auto length = [&](uint64_t i) { return std::min(kB, r.size - i * kB); };
    AZB_ASSIGN_OR_RETURN(std::vector<uint64_t> dirty, journal_.block_indices(r.content_id));
    for (uint64_t i : dirty) {
        if (i * kB >= r.size) continue;
        AZB_ASSIGN_OR_RETURN(auto data, journal_.block(r.content_id, i));
        if (!data) continue;
        data->resize(length(i), '\0');
        AZB_RETURN_IF_ERROR(gate.put(e.file_id, e.new_etag, i, *data));
    }
    // The base's last block, when partial and not rewritten, grew with zeros.
    uint64_t last = r.base_size / kB;
    if (kept_base && r.base_size % kB != 0 && r.size > r.base_size &&
        !std::binary_search(dirty.begin(), dirty.end(), last)) {
        std::string block;
        AZB_ASSIGN_OR_RETURN(bool cached, gate.get(e.file_id, e.new_etag, last, &block));
        if (cached) {
            block.resize(length(last), '\0');
            AZB_RETURN_IF_ERROR(gate.put(e.file_id, e.new_etag, last, block));
        }
    }
    return Status::ok();
}

bool Uploader::is_own_commit(const JournalRecord& r) {
    Result<BlobProperties> props = store_.get_properties(r.container, r.blob);
    return props.is_ok() && props->size == r.size && props->metadata == r.metadata &&
           r.metadata.count("mtime") != 0;
}

Result<UploadOutcome> Uploader::upload_delete(const std::string& path, const JournalRecord& r) {
    if (r.type == EntryType::kDirectory) {
        // A directory's tombstone outlives every pending change below it (journal.h).
        AZB_ASSIGN_OR_RETURN(auto all, journal_.records());
        size_t below = 0;
        for (const auto& [p, rec] : all) below += p.size() > path.size() && p.compare(0, path.size(), path) == 0 && p[path.size()] == '/';
        if (below > 0) {
            UploadOutcome waiting;
            waiting.kind = UploadOutcome::Kind::kWaiting;
            return waiting;
        }
    }
    Conditions c;
    if (!r.expect_etag.empty()) c.if_match = r.expect_etag;
    Status st = r.type == EntryType::kDirectory && !r.expect_exists
                    ? Status::ok()  // no marker to delete
                    : store_.delete_blob(r.container, r.blob, c);
    if (st.code() == Code::kPreconditionFailed) {
        spdlog::warn("blob {}/{} was not deleted: another writer changed it after this mount "
                     "deleted {} (expected ETag {}); the other writer's version stays",
                     r.container, r.blob, path, r.expect_etag);
        AZB_RETURN_IF_ERROR(forget_local(path));
    } else if (!st.is_ok() && st.code() != Code::kNotFound) {
        return st;
    } else {
        JournalBatch b;
        b.drop_records.push_back(path);
        b.committed.emplace_back(path, CommittedBlocks{});
        AZB_RETURN_IF_ERROR(journal_.apply(b).status());
    }
    UploadOutcome outcome;
    outcome.kind = UploadOutcome::Kind::kDone;
    return outcome;
}

Result<UploadOutcome> Uploader::keep_as_conflict(const std::string& path, const JournalRecord& r,
                                                 const Status& cause, UploadOutcome outcome) {
    std::string name = conflict_name(r.blob, clock_ns_());
    JournalRecord local = r;
    Conditions create_only;
    create_only.if_none_match_any = true;
    Result<Commit> kept = put_content(path, local, name, create_only, /*reuse=*/false, &outcome);
    if (!kept.is_ok() && (kept.status().code() == Code::kPreconditionFailed || kept.status().code() == Code::kNotFound)) {
        // The underlay itself was replaced or deleted: the unchanged bytes are gone. Keep
        // what is local (every dirty block) and say which parts could not be kept.
        AZB_ASSIGN_OR_RETURN(std::vector<uint64_t> dirty, journal_.block_indices(r.content_id));
        if (dirty.empty()) {
            spdlog::warn("{} was not committed to blob {}/{}: the version {} of blob {}/{} it was "
                         "made from was changed or deleted by another writer ({}); this mount "
                         "changed none of its bytes, so there is nothing to keep",
                         path, r.container, r.blob, r.underlay_etag, r.container,
                         r.source_path.empty() ? r.blob : r.source_blob, cause.to_string());
            AZB_RETURN_IF_ERROR(forget_local(path));
            outcome.kind = UploadOutcome::Kind::kConflict;
            return outcome;
        }
        spdlog::error("conflict copy {}/{}: the version {} this mount modified no longer exists, so "
                      "bytes this mount did not change are zero in the copy",
                      r.container, name, r.underlay_etag);
        local.underlay_etag.clear();
        kept = put_content(path, local, name, create_only, /*reuse=*/false, &outcome);
    }
    if (!kept.is_ok()) return kept.status();
    spdlog::warn("conflict on blob {}/{}: another writer changed it since this mount's copy "
                 "(expected {}): {}; the local version is kept as blob {}/{}",
                 r.container, r.blob,
                 r.expect_exists ? "ETag " + r.expect_etag : std::string("no blob"),
                 cause.to_string(), r.container, name);
    AZB_RETURN_IF_ERROR(forget_local(path));
    outcome.kind = UploadOutcome::Kind::kConflict;
    outcome.conflict_blob = name;
    return outcome;
}

// Drops the record and the local entry, and makes the parent re-list, so the store's version of
// the path shows from now on.
Status Uploader::forget_local(const std::string& path) {
    JournalBatch b;
    b.drop_records.push_back(path);
    b.remove_entries.push_back(path);
    auto slash = path.rfind('/');
    b.expire_listings.push_back(slash == std::string::npos ? std::string() : path.substr(0, slash));
    return journal_.apply(b).status();
}

}  // namespace azblobfs
