#include "azure/shared_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>
#include <vector>

#include "common/base64.h"

namespace azblobfs {

namespace {

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes %XX escapes and '+' (as a space, form encoding); malformed escapes stay literal.
std::string url_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
            hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else if (text[i] == '+') {
            out.push_back(' ');
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// The path ("/..." or "/" when absent) and the raw query (without '?') of an absolute URL.
void split_url(std::string_view url, std::string_view& path, std::string_view& query) {
    size_t fragment = url.find('#');
    if (fragment != std::string_view::npos) url = url.substr(0, fragment);
    size_t q = url.find('?');
    query = q == std::string_view::npos ? std::string_view() : url.substr(q + 1);
    std::string_view before_query = url.substr(0, q);
    size_t scheme_end = before_query.find("://");
    size_t host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    size_t slash = before_query.find('/', host_start);
    path = slash == std::string_view::npos ? std::string_view("/") : before_query.substr(slash);
}

// "\nname:v1,v2" lines for every query parameter: names lowercased and sorted, values decoded
// and, when a name repeats, sorted and comma-joined.
std::string canonicalized_query(std::string_view query) {
    std::map<std::string, std::vector<std::string>> params;
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        std::string name = to_lower(url_decode(pair.substr(0, eq)));
        std::string value = eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
        params[name].push_back(std::move(value));
    }
    std::string out;
    for (auto& [name, values] : params) {
        std::sort(values.begin(), values.end());
        out += "\n" + name + ":";
        for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i];
    }
    return out;
}

// "name:value\n" for every x-ms-* header: names lowercased and sorted, values trimmed.
// A repeated header is joined with ',' in the order given.
std::string canonicalized_headers(const HttpHeaders& headers) {
    std::map<std::string, std::string> ms;
    for (const auto& [name, value] : headers) {
        std::string lower = to_lower(trim(name));
        if (lower.rfind("x-ms-", 0) != 0) continue;
        auto [it, inserted] = ms.emplace(lower, std::string(trim(value)));
        if (!inserted) it->second += "," + std::string(trim(value));
    }
    std::string out;
    for (const auto& [name, value] : ms) out += name + ":" + value + "\n";
    return out;
}

// Value of the first header named `name` (case-insensitive), empty when absent.
std::string header_value(const HttpHeaders& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (to_lower(trim(key)) == name) return std::string(trim(value));
    }
    return {};
}

}  // namespace

std::string shared_key_string_to_sign(const std::string& account, const HttpRequest& request) {
    const HttpHeaders& h = request.headers;
    std::string length = header_value(h, "content-length");
    if (length.empty()) length = std::to_string(request.body.size());
    if (length == "0") length.clear();

    std::string out = request.method + "\n";
    out += header_value(h, "content-encoding") + "\n";
    out += header_value(h, "content-language") + "\n";
    out += length + "\n";
    out += header_value(h, "content-md5") + "\n";
    out += header_value(h, "content-type") + "\n";
    out += header_value(h, "date") + "\n";
    out += header_value(h, "if-modified-since") + "\n";
    out += header_value(h, "if-match") + "\n";
    out += header_value(h, "if-none-match") + "\n";
    out += header_value(h, "if-unmodified-since") + "\n";
    out += header_value(h, "range") + "\n";
    out += canonicalized_headers(h);

    std::string_view path;
    std::string_view query;
    split_url(request.url, path, query);
    out += "/" + account + std::string(path) + canonicalized_query(query);
    return out;
}

Result<std::string> shared_key_authorization(const std::string& account, const std::string& key_base64,
                                             const HttpRequest& request) {
    std::optional<std::string> key = base64_decode(key_base64);
    if (!key || key->empty()) {
        return Status(Code::kInvalidArgument, "SharedKey: account key is not valid base64");
    }
    std::string to_sign = shared_key_string_to_sign(account, request);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
             reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), mac, &mac_len) == nullptr) {
        return Status(Code::kInternal, "SharedKey: HMAC-SHA256 failed");
    }
    std::string signature = base64_encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
    return "SharedKey " + account + ":" + signature;
}

}  // namespace azblobfs
