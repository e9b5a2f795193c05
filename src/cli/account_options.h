// Resolution of which storage account to talk to and how to authorise, from command-line flags,
// then the environment, then the default (UseDevelopmentStorage=true, i.e. a local Azurite).
#pragma once

#include <string>

#include "azure/credentials.h"

namespace azblobfs {

struct AccountFlags {
    std::string connection_string;   // --connection-string
    std::string account;             // --account
    std::string key;                 // --account-key
    std::string sas;                 // --sas-token
    std::string endpoint;            // --blob-endpoint (overrides the derived endpoint)
    bool no_verify_tls = false;      // --insecure-skip-tls-verify
};

// Precedence: flags, then AZURE_STORAGE_* environment variables, then development storage.
// `source` receives a short description of where the settings came from (for logs, no secrets).
Result<AccountConfig> resolve_account(const AccountFlags& flags, const EnvLookup& getenv, std::string* source);

}  // namespace azblobfs
