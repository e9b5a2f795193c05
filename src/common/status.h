// Errors as values. Every fallible operation in azblobfs returns Status or Result<T>;
// nothing throws across a layer boundary. errno mapping lives in one place: errno_map.h.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace azblobfs {

enum class Code {
    kOk = 0,
    kNotFound,            // blob, container or path does not exist
    kAlreadyExists,       // create-if-absent found something (If-None-Match: * , 409 BlobAlreadyExists)
    kPreconditionFailed,  // If-Match / ETag condition not met (412)
    kConflict,            // other 409s: lease held, container being deleted, ...
    kAuthFailed,          // 401/403: bad key, bad or expired SAS, signature mismatch
    kThrottled,           // 429/503 ServerBusy after the retry budget
    kUnavailable,         // network errors, timeouts, 5xx after the retry budget
    kArchived,            // blob is in the Archive tier and must be rehydrated first
    kInvalidName,         // name that Azure (or POSIX) cannot hold
    kNameTooLong,         // blob name over 1,024 characters
    kTooLarge,            // body or block over Azure's limits
    kInvalidRange,        // 416: range starts past the end
    kInvalidArgument,     // malformed input: configuration, connection string, request
    kNotSupported,        // operation the store or the server does not offer
    kIoError,             // local I/O failure (disk, LMDB)
    kInternal,            // a bug or an answer we cannot interpret
    // Filesystem-level outcomes (fs/ and cache/).
    kNotDirectory,        // a path component is a file
    kIsDirectory,         // file operation on a directory
    kNotEmpty,            // rmdir of a directory with entries
    kReadOnly,            // write on a read-only mount
    kNoSpace,             // cache full of data that cannot be evicted or uploaded
    kCrossDevice,         // rename across containers
    kNotPermitted,        // hard links, mknod: refused by design
    kNoAttribute,         // extended attribute absent
};

const char* code_name(Code code);

// Status: a code plus a human-readable message that names the object and the cause.
// http_status and azure_code are filled in for errors that came from the service.
class Status {
public:
    Status() = default;
    Status(Code code, std::string message, int http_status = 0, std::string azure_code = {})
        : code_(code), message_(std::move(message)), http_status_(http_status),
          azure_code_(std::move(azure_code)) {}

    static Status ok() { return Status(); }

    bool is_ok() const { return code_ == Code::kOk; }
    explicit operator bool() const { return is_ok(); }
    Code code() const { return code_; }
    const std::string& message() const { return message_; }
    int http_status() const { return http_status_; }
    const std::string& azure_code() const { return azure_code_; }

    // "NotFound: blob photos/a.png: 404 BlobNotFound" style text for logs.
    std::string to_string() const;

    // Returns a copy whose message is prefixed with `context + ": "`.
    Status with_context(const std::string& context) const;

private:
    Code code_ = Code::kOk;
    std::string message_;
    int http_status_ = 0;
    std::string azure_code_;
};

// Result<T>: either a value or a non-ok Status.
template <typename T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}                   // NOLINT(implicit)
    Result(Status status) : v_(std::move(status)) {             // NOLINT(implicit)
        assert(!std::get<Status>(v_).is_ok() && "Result constructed from an ok Status");
    }

    bool is_ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return is_ok(); }

    const Status& status() const {
        static const Status kOkStatus;
        return is_ok() ? kOkStatus : std::get<Status>(v_);
    }
    T& value() & { return std::get<T>(v_); }
    const T& value() const& { return std::get<T>(v_); }
    T&& value() && { return std::get<T>(std::move(v_)); }
    T* operator->() { return &std::get<T>(v_); }
    const T* operator->() const { return &std::get<T>(v_); }
    T& operator*() & { return std::get<T>(v_); }
    const T& operator*() const& { return std::get<T>(v_); }

private:
    std::variant<T, Status> v_;
};

}  // namespace azblobfs

// Propagate a non-ok Status from an expression yielding Status.
#define AZB_RETURN_IF_ERROR(expr)                   \
    do {                                            \
        ::azblobfs::Status _azb_st = (expr);        \
        if (!_azb_st.is_ok()) return _azb_st;       \
    } while (0)

#define AZB_CONCAT_INNER(a, b) a##b
#define AZB_CONCAT(a, b) AZB_CONCAT_INNER(a, b)
// AZB_ASSIGN_OR_RETURN(auto x, expr): binds the value of a Result or returns its Status.
#define AZB_ASSIGN_OR_RETURN(lhs, expr) AZB_ASSIGN_OR_RETURN_IMPL(AZB_CONCAT(_azb_r_, __LINE__), lhs, expr)
#define AZB_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
    auto tmp = (expr);                            \
    if (!tmp.is_ok()) return tmp.status();        \
    lhs = std::move(tmp).value()
