#include "common/redact.h"

#include <regex>
#include <vector>

namespace azblobfs {

namespace {

struct Rule {
    std::regex pattern;
    const char* replacement;
};

const std::vector<Rule>& rules() {
    static const std::vector<Rule> kRules = {
        // SAS signature in a URL or query string: sig=<base64, possibly percent-encoded>
        {std::regex(R"(([?&;\s"']|^)sig=[^&\s"';]*)", std::regex::icase), "$1sig=REDACTED"},
        // Authorization header as logged "Authorization: SharedKey acct:sig", in JSON or in a pair list
        {std::regex(R"((authorization["']?\s*[:=,]\s*["']?)[^\r\n,;"']*)", std::regex::icase), "$1REDACTED"},
        // Connection-string key, also in JSON form
        {std::regex(R"((AccountKey["']?\s*[:=]\s*["']?)[^;\s"']*)", std::regex::icase), "$1REDACTED"},
    };
    return kRules;
}

}  // namespace

std::string redact(std::string_view text) {
    std::string out(text);
    for (const auto& rule : rules()) out = std::regex_replace(out, rule.pattern, rule.replacement);
    return out;
}

}  // namespace azblobfs
