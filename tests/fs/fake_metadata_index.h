// In-memory MetadataIndex for unit tests of the Filesystem core: the contract of
// cache/metadata_index.h without LMDB (file ids, replace_listing removal of vanished children
// and their descendants). Thread-safe.
#pragma once

#include <map>
#include <mutex>

#include "cache/metadata_index.h"

namespace azblobfs::testing {

class FakeMetadataIndex final : public MetadataIndex {
public:
    Result<std::optional<EntryRecord>> get(const std::string& path) override;
    Result<EntryRecord> put(const std::string& path, EntryRecord record) override;
    Result<uint64_t> remove(const std::string& path) override;
    Result<std::vector<std::pair<std::string, std::string>>> files_with_prefix(const std::string& prefix) override;
    Result<bool> remove_if_unchanged(const std::string& path, const std::string& etag,
                                     int64_t validated_before_ns) override;
    Result<std::optional<DirListing>> listing(const std::string& dir) override;
    Result<std::optional<DirListing>> listing_page(const std::string& dir, const std::string& after,
                                                   size_t max) override;
    Result<std::optional<ListedName>> listed_name(const std::string& dir, const std::string& name) override;
    Result<std::vector<uint64_t>> replace_listing(
        const std::string& dir, const std::vector<std::pair<std::string, EntryRecord>>& children,
        int64_t validated_at_ns) override;
    Result<IndexStats> stats() override;
    // The fake holds no journal: nothing is pending.
    Result<bool> pending(const std::string&) override { return false; }

private:
    EntryRecord put_locked(const std::string& path, EntryRecord record);
    void remove_tree_locked(const std::string& path, std::vector<uint64_t>* removed);

    std::mutex mu_;
    uint64_t next_file_id_ = 1;
    std::map<std::string, EntryRecord> entries_;
    std::map<std::string, DirListing> listings_;
};

}  // namespace azblobfs::testing
