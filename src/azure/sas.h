// Shared Access Signature tokens: generation (for tests, benchmarks and `azblobfs sas`) and
// attachment to request URLs. A SAS-authorised request carries the token as its query string
// and no Authorization header.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace azblobfs {

struct SasParams {
    std::string permissions = "rwdlacup";   // account SAS letters; container SAS uses "racwdl"
    int64_t start_unix = 0;                  // 0: omit st=
    int64_t expiry_unix = 0;                 // required
    std::string protocol = "https,http";
    std::string version = "2021-08-06";
};

// Account SAS for the blob service, resource types service+container+object ("sco").
// Returns the token without a leading '?', e.g. "sv=...&ss=b&srt=sco&sp=...&se=...&sig=...".
Result<std::string> make_account_sas(const std::string& account, const std::string& key_base64,
                                     const SasParams& params);

// Service SAS for one container (sr=c).
Result<std::string> make_container_sas(const std::string& account, const std::string& key_base64,
                                       const std::string& container, const SasParams& params);

// Appends `sas_token` to `url` with '?' or '&' as needed.
std::string append_sas(const std::string& url, const std::string& sas_token);

}  // namespace azblobfs
