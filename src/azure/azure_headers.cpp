#include "azure/azure_headers.h"

#include <openssl/evp.h>

#include <charconv>

#include "azure/xml_parse.h"
#include "common/base64.h"

namespace azblobfs {

namespace {

constexpr std::string_view kMetaPrefix = "x-ms-meta-";

bool parse_u64(std::string_view text, uint64_t& out) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

void add_condition_headers(const Conditions& conditions, HttpHeaders& headers) {
    if (conditions.if_match) headers.emplace_back("If-Match", *conditions.if_match);
    if (conditions.if_none_match_any) headers.emplace_back("If-None-Match", "*");
}

void add_metadata_headers(const Metadata& metadata, HttpHeaders& headers) {
    for (const auto& [key, value] : metadata) headers.emplace_back(std::string(kMetaPrefix) + key, value);
}

bool parse_content_range(std::string_view value, ContentRange& out) {
    constexpr std::string_view kUnit = "bytes ";
    if (!value.starts_with(kUnit)) return false;
    value.remove_prefix(kUnit.size());
    size_t slash = value.find('/');
    if (slash == std::string_view::npos || !parse_u64(value.substr(slash + 1), out.total)) return false;
    std::string_view range = value.substr(0, slash);
    if (range == "*") {
        out.has_range = false;
        return true;
    }
    size_t dash = range.find('-');
    if (dash == std::string_view::npos) return false;
    if (!parse_u64(range.substr(0, dash), out.first) || !parse_u64(range.substr(dash + 1), out.last)) {
        return false;
    }
    out.has_range = out.first <= out.last;  // Azurite answers "bytes 10-9/10" at the end
    return true;
}

BlobProperties properties_from_headers(const std::string& name, const HttpResponse& response) {
    BlobProperties props;
    props.name = name;
    if (!parse_u64(response.header("content-length"), props.size)) props.size = 0;
    ContentRange range;
    if (parse_content_range(response.header("content-range"), range)) props.size = range.total;
    props.etag = response.header("etag");
    int64_t modified = parse_rfc1123(response.header("last-modified"));
    props.last_modified = modified < 0 ? 0 : modified;
    props.content_type = response.header("content-type");
    props.content_md5 = response.header("x-ms-blob-content-md5");
    if (props.content_md5.empty()) props.content_md5 = response.header("content-md5");
    props.tier = response.header("x-ms-access-tier");
    for (const auto& [key, value] : response.headers) {
        if (key.size() > kMetaPrefix.size() && key.starts_with(kMetaPrefix)) {
            props.metadata[key.substr(kMetaPrefix.size())] = value;
        }
    }
    return props;
}

WriteResult write_result_from_headers(const HttpResponse& response) {
    WriteResult result;
    result.etag = response.header("etag");
    int64_t modified = parse_rfc1123(response.header("last-modified"));
    result.last_modified = modified < 0 ? 0 : modified;
    return result;
}

std::string content_md5_base64(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
    return base64_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace azblobfs
