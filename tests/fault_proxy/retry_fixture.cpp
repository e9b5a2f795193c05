#include "support/seeded_bytes.h"
#include "fault_proxy/retry_fixture.h"

#include <cstdio>
#include <thread>

#include "azure/credentials.h"
#include "azure/curl_transport.h"

namespace azblobfs::fault_proxy {

using std::chrono::milliseconds;

std::function<void(milliseconds)> SleepRecorder::sleeper() {
    return [this](milliseconds delay) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            delays_.push_back(delay);
        }
        std::this_thread::sleep_for(std::min(delay, cap_));
    };
}

std::vector<milliseconds> SleepRecorder::delays() const {
    std::lock_guard<std::mutex> lock(mu_);
    return delays_;
}

milliseconds SleepRecorder::total() const {
    std::lock_guard<std::mutex> lock(mu_);
    milliseconds sum{0};
    for (milliseconds d : delays_) sum += d;
    return sum;
}

RetryOptions fast_retry_options() {
    RetryOptions retry;
    retry.max_attempts = 10;
    retry.base_delay = milliseconds(5);
    retry.max_delay = milliseconds(5000);
    retry.max_total = milliseconds(120000);
    retry.low_speed_time = std::chrono::seconds(1);
    return retry;
}

std::string test_bytes(size_t size, uint32_t seed) { return testing::seeded_bytes(seed, size); }

std::string block_id(int n) {
    char id[16];
    std::snprintf(id, sizeof id, "block-%06d", n);
    return id;
}

void RetryThroughProxy::SetUp() {
    azurite_ = std::make_unique<testing::AzuriteServer>();
    auto config = parse_connection_string(azurite_->connection_string());
    ASSERT_TRUE(config) << config.status().to_string();
    direct_ = make_azure_blob_store(*config, make_curl_transport());
    FaultProxyOptions options;
    options.stall_time = milliseconds(3000);
    start_proxy(options);
}

void RetryThroughProxy::TearDown() {
    if (proxy_) proxy_->stop();
}

void RetryThroughProxy::start_proxy(FaultProxyOptions options) {
    if (proxy_) proxy_->stop();
    proxy_.reset();
    options.target_host = "127.0.0.1";
    options.target_port = azurite_->port();
    auto started = FaultProxy::start(options);
    ASSERT_TRUE(started) << started.status().to_string();
    proxy_ = std::move(started).value();
}

std::unique_ptr<BlobStore> RetryThroughProxy::store_via_proxy(RetryOptions retry, SleepRecorder* sleeps,
                                                              const std::string& account_key) {
    auto direct_config = parse_connection_string(azurite_->connection_string());
    EXPECT_TRUE(direct_config) << direct_config.status().to_string();
    if (!direct_config) return nullptr;
    std::string key = account_key.empty() ? direct_config->account_key : account_key;
    std::string connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + key +
                             ";BlobEndpoint=" + proxy_->endpoint() + "/devstoreaccount1;";
    auto config = parse_connection_string(connection);
    EXPECT_TRUE(config) << config.status().to_string();
    if (!config) return nullptr;
    AzureStoreOptions options;
    options.retry = retry;
    if (sleeps != nullptr) options.sleep = sleeps->sleeper();
    return make_azure_blob_store(*config, make_curl_transport(), options);
}

}  // namespace azblobfs::fault_proxy
