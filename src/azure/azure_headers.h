// Translation between BlobStore values and Blob service HTTP headers: conditions, metadata,
// blob properties and write results, plus the Content-MD5 of a body.
#pragma once

#include <string>
#include <string_view>

#include "azure/http_transport.h"
#include "blob/blob_store.h"

namespace azblobfs {

// If-Match: <etag> and/or If-None-Match: *.
void add_condition_headers(const Conditions& conditions, HttpHeaders& headers);

// x-ms-meta-<key>: <value> for every entry (keys as given; callers normalise them first).
void add_metadata_headers(const Metadata& metadata, HttpHeaders& headers);

// Properties of blob `name` from the headers of a HEAD or GET response: Content-Length,
// ETag, Last-Modified, Content-Type, Content-MD5, x-ms-access-tier, x-ms-meta-*.
// For a ranged GET the size is taken from Content-Range when present.
BlobProperties properties_from_headers(const std::string& name, const HttpResponse& response);

// ETag and Last-Modified of a write response.
WriteResult write_result_from_headers(const HttpResponse& response);

// Base64 of the MD5 digest of `data` (the Content-MD5 header value).
std::string content_md5_base64(std::string_view data);

// "bytes <first>-<last>/<total>" (or "bytes */<total>"). Returns false when malformed.
struct ContentRange {
    uint64_t first = 0;
    uint64_t last = 0;
    uint64_t total = 0;
    bool has_range = false;   // false for "bytes */<total>" and an empty "bytes n-(n-1)/<total>"
};
bool parse_content_range(std::string_view value, ContentRange& out);

}  // namespace azblobfs
