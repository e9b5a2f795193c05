#include "e2e/e2e_env.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "azure/azure_blob_store.h"
#include "azure/credentials.h"
#include "azure/curl_transport.h"
#include "e2e/pattern.h"

namespace azblobfs::e2e {

namespace {

constexpr uint64_t kUploadBlock = 8ull << 20;

// Runs job(i) for i in [0, count) on `threads` threads; returns the first failure.
template <typename Job>
Status parallel_for(size_t count, int threads, Job job) {
    std::atomic<size_t> next{0};
    std::mutex mu;
    Status first;
    auto worker = [&] {
        for (size_t i = next++; i < count; i = next++) {
            Status st = job(i);
            if (st.is_ok()) continue;
            std::lock_guard<std::mutex> lock(mu);
            if (first.is_ok()) first = st;
            next = count;  // stop handing out work
        }
    };
    std::vector<std::thread> pool;
    int n = std::max(1, std::min<int>(threads, static_cast<int>(count)));
    for (int t = 0; t < n; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    return first;
}

std::string block_id(size_t index) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "blk-%08zu", index);
    return buf;
}

}  // namespace

const testing::AzuriteServer& shared_azurite() {
    static testing::AzuriteServer server(/*in_memory=*/true);
    return server;
}

std::unique_ptr<BlobStore> make_client(const testing::AzuriteServer& server) {
    auto account = parse_connection_string(server.connection_string());
    if (!account.is_ok()) return nullptr;
    return make_azure_blob_store(std::move(account).value(), make_curl_transport());
}

Status upload_all(BlobStore& store, const std::string& container, const std::vector<BlobSpec>& blobs,
                  int threads) {
    AZB_RETURN_IF_ERROR(store.create_container(container));
    return parallel_for(blobs.size(), threads, [&](size_t i) -> Status {
        const BlobSpec& b = blobs[i];
        auto put = store.put_blob(container, b.name, b.data, b.options);
        return put.is_ok() ? Status::ok() : put.status().with_context("upload " + container + "/" + b.name);
    });
}

Status put_pattern_blob(BlobStore& store, const std::string& container, const std::string& blob,
                        uint64_t seed, uint64_t size, int threads) {
    AZB_RETURN_IF_ERROR(store.create_container(container));
    size_t blocks = static_cast<size_t>((size + kUploadBlock - 1) / kUploadBlock);
    if (blocks <= 1) {
        auto put = store.put_blob(container, blob, pattern_bytes(seed, 0, static_cast<size_t>(size)));
        return put.is_ok() ? Status::ok() : put.status();
    }
    AZB_RETURN_IF_ERROR(parallel_for(blocks, threads, [&](size_t i) -> Status {
        uint64_t offset = i * kUploadBlock;
        size_t n = static_cast<size_t>(std::min(kUploadBlock, size - offset));
        return store.put_block(container, blob, block_id(i), pattern_bytes(seed, offset, n));
    }));
    std::vector<std::string> ids;
    for (size_t i = 0; i < blocks; ++i) ids.push_back(block_id(i));
    auto commit = store.put_block_list(container, blob, ids);
    return commit.is_ok() ? Status::ok() : commit.status();
}

Result<std::string> read_blob(BlobStore& store, const std::string& container, const std::string& blob) {
    AZB_ASSIGN_OR_RETURN(BlobProperties props, store.get_properties(container, blob));
    if (props.size == 0) return std::string();
    AZB_ASSIGN_OR_RETURN(ReadResult r, store.read(container, blob, 0, 0));
    return std::move(r.data);
}

}  // namespace azblobfs::e2e
