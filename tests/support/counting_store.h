// A BlobStore wrapper for tests of the Filesystem core and write-back: forwards every call to a
// real store, counts calls, bytes read and each kind of write, records ranged reads, and can be
// switched to fail every call with a given code (Unavailable: the store is unreachable, for
// offline mode), or to lose the response of the next commit. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "blob/blob_store.h"

namespace azblobfs::testing {

struct ReadCall {
    std::string blob;
    uint64_t offset = 0;
    uint64_t length = 0;
    std::optional<std::string> if_match;
};

struct WriteCounts {
    uint64_t put_blob = 0;
    uint64_t put_block = 0;
    uint64_t put_block_list = 0;
    uint64_t delete_blob = 0;
    uint64_t copy_blob = 0;
    uint64_t read = 0;
};

class CountingStore final : public BlobStore {
public:
    explicit CountingStore(std::shared_ptr<BlobStore> inner) : inner_(std::move(inner)) {}

    // Ok: forward calls. Any other code: every call fails with it.
    void fail_with(Code code) { fail_code_.store(code); }
    // The next Put Blob or Put Block List is carried out, and its caller gets Unavailable (a
    // response lost after the store committed).
    void lose_next_commit_response() { lose_commit_response_.store(true); }
    // While held, every GET waits (a slow network) until release_reads(); reads_waiting() says
    // how many are waiting.
    void hold_reads();
    void release_reads();
    int reads_waiting() const;

    uint64_t calls() const { return calls_.load(); }
    uint64_t list_calls() const { return list_calls_.load(); }
    uint64_t properties_calls() const { return properties_calls_.load(); }
    uint64_t bytes_read() const { return bytes_read_.load(); }
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
    // Counts the call; returns the injected failure, if any.
    Status enter();
    // `committed`, or Unavailable when the commit's response is to be lost.
    Result<WriteResult> deliver(Result<WriteResult> committed);

    std::shared_ptr<BlobStore> inner_;
    mutable std::mutex hold_mu_;  // guards the two fields below
    std::condition_variable hold_cv_;
    bool reads_held_ = false;
    int reads_waiting_ = 0;
    std::atomic<Code> fail_code_{Code::kOk};
    std::atomic<bool> lose_commit_response_{false};
    std::atomic<uint64_t> calls_{0};
    std::atomic<uint64_t> list_calls_{0};
    std::atomic<uint64_t> properties_calls_{0};
    std::atomic<uint64_t> bytes_read_{0};
    mutable std::mutex mu_;  // guards reads_
    std::vector<ReadCall> reads_;
    WriteCounts writes_;  // guarded by mu_
};

}  // namespace azblobfs::testing
