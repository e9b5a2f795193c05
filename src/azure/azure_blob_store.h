// Azure Blob REST API implementation of BlobStore (x-ms-version 2021-08-06).
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "azure/credentials.h"
#include "azure/http_transport.h"
#include "blob/blob_store.h"

namespace azblobfs {

struct RetryOptions {
    int max_attempts = 6;                                   // first try included
    std::chrono::milliseconds base_delay{200};              // doubled per attempt, full jitter
    std::chrono::milliseconds max_delay{10000};             // cap of one sleep
    std::chrono::milliseconds max_total{60000};             // cap of all sleeps of one operation
    std::chrono::seconds low_speed_time{30};                // a stall longer than this is retried
};

struct AzureStoreOptions {
    RetryOptions retry;
    // Sleep used between retries; injectable so tests can observe delays without waiting.
    std::function<void(std::chrono::milliseconds)> sleep;   // empty: std::this_thread::sleep_for
};

// Creates a store over the given transport (shared, thread-safe, keep-alive).
std::unique_ptr<BlobStore> make_azure_blob_store(AccountConfig account,
                                                 std::shared_ptr<HttpTransport> transport,
                                                 AzureStoreOptions options = {});

}  // namespace azblobfs
