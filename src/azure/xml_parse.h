// Parsing of Azure Blob service XML bodies (pugixml), and the mapping of service errors to Status.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "blob/blob_store.h"
#include "common/status.h"

namespace azblobfs {

// <EnumerationResults> of List Blobs: Blobs/Blob (Name, Properties: Content-Length, Etag,
// Last-Modified (RFC 1123), Content-Type, Content-MD5, AccessTier; Metadata/*),
// Blobs/BlobPrefix/Name, NextMarker. Names are returned decoded (Encoded="true" is handled).
// Internal when the XML is malformed or a required element is missing.
Result<ListPage> parse_list_blobs(std::string_view xml);

struct ContainerPage {
    std::vector<std::string> names;
    std::string next_marker;
};
// <EnumerationResults> of List Containers.
Result<ContainerPage> parse_list_containers(std::string_view xml);

struct BlockList {
    std::vector<std::string> committed;    // raw (base64-decoded) block ids, in order
    std::vector<std::string> uncommitted;
};
// <BlockList> of Get Block List.
Result<BlockList> parse_block_list(std::string_view xml);

struct ServiceError {
    std::string code;      // e.g. "BlobNotFound"; empty when the body holds none
    std::string message;   // first line of <Message>
};
// <Error><Code>..</Code><Message>..</Message></Error>; never fails (empty fields if unparsable).
ServiceError parse_error_body(std::string_view xml);

// Maps an HTTP status plus Azure error code (x-ms-error-code header, else <Code> of the body)
// to a precise Status whose message starts with `context` (e.g. "GET container/blob").
// 404 -> NotFound; 409 BlobAlreadyExists/ContainerAlreadyExists -> AlreadyExists;
// 409 BlobArchived -> Archived; 412 -> PreconditionFailed; 401/403 -> AuthFailed;
// 416 -> InvalidRange; 413 / RequestBodyTooLarge / BlockCountExceedsLimit -> TooLarge;
// InvalidResourceName/OutOfRangeInput on names -> InvalidName; 429/503 ServerBusy -> Throttled;
// other 5xx -> Unavailable; other 409 -> Conflict; other 4xx -> InvalidArgument.
Status status_from_service_error(int http_status, const std::string& azure_code,
                                 const std::string& message, const std::string& context);

// Parses an RFC 1123 date ("Wed, 09 Jun 2021 16:48:21 GMT") to Unix seconds; -1 if malformed.
int64_t parse_rfc1123(std::string_view text);
// Formats Unix seconds as RFC 1123 GMT (for x-ms-date).
std::string format_rfc1123(int64_t unix_seconds);

}  // namespace azblobfs
