// One page of a List Blobs answer computed over a sorted in-process index, shared by the
// in-memory and local-directory stores.
//
// Markers are the name of the first entry not yet returned (a blob name, which for a folded
// prefix is the first blob under it); they are opaque to callers.
#pragma once

#include <string>

#include "blob/blob_store.h"

namespace azblobfs {

// `blobs` is a std::map keyed by blob name; props_of(value) yields its BlobProperties.
// Blobs and prefixes both count towards options.max_results. options must be valid
// (validate_list_options).
template <typename Map, typename PropsOf>
ListPage page_listing(const Map& blobs, const ListOptions& options, PropsOf props_of) {
    ListPage page;
    int count = 0;
    std::string last_prefix;
    const std::string& start = options.marker > options.prefix ? options.marker : options.prefix;
    for (auto it = blobs.lower_bound(start); it != blobs.end(); ++it) {
        const std::string& name = it->first;
        if (name.compare(0, options.prefix.size(), options.prefix) != 0) break;
        std::string folded;
        if (!options.delimiter.empty()) {
            size_t pos = name.find(options.delimiter, options.prefix.size());
            if (pos != std::string::npos) folded = name.substr(0, pos + options.delimiter.size());
        }
        if (!folded.empty() && folded == last_prefix) continue;
        if (count == options.max_results) {
            page.next_marker = name;
            break;
        }
        ++count;
        if (folded.empty()) {
            BlobProperties props = props_of(it->second);
            if (!options.include_metadata) props.metadata.clear();
            page.blobs.push_back(std::move(props));
        } else {
            page.prefixes.push_back(folded);
            last_prefix = std::move(folded);
        }
    }
    return page;
}

}  // namespace azblobfs
