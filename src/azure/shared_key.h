// SharedKey request signing, as specified in "Authorize with Shared Key" (Azure Storage REST API),
// for x-ms-version 2015-02-21 and later (Content-Length is empty when the body is empty).
#pragma once

#include <string>

#include "azure/http_transport.h"
#include "common/status.h"

namespace azblobfs {

// The canonical string that is signed, for `request` (its method, url, headers and body size).
// Content-Length is taken from a "Content-Length" header if present, else from body.size(),
// and is empty when zero. The canonicalized resource is "/" + account + <url path> followed by
// the lowercased, sorted query parameters (URL-decoded), one per line as "name:value".
// With path-style URLs (emulator) the path already starts with "/<account>", so the resource
// is "/<account>/<account>/...", which is what Azurite expects.
std::string shared_key_string_to_sign(const std::string& account, const HttpRequest& request);

// "SharedKey <account>:<base64 HMAC-SHA256(base64decode(key), string_to_sign)>".
// InvalidArgument when the key is not valid base64.
Result<std::string> shared_key_authorization(const std::string& account, const std::string& key_base64,
                                             const HttpRequest& request);

}  // namespace azblobfs
