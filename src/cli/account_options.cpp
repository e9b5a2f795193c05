#include "cli/account_options.h"

namespace azblobfs {

namespace {

Result<AccountConfig> from_flags(const AccountFlags& flags) {
    if (!flags.connection_string.empty()) return parse_connection_string(flags.connection_string);
    std::string cs = "AccountName=" + flags.account + ";";
    if (!flags.key.empty()) cs += "AccountKey=" + flags.key + ";";
    if (!flags.sas.empty()) cs += "SharedAccessSignature=" + flags.sas + ";";
    return parse_connection_string(cs);
}

bool any_account_flag(const AccountFlags& flags) {
    return !flags.connection_string.empty() || !flags.account.empty();
}

}  // namespace

Result<AccountConfig> resolve_account(const AccountFlags& flags, const EnvLookup& getenv, std::string* source) {
    if (!flags.key.empty() || !flags.sas.empty()) {
        if (!any_account_flag(flags))
            return Status(Code::kInvalidArgument, "--account-key and --sas-token need --account");
    }
    Result<AccountConfig> config = Status(Code::kNotFound, "no account configured");
    if (any_account_flag(flags)) {
        config = from_flags(flags);
        *source = "command-line flags";
    } else {
        config = config_from_environment(getenv);
        *source = "environment (AZURE_STORAGE_*)";
        if (!config.is_ok() && config.status().code() == Code::kNotFound) {
            config = development_storage_config();
            *source = "default: UseDevelopmentStorage=true (local Azurite)";
        }
    }
    if (!config.is_ok()) return config.status();
    if (!flags.endpoint.empty()) {
        config->blob_endpoint = flags.endpoint;
        while (!config->blob_endpoint.empty() && config->blob_endpoint.back() == '/')
            config->blob_endpoint.pop_back();
        auto scheme_end = config->blob_endpoint.find("://");
        auto path_start = scheme_end == std::string::npos ? std::string::npos
                                                          : config->blob_endpoint.find('/', scheme_end + 3);
        config->path_style = path_start != std::string::npos;
    }
    if (flags.no_verify_tls) config->verify_tls = false;
    return config;
}

}  // namespace azblobfs
