#include "azure/xml_parse.h"

#include <pugixml.hpp>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "common/base64.h"

namespace azblobfs {

namespace {

// pugixml never throws outside XPath; load failures are reported through the result.
Status load(pugi::xml_document& doc, std::string_view xml, const char* what) {
    pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
    if (!parsed) {
        return Status(Code::kInternal, std::string(what) + ": malformed XML: " + parsed.description() +
                                           " at offset " + std::to_string(parsed.offset));
    }
    return Status::ok();
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Percent-decoding of an Encoded="true" blob name ('+' stays literal); bad escapes stay as is.
std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// Text of a <Name> element, decoded when it carries Encoded="true".
std::string element_name(const pugi::xml_node& name) {
    std::string text = name.child_value();
    if (name.attribute("Encoded").as_bool(false)) return percent_decode(text);
    return text;
}

// The List Blobs body gives ETags unquoted on Azure (quoted on Azurite); headers always quote
// them. Quoting here keeps every ETag in azblobfs in the header form.
std::string quoted_etag(std::string etag) {
    if (etag.empty() || (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')) return etag;
    return "\"" + etag + "\"";
}

Result<uint64_t> parse_u64(std::string_view text, const std::string& what) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return Status(Code::kInternal, what + ": not a number: '" + std::string(text) + "'");
    }
    return value;
}

Result<BlobProperties> parse_blob(const pugi::xml_node& blob) {
    BlobProperties props;
    pugi::xml_node name = blob.child("Name");
    if (!name) return Status(Code::kInternal, "List Blobs: <Blob> without <Name>");
    props.name = element_name(name);
    pugi::xml_node p = blob.child("Properties");
    if (!p) return Status(Code::kInternal, "List Blobs: blob '" + props.name + "' without <Properties>");
    AZB_ASSIGN_OR_RETURN(props.size,
                         parse_u64(p.child_value("Content-Length"), "List Blobs: Content-Length of " + props.name));
    props.etag = quoted_etag(p.child_value("Etag"));
    std::string modified = p.child_value("Last-Modified");
    props.last_modified = modified.empty() ? 0 : parse_rfc1123(modified);
    if (props.last_modified < 0) {
        return Status(Code::kInternal, "List Blobs: bad Last-Modified '" + modified + "' of " + props.name);
    }
    props.content_type = p.child_value("Content-Type");
    props.content_md5 = p.child_value("Content-MD5");
    props.tier = p.child_value("AccessTier");
    for (const pugi::xml_node& entry : blob.child("Metadata").children()) {
        if (entry.type() != pugi::node_element) continue;
        props.metadata[to_lower(entry.name())] = entry.child_value();
    }
    return props;
}

}  // namespace

Result<ListPage> parse_list_blobs(std::string_view xml) {
    pugi::xml_document doc;
    AZB_RETURN_IF_ERROR(load(doc, xml, "List Blobs"));
    pugi::xml_node root = doc.child("EnumerationResults");
    if (!root) return Status(Code::kInternal, "List Blobs: no <EnumerationResults> element");
    ListPage page;
    for (const pugi::xml_node& node : root.child("Blobs").children()) {
        if (std::strcmp(node.name(), "Blob") == 0) {
            AZB_ASSIGN_OR_RETURN(BlobProperties props, parse_blob(node));
            page.blobs.push_back(std::move(props));
        } else if (std::strcmp(node.name(), "BlobPrefix") == 0) {
            pugi::xml_node name = node.child("Name");
            if (!name) return Status(Code::kInternal, "List Blobs: <BlobPrefix> without <Name>");
            page.prefixes.push_back(element_name(name));
        }
    }
    page.next_marker = root.child_value("NextMarker");
    return page;
}

Result<ContainerPage> parse_list_containers(std::string_view xml) {
    pugi::xml_document doc;
    AZB_RETURN_IF_ERROR(load(doc, xml, "List Containers"));
    pugi::xml_node root = doc.child("EnumerationResults");
    if (!root) return Status(Code::kInternal, "List Containers: no <EnumerationResults> element");
    ContainerPage page;
    for (const pugi::xml_node& node : root.child("Containers").children("Container")) {
        pugi::xml_node name = node.child("Name");
        if (!name) return Status(Code::kInternal, "List Containers: <Container> without <Name>");
        page.names.push_back(name.child_value());
    }
    page.next_marker = root.child_value("NextMarker");
    return page;
}

namespace {

Result<std::vector<std::string>> parse_blocks(const pugi::xml_node& list, const char* what) {
    std::vector<std::string> ids;
    for (const pugi::xml_node& block : list.children("Block")) {
        std::string encoded = block.child_value("Name");
        std::optional<std::string> id = base64_decode(encoded);
        if (!id) {
            return Status(Code::kInternal, std::string("Get Block List: ") + what + " block id '" + encoded +
                                               "' is not base64");
        }
        ids.push_back(std::move(*id));
    }
    return ids;
}

}  // namespace

Result<BlockList> parse_block_list(std::string_view xml) {
    pugi::xml_document doc;
    AZB_RETURN_IF_ERROR(load(doc, xml, "Get Block List"));
    pugi::xml_node root = doc.child("BlockList");
    if (!root) return Status(Code::kInternal, "Get Block List: no <BlockList> element");
    BlockList list;
    AZB_ASSIGN_OR_RETURN(list.committed, parse_blocks(root.child("CommittedBlocks"), "committed"));
    AZB_ASSIGN_OR_RETURN(list.uncommitted, parse_blocks(root.child("UncommittedBlocks"), "uncommitted"));
    return list;
}

ServiceError parse_error_body(std::string_view xml) {
    ServiceError error;
    pugi::xml_document doc;
    if (xml.empty() || !doc.load_buffer(xml.data(), xml.size())) return error;
    pugi::xml_node root = doc.child("Error");
    error.code = root.child_value("Code");
    std::string message = root.child_value("Message");
    size_t eol = message.find_first_of("\r\n");
    error.message = message.substr(0, eol);
    return error;
}

namespace {

bool is_one_of(const std::string& code, std::initializer_list<const char*> codes) {
    for (const char* c : codes) {
        if (code == c) return true;
    }
    return false;
}

// The Code for an error answer; the checks on specific Azure codes come before the generic
// per-status rules, so that e.g. 409 BlockCountExceedsLimit is TooLarge and not Conflict.
Code code_for(int http_status, const std::string& azure_code) {
    if (http_status == 404) return Code::kNotFound;
    if (is_one_of(azure_code, {"BlobAlreadyExists", "ContainerAlreadyExists"})) return Code::kAlreadyExists;
    if (azure_code == "BlobArchived") return Code::kArchived;
    if (http_status == 412) return Code::kPreconditionFailed;
    if (http_status == 401 || http_status == 403) return Code::kAuthFailed;
    if (http_status == 416) return Code::kInvalidRange;
    if (http_status == 413 || is_one_of(azure_code, {"RequestBodyTooLarge", "BlockCountExceedsLimit"})) {
        return Code::kTooLarge;
    }
    if (is_one_of(azure_code, {"InvalidResourceName", "OutOfRangeInput"})) return Code::kInvalidName;
    if (http_status == 429 || azure_code == "ServerBusy") return Code::kThrottled;
    if (http_status >= 500) return Code::kUnavailable;
    if (http_status == 409) return Code::kConflict;
    if (http_status >= 400) return Code::kInvalidArgument;
    return Code::kInternal;  // not an error status: the caller cannot interpret it
}

}  // namespace

Status status_from_service_error(int http_status, const std::string& azure_code, const std::string& message,
                                 const std::string& context) {
    // The HTTP status and Azure code travel in the Status fields (Status::to_string shows them).
    std::string text = message.empty() ? context : context + ": " + message;
    return Status(code_for(http_status, azure_code), text, http_status, azure_code);
}

namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12).
int64_t days_from_civil(int64_t year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t year_of_era = year - era * 400;
    int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

// Reads exactly `width` digits at text[pos]; -1 when they are not all digits.
int read_digits(std::string_view text, size_t pos, size_t width) {
    if (pos + width > text.size()) return -1;
    int value = 0;
    for (size_t i = pos; i < pos + width; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

}  // namespace

int64_t parse_rfc1123(std::string_view text) {
    // "Wed, 09 Jun 2021 16:48:21 GMT": fixed layout, 29 characters.
    if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
        text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
        return -1;
    }
    bool day_ok = false;
    for (const char* d : kDays) day_ok = day_ok || text.substr(0, 3) == d;
    int month = 0;
    for (int m = 0; m < 12; ++m) {
        if (text.substr(8, 3) == kMonths[m]) month = m + 1;
    }
    int day = read_digits(text, 5, 2), year = read_digits(text, 12, 4);
    int hour = read_digits(text, 17, 2), minute = read_digits(text, 20, 2), second = read_digits(text, 23, 2);
    if (!day_ok || month == 0 || day < 1 || day > 31 || year < 0 || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 60) {
        return -1;
    }
    return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

std::string format_rfc1123(int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

}  // namespace azblobfs
