// The virtual directory ".views" at the mount root (DESIGN §6): read-only directories built
// from the sidecar index whose entries are symlinks to the real files, so reads and writes go
// to the real blobs.
//
//   .views/by-lead/<lead>/            the files of that lead, named by the view templates:
//                                     twin.md, metadata.json, images/<name>
//   .views/by-field/<field>/<value>/  the files whose sidecar or metadata has that value
//   .views/query/<query>/             the matches of a query written as a name
//                                     (classification=hot&income>=100000)
//
// Contract:
//  - ".views" is not listed in the root, so find, du, rsync and backups never crawl it; it is
//    reachable by name. `.views/by-lead` and `.views/by-field[/<field>]` list nothing (there
//    may be millions of leads); the leaf directories list their matches.
//  - Names are data from users: "." and "..", '/', NUL and names over 255 bytes never reach
//    here (the core refuses them); a malformed query is InvalidArgument (EINVAL); anything
//    else that names nothing is "no such entry". A target never leaves the mount: it is
//    "../" per directory level of the view plus a path the index holds.
//  - Flat directories name a match by its base name (by-lead by its template's alias); a
//    second match with the same name gets "~<file id>" appended, so names are unique and stable.
//  - Every answer is read from the index (no store request), so views work offline.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/entry_record.h"
#include "cache/sidecar_index.h"
#include "common/status.h"

namespace azblobfs {

// names[i] (the name of the file with id ids[i]) made unique in order: a repeated name gets
// "~<id>" appended, again until no other name, given or made, is the same.
std::vector<std::string> unique_view_names(std::vector<std::string> names, const std::vector<uint64_t>& ids);

class ViewTree {
public:
    static constexpr std::string_view kRoot = ".views";

    explicit ViewTree(std::shared_ptr<SidecarIndex> index) : index_(std::move(index)) {}

    static bool is_view_path(std::string_view path);

    struct Node {
        EntryType type = EntryType::kDirectory;
        std::string target;  // symlinks: relative to the symlink's directory
    };
    // The node at `path` (a view path), nullopt when it names nothing.
    Result<std::optional<Node>> resolve(const std::string& path) const;
    // The children of view directory `path`, in name order.
    Result<std::vector<DirChild>> children(const std::string& path) const;

private:
    struct Named {
        std::string name;  // may hold one '/' (by-lead: "images/full.png")
        std::string path;  // the real file
    };
    // The entries of the view directory whose components (after ".views") are `parts`, or
    // nullopt when that directory does not exist.
    Result<std::optional<std::vector<Named>>> leaf_entries(const std::vector<std::string>& parts) const;
    std::vector<Named> flat_names(const std::vector<QueryMatch>& matches) const;
    // matches[i] named names[i], repeated names made unique (see the contract above).
    static std::vector<Named> named(const std::vector<QueryMatch>& matches, std::vector<std::string> names);

    std::shared_ptr<SidecarIndex> index_;
};

}  // namespace azblobfs
