#include "azure/http_transport.h"

#include <strings.h>

namespace azblobfs {

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() && strncasecmp(key.data(), name.data(), key.size()) == 0) {
            return value;
        }
    }
    return {};
}

}  // namespace azblobfs
