// A BlobStore wrapper for tests of the Filesystem core and write-back: forwards every call to a
// real store, counts every attempt by kind (the production meter, blob/metered_blob_store.h,
// sits in front of the failures, so a failed call counts too), records ranged reads, and can be
// switched to fail every call with a given code (Unavailable: the store is unreachable, for
// offline mode), to lose the response of the next commit, or to hold GETs. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "blob/blob_store.h"
#include "blob/metered_blob_store.h"

namespace azblobfs::testing {

struct ReadCall {
    std::string blob;
    uint64_t offset = 0;
    uint64_t length = 0;
    std::optional<std::string> if_match;
};

// Requests by kind since the last reset_counts() (reads are "get").
using WriteCounts = RequestCounts;

class CountingStore final : public BlobStore {
public:
    explicit CountingStore(std::shared_ptr<BlobStore> inner);

    // Ok: forward calls. Any other code: every call fails with it.
    void fail_with(Code code);
    // The next Put Blob or Put Block List is carried out, and its caller gets Unavailable (a
    // response lost after the store committed).
    void lose_next_commit_response();
    // While held, every GET waits (a slow network) until release_reads(); reads_waiting() says
    // how many are waiting.
    void hold_reads();
    void release_reads();
    int reads_waiting() const;

    uint64_t calls() const;  // requests of every kind
    uint64_t list_calls() const { return counts().list_blobs + counts().list_containers; }
    uint64_t properties_calls() const { return counts().get_properties; }
    uint64_t bytes_read() const { return counts().bytes_read; }
    std::vector<ReadCall> reads() const;
    WriteCounts counts() const;
    void reset_counts();

    Result<std::vector<std::string>> list_containers() override;
    Status create_container(const std::string& container) override;
    Status delete_container(const std::string& container) override;
    Result<ListPage> list_blobs(const std::string& container, const ListOptions& options) override;
    Result<BlobProperties> get_properties(const std::string& container, const std::string& blob) override;
    Result<ReadResult> read(const std::string& container, const std::string& blob, uint64_t offset,
                            uint64_t length, const std::optional<std::string>& if_match) override;
    Result<WriteResult> put_blob(const std::string& container, const std::string& blob,
                                 std::string_view data, const PutOptions& options) override;
    Status put_block(const std::string& container, const std::string& blob,
                     const std::string& block_id, std::string_view data) override;
    Result<WriteResult> put_block_list(const std::string& container, const std::string& blob,
                                       const std::vector<std::string>& block_ids,
                                       const PutOptions& options) override;
    Status delete_blob(const std::string& container, const std::string& blob,
                       const Conditions& conditions) override;
    Result<WriteResult> copy_blob(const std::string& src_container, const std::string& src_blob,
                                  const std::string& dst_container, const std::string& dst_blob,
                                  const CopyOptions& options) override;
    Result<WriteResult> set_metadata(const std::string& container, const std::string& blob,
                                     const Metadata& metadata, const Conditions& conditions) override;
    Status set_tier(const std::string& container, const std::string& blob, const std::string& tier) override;

private:
    class Faults;  // the injected failures and holds, between the meter and the inner store

    std::shared_ptr<RequestCounters> counters_ = std::make_shared<RequestCounters>();
    std::shared_ptr<Faults> faults_;
    std::unique_ptr<BlobStore> metered_;  // the meter over faults_
    mutable std::mutex mu_;               // guards the two fields below
    std::vector<ReadCall> reads_;
    RequestCounts baseline_;              // the counters at the last reset_counts()
};

}  // namespace azblobfs::testing
