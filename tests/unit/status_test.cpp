#include <gtest/gtest.h>

#include <cerrno>

#include "common/errno_map.h"
#include "common/status.h"

namespace azblobfs {
namespace {

Result<int> half(int x) {
    if (x % 2 != 0) return Status(Code::kInvalidArgument, "odd: " + std::to_string(x));
    return x / 2;
}

Result<int> quarter(int x) {
    AZB_ASSIGN_OR_RETURN(int h, half(x));
    return half(h);
}

TEST(Status, ResultCarriesValueOrStatus) {
    auto ok = quarter(8);
    ASSERT_TRUE(ok.is_ok());
    EXPECT_EQ(*ok, 2);
    auto bad = quarter(6);
    ASSERT_FALSE(bad.is_ok());
    EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(bad.status().message(), "odd: 3");
}

TEST(Status, ToStringNamesCodeHttpAndAzureCode) {
    Status s(Code::kNotFound, "GET c/b", 404, "BlobNotFound");
    EXPECT_EQ(s.to_string(), "NotFound: GET c/b (HTTP 404 BlobNotFound)");
    EXPECT_EQ(s.with_context("read").message(), "read: GET c/b");
}

TEST(Status, ErrnoMappingIsPrecise) {
    EXPECT_EQ(to_errno(Status()), 0);
    EXPECT_EQ(to_errno(Status(Code::kNotFound, "")), ENOENT);
    EXPECT_EQ(to_errno(Status(Code::kPreconditionFailed, "")), ESTALE);
    EXPECT_EQ(to_errno(Status(Code::kNameTooLong, "")), ENAMETOOLONG);
    EXPECT_EQ(to_errno(Status(Code::kAuthFailed, "")), EACCES);
    EXPECT_EQ(to_errno(Status(Code::kUnavailable, "")), EIO);
    EXPECT_EQ(to_errno(Status(Code::kNotDirectory, "")), ENOTDIR);
    EXPECT_EQ(to_errno(Status(Code::kReadOnly, "")), EROFS);
    EXPECT_EQ(to_errno(Status(Code::kNoAttribute, "")), ENODATA);
    EXPECT_EQ(to_errno(Status(Code::kCrossDevice, "")), EXDEV);
}

}  // namespace
}  // namespace azblobfs
