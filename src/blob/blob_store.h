// BlobStore: the one seam between azblobfs and storage.
//
// Contract (every implementation: memory, local directory, Azure):
//  - Every method is thread-safe and never throws; failures are Status values.
//  - Methods are idempotent where Azure allows it (get, read, list, put of the same bytes,
//    delete of an absent blob reports NotFound, staging the same block twice).
//  - Names are validated with blob/names.h before any I/O: an invalid container name is
//    InvalidName, a blob name over 1,024 characters is NameTooLong.
//  - ETags are opaque strings, compared byte for byte, quoted as the service returns them.
//  - Conditions: if_match fails with PreconditionFailed when the blob's ETag differs or the blob
//    does not exist; if_none_match_any fails with AlreadyExists when the blob exists.
//  - A read of [offset, offset+length) clamps to the blob's size; offset past the end of a
//    non-empty blob is InvalidRange; length 0 means "to the end".
//  - Listing returns at most max_results (<= 5,000) items per page in name order, with
//    next_marker empty on the last page. With a delimiter, names that continue past the
//    delimiter are folded into `prefixes` (each ending in the delimiter).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace azblobfs {

using Metadata = std::map<std::string, std::string>;  // x-ms-meta-* (keys lowercase)

struct BlobProperties {
    std::string name;
    uint64_t size = 0;
    std::string etag;
    int64_t last_modified = 0;        // seconds since the Unix epoch
    std::string content_type;
    std::string content_md5;          // base64, empty when the service holds none
    std::string tier;                 // "Hot", "Cool", "Cold", "Archive" or empty
    bool is_archived() const { return tier == "Archive"; }
    Metadata metadata;
};

struct ListOptions {
    std::string prefix;
    std::string delimiter;            // empty: flat listing
    std::string marker;               // continuation from a previous page
    int max_results = 5000;           // 1..5000
    bool include_metadata = false;
};

struct ListPage {
    std::vector<BlobProperties> blobs;
    std::vector<std::string> prefixes;  // virtual directories, each ending in the delimiter
    std::string next_marker;            // empty on the last page
};

struct ListAll {
    std::vector<BlobProperties> blobs;
    std::vector<std::string> prefixes;
};

struct Conditions {
    std::optional<std::string> if_match;   // write/delete only if the ETag is this one
    bool if_none_match_any = false;        // write only if the blob does not exist
};

// A server-side copy: conditions on the destination, on the source, and the metadata to store.
struct CopyOptions {
    Conditions conditions;                     // on the destination
    std::optional<std::string> source_if_match;  // the source must have this ETag
    std::optional<Metadata> metadata;          // replaces the source's metadata in the copy

    CopyOptions() = default;
    CopyOptions(Conditions c) : conditions(std::move(c)) {}  // NOLINT: a Conditions is a CopyOptions
};

struct PutOptions {
    std::string content_type;             // empty: application/octet-stream
    Metadata metadata;
    Conditions conditions;
    std::string content_md5;              // optional base64 MD5 of the whole blob, stored with it
};

struct WriteResult {
    std::string etag;
    int64_t last_modified = 0;
};

struct ReadResult {
    std::string data;
    std::string etag;                     // ETag of the version that was read
    uint64_t blob_size = 0;               // size of the whole blob
};

class BlobStore {
public:
    virtual ~BlobStore() = default;

    virtual Result<std::vector<std::string>> list_containers() = 0;
    // Succeeds if the container already exists.
    virtual Status create_container(const std::string& container) = 0;
    virtual Status delete_container(const std::string& container) = 0;

    virtual Result<ListPage> list_blobs(const std::string& container, const ListOptions& options) = 0;

    virtual Result<BlobProperties> get_properties(const std::string& container,
                                                  const std::string& blob) = 0;

    // if_match: when set, fails with PreconditionFailed if the blob changed (never mixes versions).
    virtual Result<ReadResult> read(const std::string& container, const std::string& blob,
                                    uint64_t offset, uint64_t length,
                                    const std::optional<std::string>& if_match = std::nullopt) = 0;

    virtual Result<WriteResult> put_blob(const std::string& container, const std::string& blob,
                                         std::string_view data, const PutOptions& options = {}) = 0;

    // block_id is the raw (unencoded) id; all ids of one blob must have the same length.
    virtual Status put_block(const std::string& container, const std::string& blob,
                             const std::string& block_id, std::string_view data) = 0;

    // Commits the listed blocks in order. Ids may name uncommitted (staged) blocks or blocks
    // already committed in the current version of the blob.
    virtual Result<WriteResult> put_block_list(const std::string& container, const std::string& blob,
                                               const std::vector<std::string>& block_ids,
                                               const PutOptions& options = {}) = 0;

    virtual Status delete_blob(const std::string& container, const std::string& blob,
                               const Conditions& conditions = {}) = 0;

    // Server-side copy; returns when the copy is complete. A source whose ETag is not
    // options.source_if_match fails with PreconditionFailed, as does a destination condition.
    virtual Result<WriteResult> copy_blob(const std::string& src_container, const std::string& src_blob,
                                          const std::string& dst_container, const std::string& dst_blob,
                                          const CopyOptions& options = {}) = 0;

    // Replaces all user metadata.
    virtual Result<WriteResult> set_metadata(const std::string& container, const std::string& blob,
                                             const Metadata& metadata,
                                             const Conditions& conditions = {}) = 0;

    // tier: "Hot", "Cool", "Cold" or "Archive".
    virtual Status set_tier(const std::string& container, const std::string& blob,
                            const std::string& tier) = 0;

    // Convenience: follows every page of list_blobs to the end.
    Result<ListAll> list_all(const std::string& container, ListOptions options);
};

}  // namespace azblobfs
