// Lists one directory from the store and records the result in the metadata index.
//
// Mapping (DESIGN §3), for a directory whose blobs share the prefix P ("" or "<dir blob>/"),
// listed with delimiter "/", metadata included, every page:
//  - each folded prefix P + "name/" is a directory "name";
//  - each blob P + "name" is a file, a directory backed by a marker (hdi_isfolder=true) or a
//    symlink (is_symlink=true), see entry_builder.h;
//  - a zero-length blob named exactly P ("dir/" marker) marks the directory itself: its record
//    gets has_marker and the marker's times. A non-empty blob named P is hostile.
//  - hostile names are skipped (SkippedNames): a component that is empty ("a//b"), "." or "..",
//    over 255 bytes or holds a control character. For a hostile prefix the whole prefix is
//    skipped and reported once under the prefix's name.
//  - a file (or symlink) and a directory of the same name: the directory wins, the blob is
//    skipped and reported.
//  - a directory known only from a prefix keeps the marker facts its record already holds (they
//    come from listing the directory itself), so its mtime does not flap between re-listings.
//    Known limit: a "dir/" marker deleted by someone else is still reflected until the
//    directory's record is removed.
// Before the listing replaces the index rows, blocks of files whose ETag changed are dropped
// (VersionGate::switch_to), as are blocks of files that disappeared.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "blob/blob_store.h"
#include "cache/metadata_index.h"
#include "fs/name_mapping.h"
#include "fs/skipped_names.h"
#include "cache/version_gate.h"

namespace azblobfs {

class DirLoader {
public:
    DirLoader(BlobStore& store, MetadataIndex& index, VersionGate& gate, const NameMapping& names,
              SkippedNames& skipped, int64_t mount_start_ns)
        : store_(store), index_(index), gate_(gate), names_(names), skipped_(skipped),
          mount_start_ns_(mount_start_ns) {}

    // Lists `dir` (a directory path) completely and stores it with validated_at = now_ns; the
    // stored listing (local changes not yet uploaded included) is then read from the index.
    Status load(const std::string& dir, int64_t now_ns);
    // The same when the store answers the listing in one List call (one page, up to 5,000
    // names): true; false, with nothing stored, when the directory holds more. What a lookup in
    // a directory not listed yet costs: one request, after which its siblings cost none.
    Result<bool> load_if_one_page(const std::string& dir, int64_t now_ns);

private:
    using Children = std::map<std::string, EntryRecord>;

    Result<bool> load_pages(const std::string& dir, int64_t now_ns, bool one_page);
    Result<Children> list_containers(int64_t now_ns);
    // nullopt: one_page was asked for and the listing goes on past the first page.
    Result<std::optional<Children>> list_blobs(const std::string& dir, const BlobLocation& loc,
                                               int64_t now_ns, bool one_page);
    void add_blob(const BlobLocation& loc, const std::string& prefix, const BlobProperties& blob,
                  int64_t now_ns, Children* children, std::optional<BlobProperties>* self_marker);
    Status carry_over(const std::string& dir, Children* children);
    Status record_self_marker(const std::string& dir, const BlobProperties& marker, int64_t now_ns);

    BlobStore& store_;
    MetadataIndex& index_;
    VersionGate& gate_;
    const NameMapping& names_;
    SkippedNames& skipped_;
    const int64_t mount_start_ns_;
};

// True for records whose content is a blob's bytes (files and symlinks): they own cached blocks.
inline bool has_content(const EntryRecord& r) { return r.type != EntryType::kDirectory; }

}  // namespace azblobfs
