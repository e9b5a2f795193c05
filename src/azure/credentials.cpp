#include "azure/credentials.h"

#include <cctype>
#include <map>
#include <string_view>

#include "common/base64.h"

namespace azblobfs {

namespace {

// The development-storage account key published in Microsoft's Azurite documentation.
constexpr const char* kDevStorageKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
constexpr const char* kDevStorageAccount = "devstoreaccount1";
constexpr const char* kDevStorageBlobPort = "10000";

Status invalid(const std::string& message) { return Status(Code::kInvalidArgument, message); }

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return std::string(text);
}

// A malformed segment as shown in an error message: short ones whole, long ones only by their
// length (they may be a key or SAS pasted without its "Key=").
std::string shown(const std::string& segment) {
    if (segment.size() <= 16) return "'" + segment + "'";
    return "of " + std::to_string(segment.size()) + " characters";
}

bool is_key_name(const std::string& key) {
    if (key.empty()) return false;
    for (char c : key) {
        if (!std::isalpha(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

// Lowercased key -> value. Values keep every '=' after the first one (base64 padding).
Result<std::map<std::string, std::string>> split_segments(const std::string& text) {
    std::map<std::string, std::string> fields;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(';', start);
        if (end == std::string::npos) end = text.size();
        std::string segment = trim(std::string_view(text).substr(start, end - start));
        start = end + 1;
        if (segment.empty()) continue;
        size_t eq = segment.find('=');
        std::string key = eq == std::string::npos ? std::string() : trim(segment.substr(0, eq));
        if (!is_key_name(key)) return invalid("malformed segment " + shown(segment) + " (expected Key=Value)");
        std::string lower = to_lower(key);
        if (fields.count(lower) != 0) return invalid("connection string has " + key + " twice");
        fields[lower] = trim(segment.substr(eq + 1));
    }
    return fields;
}

std::string field(const std::map<std::string, std::string>& fields, const std::string& lower_key) {
    auto it = fields.find(lower_key);
    return it == fields.end() ? std::string() : it->second;
}

// "http(s)://host[:port][/path]" without a trailing '/'; `what` names the field in errors.
Result<std::string> checked_endpoint(std::string url, const std::string& what) {
    // Shown without any query: a pasted SAS URL must not leak its signature into the message.
    std::string shown = "'" + url.substr(0, url.find_first_of("?#")) + "'";
    if (url.find_first_of("?# ") != std::string::npos) {
        return invalid(what + " " + shown + " must not contain a query, fragment or space");
    }
    std::string lower = to_lower(url);
    size_t host_start = lower.rfind("https://", 0) == 0 ? 8 : lower.rfind("http://", 0) == 0 ? 7 : 0;
    if (host_start == 0) return invalid(what + " " + shown + " must be http or https");
    if (url.size() == host_start || url[host_start] == '/') return invalid(what + " " + shown + " has no host");
    while (url.back() == '/') url.pop_back();  // stops at the host, which is not empty
    return url;
}

// The path after host[:port] of a checked endpoint, without the leading '/'; empty if none.
std::string endpoint_path(const std::string& endpoint) {
    size_t host_start = endpoint.find("://") + 3;
    size_t slash = endpoint.find('/', host_start);
    return slash == std::string::npos ? std::string() : endpoint.substr(slash + 1);
}

std::string endpoint_host(const std::string& endpoint) {
    size_t host_start = endpoint.find("://") + 3;
    size_t end = endpoint.find_first_of(":/", host_start);
    return endpoint.substr(host_start, end == std::string::npos ? std::string::npos : end - host_start);
}

Status check_account_name(const std::string& name) {
    for (char c : name) {
        if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c))) {
            return invalid("AccountName '" + name + "' must hold only lowercase letters and digits");
        }
    }
    return Status::ok();
}

Result<AccountConfig> development_storage(const std::map<std::string, std::string>& fields) {
    for (const auto& [key, value] : fields) {
        if (key != "usedevelopmentstorage" && key != "developmentstorageproxyuri") {
            return invalid("UseDevelopmentStorage=true cannot be combined with other settings (found '" + key + "')");
        }
    }
    AccountConfig config = development_storage_config();
    std::string proxy = field(fields, "developmentstorageproxyuri");
    if (!proxy.empty()) {
        AZB_ASSIGN_OR_RETURN(std::string base, checked_endpoint(proxy, "DevelopmentStorageProxyUri"));
        if (!endpoint_path(base).empty()) return invalid("DevelopmentStorageProxyUri '" + base + "' must not have a path");
        bool has_port = base.find(':', base.find("://") + 3) != std::string::npos;
        config.blob_endpoint =
            base + (has_port ? "" : std::string(":") + kDevStorageBlobPort) + "/" + kDevStorageAccount;
    }
    return config;
}

// AccountName when given, else derived from BlobEndpoint (first path segment when path-style,
// first host label otherwise).
Result<std::string> account_name(const std::map<std::string, std::string>& fields, const std::string& endpoint,
                                 bool path_style) {
    std::string name = field(fields, "accountname");
    if (name.empty() && !endpoint.empty()) {
        if (path_style) {
            std::string path = endpoint_path(endpoint);
            name = path.substr(0, path.find('/'));
        } else {
            std::string host = endpoint_host(endpoint);
            name = host.find('.') == std::string::npos ? std::string() : host.substr(0, host.find('.'));
        }
    }
    if (name.empty()) return invalid("connection string has no AccountName");
    AZB_RETURN_IF_ERROR(check_account_name(name));
    return name;
}

Status apply_auth(const std::map<std::string, std::string>& fields, AccountConfig& config) {
    bool has_key = fields.count("accountkey") != 0;
    std::string key = field(fields, "accountkey");
    std::string sas = field(fields, "sharedaccesssignature");
    if (!sas.empty() && sas.front() == '?') sas.erase(0, 1);
    if (fields.count("sharedaccesssignature") != 0) {
        if (sas.empty()) return invalid("SharedAccessSignature is empty");
        if (sas.find("sig=") == std::string::npos) return invalid("SharedAccessSignature has no signature (sig)");
        config.sas_token = sas;
        config.auth = AuthKind::kSas;
    }
    if (has_key) {
        std::optional<std::string> decoded = base64_decode(key);
        if (!decoded || decoded->empty()) return invalid("AccountKey is not valid base64");
        config.account_key = key;
        config.auth = AuthKind::kSharedKey;  // preferred over a SAS given alongside
    }
    return Status::ok();
}

}  // namespace

AccountConfig development_storage_config() {
    AccountConfig config;
    config.account_name = kDevStorageAccount;
    config.blob_endpoint = std::string("http://127.0.0.1:") + kDevStorageBlobPort + "/" + kDevStorageAccount;
    config.path_style = true;
    config.auth = AuthKind::kSharedKey;
    config.account_key = kDevStorageKey;
    return config;
}

Result<AccountConfig> parse_connection_string(const std::string& connection_string) {
    if (trim(connection_string).empty()) return invalid("connection string is empty");
    AZB_ASSIGN_OR_RETURN(auto fields, split_segments(connection_string));

    std::string dev = to_lower(field(fields, "usedevelopmentstorage"));
    if (dev == "true") return development_storage(fields);
    if (!dev.empty() && dev != "false") return invalid("UseDevelopmentStorage must be true or false");
    fields.erase("usedevelopmentstorage");
    if (fields.count("developmentstorageproxyuri") != 0) {
        return invalid("DevelopmentStorageProxyUri requires UseDevelopmentStorage=true");
    }

    std::string protocol = to_lower(field(fields, "defaultendpointsprotocol"));
    if (protocol.empty()) protocol = "https";
    if (protocol != "http" && protocol != "https") {
        return invalid("DefaultEndpointsProtocol '" + field(fields, "defaultendpointsprotocol") +
                       "' must be http or https");
    }

    AccountConfig config;
    std::string endpoint = field(fields, "blobendpoint");
    if (!endpoint.empty()) {
        AZB_ASSIGN_OR_RETURN(config.blob_endpoint, checked_endpoint(endpoint, "BlobEndpoint"));
        config.path_style = !endpoint_path(config.blob_endpoint).empty();
    }
    AZB_ASSIGN_OR_RETURN(config.account_name, account_name(fields, config.blob_endpoint, config.path_style));
    if (config.blob_endpoint.empty()) {
        std::string suffix = field(fields, "endpointsuffix");
        while (!suffix.empty() && suffix.front() == '.') suffix.erase(0, 1);
        if (suffix.empty()) suffix = "core.windows.net";
        if (suffix.find_first_of("/:?# ") != std::string::npos) {
            return invalid("EndpointSuffix '" + suffix + "' must be a bare domain name");
        }
        config.blob_endpoint = protocol + "://" + config.account_name + ".blob." + suffix;
    }
    AZB_RETURN_IF_ERROR(apply_auth(fields, config));
    return config;
}

Result<AccountConfig> config_from_environment(const EnvLookup& getenv) {
    auto get = [&getenv](const std::string& name) {
        std::optional<std::string> value = getenv(name);
        return value ? trim(*value) : std::string();
    };
    std::string connection_string = get("AZURE_STORAGE_CONNECTION_STRING");
    if (!connection_string.empty()) {
        Result<AccountConfig> parsed = parse_connection_string(connection_string);
        if (!parsed) return parsed.status().with_context("AZURE_STORAGE_CONNECTION_STRING");
        return parsed;
    }
    std::string account = get("AZURE_STORAGE_ACCOUNT");
    std::string key = get("AZURE_STORAGE_KEY");
    std::string sas = get("AZURE_STORAGE_SAS_TOKEN");
    if (account.empty()) {
        if (!key.empty()) return invalid("AZURE_STORAGE_KEY is set but AZURE_STORAGE_ACCOUNT is not");
        if (!sas.empty()) return invalid("AZURE_STORAGE_SAS_TOKEN is set but AZURE_STORAGE_ACCOUNT is not");
        return Status(Code::kNotFound,
                      "no storage account configured: set AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT");
    }
    std::string text = "AccountName=" + account;
    if (!key.empty()) {
        text += ";AccountKey=" + key;
    } else if (!sas.empty()) {
        text += ";SharedAccessSignature=" + sas;
    }
    Result<AccountConfig> parsed = parse_connection_string(text);
    if (!parsed) return parsed.status().with_context("AZURE_STORAGE_ACCOUNT/KEY/SAS_TOKEN");
    return parsed;
}

}  // namespace azblobfs
