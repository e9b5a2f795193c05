// AzureBlobStore: the BlobStore of the Azure Blob REST API (private to src/azure; callers use
// make_azure_blob_store). Reads and container/listing calls live in azure_blob_store.cpp,
// writes in azure_blob_writes.cpp.
//
// Every method validates names before any I/O, sends through the RequestExecutor (signing and
// retries), and maps service errors with error_from_response, prefixed by
// "<operation> <container>/<blob>".
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "azure/azure_blob_store.h"
#include "azure/request_executor.h"

namespace azblobfs {

class AzureBlobStore final : public BlobStore {
public:
    AzureBlobStore(AccountConfig account, std::shared_ptr<HttpTransport> transport,
                   AzureStoreOptions options);

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
    // Executes `request`; a non-2xx answer becomes its Status.
    Result<HttpResponse> call(const AzureRequest& request);
    // HEAD of a blob, non-2xx mapped to a Status.
    Result<HttpResponse> head_blob(const std::string& container, const std::string& blob,
                                   const std::string& context);
    // Empty-blob answer of a read whose range the service refused (416 at offset 0).
    Result<ReadResult> read_empty_blob(const std::string& container, const std::string& blob,
                                       const std::optional<std::string>& if_match,
                                       const Status& refused);
    // Polls the destination of a copy until x-ms-copy-status leaves "pending".
    Result<WriteResult> wait_for_copy(const std::string& container, const std::string& blob,
                                      const std::string& context);
    void sleep_for(std::chrono::milliseconds delay) const;

    RequestExecutor executor_;
    std::function<void(std::chrono::milliseconds)> sleep_;
};

// The Status of a failed conditional write, as blob_store.h promises: for a write that creates
// the blob (creates == true), a missing blob under If-Match is PreconditionFailed; a 412 under
// If-None-Match: * alone is AlreadyExists; anything else is error_from_response (so a delete or
// metadata update of a missing blob is NotFound).
Status write_error(const HttpResponse& response, const Conditions& conditions, bool creates,
                   const std::string& context);

}  // namespace azblobfs
