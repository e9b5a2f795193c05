// Single, scripted faults on conditional writes and reads: the cases where the server did the
// work but the client never saw the answer. Each case runs on a warm (kept-alive) connection,
// the normal state of a long-running client.
#include <gtest/gtest.h>

#include "fault_proxy/retry_fixture.h"

namespace azblobfs::fault_proxy {
namespace {

using std::chrono::milliseconds;

// The faults after which the request reached the server but its response was lost or cut.
const FaultKind kAfterForward[] = {FaultKind::kTruncatedBody, FaultKind::kStall,
                                   FaultKind::kResetAfterForward};

class AmbiguousWrites : public RetryThroughProxy {
protected:
    void SetUp() override {
        RetryThroughProxy::SetUp();
        ASSERT_TRUE(direct().create_container("amb").is_ok());
        store_ = store_via_proxy(fast_retry_options(), &sleeps_);
    }

    // Sends one unfaulted request (so the next one reuses a live connection), then arms `fault`
    // for the next request.
    void warm_then_fault(FaultKind fault) {
        proxy().set_schedule(FaultSchedule::none());
        ASSERT_TRUE(store_->list_containers().is_ok());
        proxy().set_schedule(FaultSchedule::scripted({fault}));
    }

    SleepRecorder sleeps_;
    std::unique_ptr<BlobStore> store_;
};

TEST_F(AmbiguousWrites, CreateOnlyPutSucceedsWhenItsResponseIsLost) {
    for (FaultKind fault : kAfterForward) {
        SCOPED_TRACE(fault_kind_name(fault));
        std::string name = std::string("create-") + fault_kind_name(fault);
        std::string data = test_bytes(20000, 7);
        warm_then_fault(fault);
        PutOptions create_only;
        create_only.conditions.if_none_match_any = true;
        Result<WriteResult> put = store_->put_blob("amb", name, data, create_only);
        ASSERT_TRUE(put.is_ok()) << put.status().to_string();
        EXPECT_FALSE(put->etag.empty());
        Result<ReadResult> stored = direct().read("amb", name, 0, 0);
        ASSERT_TRUE(stored.is_ok()) << stored.status().to_string();
        EXPECT_TRUE(stored->data == data);
        EXPECT_EQ(proxy().counters().count(fault), 1u);
    }
}

TEST_F(AmbiguousWrites, IfMatchPutSucceedsWhenItsResponseIsLost) {
    for (FaultKind fault : kAfterForward) {
        SCOPED_TRACE(fault_kind_name(fault));
        std::string name = std::string("replace-") + fault_kind_name(fault);
        Result<WriteResult> first = direct().put_blob("amb", name, "first version");
        ASSERT_TRUE(first.is_ok());
        std::string data = test_bytes(20000, 8);
        warm_then_fault(fault);
        PutOptions replace;
        replace.conditions.if_match = first->etag;
        Result<WriteResult> put = store_->put_blob("amb", name, data, replace);
        ASSERT_TRUE(put.is_ok()) << put.status().to_string();
        Result<ReadResult> stored = direct().read("amb", name, 0, 0);
        ASSERT_TRUE(stored.is_ok());
        EXPECT_TRUE(stored->data == data);
        EXPECT_EQ(put->etag, stored->etag);
    }
}

TEST_F(AmbiguousWrites, DeleteSucceedsWhenItsResponseIsLost) {
    for (FaultKind fault : kAfterForward) {
        SCOPED_TRACE(fault_kind_name(fault));
        std::string name = std::string("delete-") + fault_kind_name(fault);
        ASSERT_TRUE(direct().put_blob("amb", name, "doomed").is_ok());
        warm_then_fault(fault);
        Status deleted = store_->delete_blob("amb", name);
        EXPECT_TRUE(deleted.is_ok()) << deleted.to_string();
        Result<BlobProperties> gone = direct().get_properties("amb", name);
        ASSERT_FALSE(gone.is_ok());
        EXPECT_EQ(gone.status().code(), Code::kNotFound);
    }
}

// A response cut inside its header block is not a response: a HEAD must not succeed with
// half of the headers (and so without an ETag).
TEST_F(AmbiguousWrites, HeadCutInsideTheHeadersIsRetried) {
    Result<WriteResult> written = direct().put_blob("amb", "props", "properties");
    ASSERT_TRUE(written.is_ok());
    warm_then_fault(FaultKind::kTruncatedBody);  // a HEAD has no body: only its status line is sent
    Result<BlobProperties> props = store_->get_properties("amb", "props");
    ASSERT_TRUE(props.is_ok()) << props.status().to_string();
    EXPECT_EQ(props->etag, written->etag);
    EXPECT_EQ(props->size, 10u);
}

}  // namespace
}  // namespace azblobfs::fault_proxy
