// Test fixture for the retry tests: a real Azurite, a FaultProxy in front of it, and real Azure
// stores (curl transport) pointed either at the proxy or directly at Azurite.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "azure/azure_blob_store.h"
#include "blob/blob_store.h"
#include "fault_proxy/fault_proxy.h"
#include "support/azurite_server.h"

namespace azblobfs::fault_proxy {

// Records the delays the store asks to sleep, and sleeps at most `cap` of each (0: not at all).
class SleepRecorder {
public:
    explicit SleepRecorder(std::chrono::milliseconds cap = std::chrono::milliseconds(0)) : cap_(cap) {}
    std::function<void(std::chrono::milliseconds)> sleeper();
    std::vector<std::chrono::milliseconds> delays() const;
    std::chrono::milliseconds total() const;

private:
    std::chrono::milliseconds cap_;
    mutable std::mutex mu_;   // guards delays_
    std::vector<std::chrono::milliseconds> delays_;
};

// Retry options for tests: short backoff, a 1 s stall timeout, a generous attempt budget.
RetryOptions fast_retry_options();

// Deterministic bytes of the given size; different seeds give different contents.
std::string test_bytes(size_t size, uint32_t seed);

// A fixed-length raw block id for block number n.
std::string block_id(int n);

class RetryThroughProxy : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // (Re)starts the proxy in front of Azurite with these options (target filled in).
    void start_proxy(FaultProxyOptions options);
    FaultProxy& proxy() { return *proxy_; }

    // A store whose BlobEndpoint is the proxy. An empty key means the emulator's key.
    std::unique_ptr<BlobStore> store_via_proxy(RetryOptions retry, SleepRecorder* sleeps,
                                               const std::string& account_key = "");
    // A store talking to Azurite directly, without faults: the ground truth.
    BlobStore& direct() { return *direct_; }

    std::unique_ptr<testing::AzuriteServer> azurite_;

private:
    std::unique_ptr<FaultProxy> proxy_;
    std::unique_ptr<BlobStore> direct_;
};

}  // namespace azblobfs::fault_proxy
