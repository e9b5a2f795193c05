// Where the account lives and how requests are authorised, parsed from a connection string or
// the environment (AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_ACCOUNT, AZURE_STORAGE_KEY,
// AZURE_STORAGE_SAS_TOKEN).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/status.h"

namespace azblobfs {

enum class AuthKind { kSharedKey, kSas, kAnonymous };

struct AccountConfig {
    std::string account_name;      // e.g. "devstoreaccount1"
    std::string blob_endpoint;     // no trailing slash, e.g. "http://127.0.0.1:10000/devstoreaccount1"
                                   // or "https://acct.blob.core.windows.net"
    bool path_style = false;       // account name is the first path segment (emulator/BlobEndpoint with path)
    AuthKind auth = AuthKind::kAnonymous;
    std::string account_key;       // base64, for kSharedKey
    std::string sas_token;         // without the leading '?', for kSas
    bool verify_tls = true;
};

// The well-known development-storage account (Azurite defaults), as published by Microsoft.
AccountConfig development_storage_config();

// Parses "Key=Value;Key=Value" connection strings: DefaultEndpointsProtocol, AccountName,
// AccountKey, BlobEndpoint, EndpointSuffix, SharedAccessSignature, UseDevelopmentStorage,
// DevelopmentStorageProxyUri. Errors are InvalidArgument naming the missing or malformed part.
Result<AccountConfig> parse_connection_string(const std::string& connection_string);

// Builds a config from AZURE_STORAGE_* variables read through `getenv`
// (injected for tests). Precedence: CONNECTION_STRING, then ACCOUNT with KEY or SAS_TOKEN,
// then ACCOUNT alone (anonymous). Returns NotFound when none is set.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
Result<AccountConfig> config_from_environment(const EnvLookup& getenv);

}  // namespace azblobfs
