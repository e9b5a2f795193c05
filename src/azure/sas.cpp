#include "azure/sas.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <optional>

#include "azure/url.h"
#include "common/base64.h"

namespace azblobfs {

namespace {

// The string-to-sign layouts below are those of version 2020-12-06 and later (they carry
// signedEncryptionScope); older versions sign a different layout.
constexpr const char* kOldestSupportedVersion = "2020-12-06";

// ISO 8601 UTC, the form SAS tokens carry: "2021-06-09T16:48:21Z".
std::string iso8601(int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

Result<std::string> sign(const std::string& key_base64, const std::string& to_sign) {
    std::optional<std::string> key = base64_decode(key_base64);
    if (!key || key->empty()) return Status(Code::kInvalidArgument, "SAS: account key is not valid base64");
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
             reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), mac, &mac_len) == nullptr) {
        return Status(Code::kInternal, "SAS: HMAC-SHA256 failed");
    }
    return base64_encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

Status check_params(const SasParams& params) {
    if (params.expiry_unix <= 0) return Status(Code::kInvalidArgument, "SAS: an expiry time is required");
    if (params.start_unix < 0 || (params.start_unix != 0 && params.start_unix >= params.expiry_unix)) {
        return Status(Code::kInvalidArgument, "SAS: start time must be before the expiry time");
    }
    if (params.permissions.empty()) return Status(Code::kInvalidArgument, "SAS: permissions are empty");
    for (char c : params.permissions) {
        if (!std::islower(static_cast<unsigned char>(c))) {
            return Status(Code::kInvalidArgument, "SAS: permissions '" + params.permissions +
                                                      "' must be lowercase letters");
        }
    }
    if (params.protocol != "https" && params.protocol != "https,http") {
        return Status(Code::kInvalidArgument, "SAS: protocol must be 'https' or 'https,http'");
    }
    if (params.version.size() != 10 || params.version < kOldestSupportedVersion) {
        return Status(Code::kNotSupported, "SAS: version '" + params.version + "' is not supported (need " +
                                               kOldestSupportedVersion + " or later)");
    }
    return Status::ok();
}

// "k=v&k=v" with every value percent-encoded; st is omitted when start is 0.
std::string token(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [key, value] : fields) {
        if (value.empty()) continue;
        if (!out.empty()) out += "&";
        out += key + "=" + percent_encode(value);
    }
    return out;
}

}  // namespace

Result<std::string> make_account_sas(const std::string& account, const std::string& key_base64,
                                     const SasParams& params) {
    AZB_RETURN_IF_ERROR(check_params(params));
    const std::string services = "b";
    const std::string resource_types = "sco";
    std::string start = params.start_unix == 0 ? std::string() : iso8601(params.start_unix);
    std::string expiry = iso8601(params.expiry_unix);
    // account, sp, ss, srt, st, se, sip, spr, sv, ses, each followed by '\n'.
    std::string to_sign = account + "\n" + params.permissions + "\n" + services + "\n" + resource_types + "\n" +
                          start + "\n" + expiry + "\n" + "\n" + params.protocol + "\n" + params.version + "\n" +
                          "\n";
    AZB_ASSIGN_OR_RETURN(std::string sig, sign(key_base64, to_sign));
    return token({{"sv", params.version},
                  {"ss", services},
                  {"srt", resource_types},
                  {"sp", params.permissions},
                  {"st", start},
                  {"se", expiry},
                  {"spr", params.protocol},
                  {"sig", sig}});
}

Result<std::string> make_container_sas(const std::string& account, const std::string& key_base64,
                                       const std::string& container, const SasParams& params) {
    AZB_RETURN_IF_ERROR(check_params(params));
    if (container.empty()) return Status(Code::kInvalidArgument, "SAS: container name is empty");
    const std::string resource = "c";
    std::string start = params.start_unix == 0 ? std::string() : iso8601(params.start_unix);
    std::string expiry = iso8601(params.expiry_unix);
    // sp, st, se, canonicalized resource, si, sip, spr, sv, sr, snapshot time, ses, rscc, rscd,
    // rsce, rscl, rsct: joined by '\n' (no newline after the last).
    std::string to_sign = params.permissions + "\n" + start + "\n" + expiry + "\n" + "/blob/" + account + "/" +
                          container + "\n" + "\n" + "\n" + params.protocol + "\n" + params.version + "\n" +
                          resource + "\n" + "\n" + "\n" + "\n" + "\n" + "\n" + "\n";
    AZB_ASSIGN_OR_RETURN(std::string sig, sign(key_base64, to_sign));
    return token({{"sv", params.version},
                  {"sr", resource},
                  {"sp", params.permissions},
                  {"st", start},
                  {"se", expiry},
                  {"spr", params.protocol},
                  {"sig", sig}});
}

std::string append_sas(const std::string& url, const std::string& sas_token) {
    std::string_view sas = sas_token;
    if (!sas.empty() && sas.front() == '?') sas.remove_prefix(1);
    if (sas.empty()) return url;
    size_t q = url.find('?');
    if (q == std::string::npos) return url + "?" + std::string(sas);
    if (url.back() == '?' || url.back() == '&') return url + std::string(sas);
    return url + "&" + std::string(sas);
}

}  // namespace azblobfs
