#include "azure/url.h"

namespace azblobfs {

namespace {

bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// True when `endpoint` ("scheme://host[:port][/path]") has a non-empty path.
bool has_path(std::string_view endpoint) {
    size_t scheme_end = endpoint.find("://");
    size_t host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    size_t slash = endpoint.find('/', host_start);
    return slash != std::string_view::npos && slash + 1 < endpoint.size();
}

}  // namespace

std::string percent_encode(std::string_view text, bool keep_slash) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0x0F]);
        }
    }
    return out;
}

std::string encode_blob_path(std::string_view blob_name) {
    return percent_encode(blob_name, /*keep_slash=*/true);
}

std::string service_url(const AccountConfig& account) {
    std::string base = account.blob_endpoint;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (account.path_style && !has_path(base)) base += "/" + percent_encode(account.account_name);
    return base;
}

std::string container_url(const AccountConfig& account, const std::string& container) {
    return service_url(account) + "/" + percent_encode(container);
}

std::string blob_url(const AccountConfig& account, const std::string& container,
                     const std::string& blob) {
    return container_url(account, container) + "/" + encode_blob_path(blob);
}

std::string with_query(std::string url, const QueryParams& params) {
    char sep = url.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [key, value] : params) {
        url.push_back(sep);
        url += percent_encode(key);
        url.push_back('=');
        url += percent_encode(value);
        sep = '&';
    }
    return url;
}

}  // namespace azblobfs
