// status_from_service_error: one row per rule of its contract in azure/xml_parse.h.
#include <gtest/gtest.h>

#include "azure/xml_parse.h"

namespace azblobfs {
namespace {

struct Row {
    int http_status;
    const char* azure_code;
    Code expected;
};

TEST(ErrorMapping, EveryRowOfTheTable) {
    const Row rows[] = {
        {404, "BlobNotFound", Code::kNotFound},
        {404, "ContainerNotFound", Code::kNotFound},
        {404, "", Code::kNotFound},
        {409, "BlobAlreadyExists", Code::kAlreadyExists},
        {409, "ContainerAlreadyExists", Code::kAlreadyExists},
        {409, "BlobArchived", Code::kArchived},
        {412, "ConditionNotMet", Code::kPreconditionFailed},
        {412, "LeaseIdMissing", Code::kPreconditionFailed},
        {401, "", Code::kAuthFailed},
        {403, "AuthenticationFailed", Code::kAuthFailed},
        {403, "AuthorizationPermissionMismatch", Code::kAuthFailed},
        {416, "InvalidRange", Code::kInvalidRange},
        {413, "", Code::kTooLarge},
        {413, "RequestBodyTooLarge", Code::kTooLarge},
        {409, "BlockCountExceedsLimit", Code::kTooLarge},
        {400, "InvalidResourceName", Code::kInvalidName},
        {400, "OutOfRangeInput", Code::kInvalidName},
        {429, "", Code::kThrottled},
        {503, "ServerBusy", Code::kThrottled},
        {500, "InternalError", Code::kUnavailable},
        {500, "OperationTimedOut", Code::kUnavailable},
        {502, "", Code::kUnavailable},
        {503, "", Code::kUnavailable},
        {409, "LeaseAlreadyPresent", Code::kConflict},
        {409, "ContainerBeingDeleted", Code::kConflict},
        {409, "", Code::kConflict},
        {400, "InvalidHeaderValue", Code::kInvalidArgument},
        {400, "", Code::kInvalidArgument},
        {405, "UnsupportedHttpVerb", Code::kInvalidArgument},
    };
    for (const Row& row : rows) {
        Status s = status_from_service_error(row.http_status, row.azure_code, "msg", "GET c/b");
        EXPECT_EQ(s.code(), row.expected) << row.http_status << " " << row.azure_code << " gave " << s.to_string();
        EXPECT_EQ(s.http_status(), row.http_status);
        EXPECT_EQ(s.azure_code(), row.azure_code);
        EXPECT_EQ(s.message(), "GET c/b: msg");
    }
}

TEST(ErrorMapping, MessageStartsWithContextEvenWithoutServiceMessage) {
    Status s = status_from_service_error(404, "BlobNotFound", "", "HEAD photos/a.png");
    EXPECT_EQ(s.message(), "HEAD photos/a.png");
    EXPECT_EQ(s.to_string(), "NotFound: HEAD photos/a.png (HTTP 404 BlobNotFound)");
}

TEST(ErrorMapping, NonErrorStatusIsInternal) {
    Status s = status_from_service_error(200, "", "", "GET c");
    EXPECT_FALSE(s.is_ok());
    EXPECT_EQ(s.code(), Code::kInternal);
}

}  // namespace
}  // namespace azblobfs
