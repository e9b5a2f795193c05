#include "blob/blob_store.h"

namespace azblobfs {

Result<ListAll> BlobStore::list_all(const std::string& container, ListOptions options) {
    ListAll all;
    do {
        AZB_ASSIGN_OR_RETURN(ListPage page, list_blobs(container, options));
        for (auto& b : page.blobs) all.blobs.push_back(std::move(b));
        for (auto& p : page.prefixes) all.prefixes.push_back(std::move(p));
        options.marker = std::move(page.next_marker);
    } while (!options.marker.empty());
    return all;
}

}  // namespace azblobfs
