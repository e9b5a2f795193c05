// Rules of the BlobStore contract (blob_store.h) shared by the in-memory and local-directory
// stores, so that both answer every request with the same Status as Azure does.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "blob/blob_store.h"

namespace azblobfs {

inline constexpr size_t kMaxBlockIdBytes = 64;
inline constexpr int kMaxListResults = 5000;

// One block of a committed block list: `length` bytes at `offset` of the blob's data.
struct CommittedBlock {
    std::string id;       // raw id
    uint64_t offset = 0;
    uint64_t length = 0;
};

// Where one block of a block list being committed comes from: a staged block (by id) or a
// range of the current committed data.
struct BlockSource {
    bool staged = false;
    std::string id;
    uint64_t offset = 0;  // into the current data, when !staged
    uint64_t length = 0;  // when !staged
};

// "container/blob", for messages.
std::string blob_path(const std::string& container, const std::string& blob);

// Validates both names (InvalidName / NameTooLong).
Status validate_names(const std::string& container, const std::string& blob);

// current_etag: nullptr when the blob does not exist.
// if_none_match_any on an existing blob: AlreadyExists. if_match on a missing blob or a
// different ETag: PreconditionFailed.
Status check_write_conditions(const std::string* current_etag, const Conditions& conditions,
                              const std::string& path);

// The checks of a copy from a source with ETag `source_etag` (see CopyOptions).
Status check_copy_source(const std::string& source_etag, const CopyOptions& options,
                         const std::string& path);

struct ByteRange {
    uint64_t offset = 0;
    uint64_t length = 0;
};
// Clamps [offset, offset+length) to `size` (length 0: to the end). An offset at or past the
// end is InvalidRange, except offset 0 of an empty blob.
Result<ByteRange> clamp_read_range(uint64_t size, uint64_t offset, uint64_t length,
                                   const std::string& path);

// Keys lowercased; each must be a C identifier (Azure's rule); values without CR, LF or NUL.
Result<Metadata> normalize_metadata(const Metadata& metadata, const std::string& path);

// "Hot", "Cool", "Cold" or "Archive"; otherwise InvalidArgument.
Status validate_tier(const std::string& tier);

// 1-64 bytes; otherwise InvalidArgument.
Status validate_block_id(const std::string& block_id, const std::string& path);

// Resolves a block list as Azure's <Latest> does: a staged block wins over a committed one of
// the same id. Ids of differing lengths, or an id neither staged nor committed: InvalidArgument
// naming it (base64).
Result<std::vector<BlockSource>> resolve_block_list(
    const std::vector<std::string>& ids, const std::function<bool(const std::string&)>& is_staged,
    const std::vector<CommittedBlock>& committed, const std::string& path);

// max_results within 1..5000; otherwise InvalidArgument.
Status validate_list_options(const ListOptions& options);

// Default content type when the caller gives none.
std::string effective_content_type(const std::string& content_type);

}  // namespace azblobfs
