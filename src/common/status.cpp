#include "common/status.h"

namespace azblobfs {

const char* code_name(Code code) {
    switch (code) {
        case Code::kOk: return "Ok";
        case Code::kNotFound: return "NotFound";
        case Code::kAlreadyExists: return "AlreadyExists";
        case Code::kPreconditionFailed: return "PreconditionFailed";
        case Code::kConflict: return "Conflict";
        case Code::kAuthFailed: return "AuthFailed";
        case Code::kThrottled: return "Throttled";
        case Code::kUnavailable: return "Unavailable";
        case Code::kArchived: return "Archived";
        case Code::kInvalidName: return "InvalidName";
        case Code::kNameTooLong: return "NameTooLong";
        case Code::kTooLarge: return "TooLarge";
        case Code::kInvalidRange: return "InvalidRange";
        case Code::kInvalidArgument: return "InvalidArgument";
        case Code::kNotSupported: return "NotSupported";
        case Code::kIoError: return "IoError";
        case Code::kInternal: return "Internal";
        case Code::kNotDirectory: return "NotDirectory";
        case Code::kIsDirectory: return "IsDirectory";
        case Code::kNotEmpty: return "NotEmpty";
        case Code::kReadOnly: return "ReadOnly";
        case Code::kNoSpace: return "NoSpace";
        case Code::kCrossDevice: return "CrossDevice";
        case Code::kNotPermitted: return "NotPermitted";
        case Code::kNoAttribute: return "NoAttribute";
    }
    return "Unknown";
}

std::string Status::to_string() const {
    if (is_ok()) return "Ok";
    std::string out = code_name(code_);
    out += ": ";
    out += message_;
    if (http_status_ != 0 || !azure_code_.empty()) {
        out += " (";
        if (http_status_ != 0) out += "HTTP " + std::to_string(http_status_);
        if (http_status_ != 0 && !azure_code_.empty()) out += " ";
        out += azure_code_;
        out += ")";
    }
    return out;
}

Status Status::with_context(const std::string& context) const {
    if (is_ok()) return *this;
    return Status(code_, context + ": " + message_, http_status_, azure_code_);
}

}  // namespace azblobfs
