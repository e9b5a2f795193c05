// Building request URLs for the Blob service: percent-encoding of blob names and query values,
// and the service / container / blob URLs of an account.
//
// Invariant: every URL returned here is fully percent-encoded (RFC 3986): only unreserved
// characters (A-Z a-z 0-9 - . _ ~) and, inside blob paths, the '/' separators appear literally.
// The SAS token is NOT part of these URLs; the executor appends it per request.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "azure/credentials.h"

namespace azblobfs {

// Percent-encodes every byte except unreserved characters (and '/' when keep_slash).
std::string percent_encode(std::string_view text, bool keep_slash = false);

// A blob name as a URL path: each '/'-separated segment encoded, the separators kept.
std::string encode_blob_path(std::string_view blob_name);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Base URL of the account's blob service, without a trailing slash. With path_style, the
// account name is the first path segment (added when blob_endpoint has no path).
std::string service_url(const AccountConfig& account);
std::string container_url(const AccountConfig& account, const std::string& container);
std::string blob_url(const AccountConfig& account, const std::string& container,
                     const std::string& blob);

// Appends "?k=v&k=v" (values percent-encoded; an empty value is kept as "k=").
std::string with_query(std::string url, const QueryParams& params);

}  // namespace azblobfs
