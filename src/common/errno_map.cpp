#include "common/errno_map.h"

#include <cerrno>

namespace azblobfs {

int to_errno(const Status& status) {
    switch (status.code()) {
        case Code::kOk: return 0;
        case Code::kNotFound: return ENOENT;
        case Code::kAlreadyExists: return EEXIST;
        case Code::kPreconditionFailed: return ESTALE;
        case Code::kConflict: return EBUSY;
        case Code::kAuthFailed: return EACCES;
        case Code::kThrottled: return EAGAIN;
        case Code::kUnavailable: return EIO;
        case Code::kArchived: return ENODATA;  // documented: rehydrate the blob first
        case Code::kInvalidName: return EINVAL;
        case Code::kNameTooLong: return ENAMETOOLONG;
        case Code::kTooLarge: return EFBIG;
        case Code::kInvalidRange: return EINVAL;
        case Code::kInvalidArgument: return EINVAL;
        case Code::kNotSupported: return ENOTSUP;
        case Code::kIoError: return EIO;
        case Code::kInternal: return EIO;
        case Code::kNotDirectory: return ENOTDIR;
        case Code::kIsDirectory: return EISDIR;
        case Code::kNotEmpty: return ENOTEMPTY;
        case Code::kReadOnly: return EROFS;
        case Code::kNoSpace: return ENOSPC;
        case Code::kCrossDevice: return EXDEV;
        case Code::kNotPermitted: return EPERM;
        case Code::kNoAttribute: return ENODATA;
    }
    return EIO;
}

}  // namespace azblobfs
