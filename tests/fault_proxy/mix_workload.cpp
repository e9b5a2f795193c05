#include "fault_proxy/mix_workload.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "fault_proxy/retry_fixture.h"

namespace azblobfs::fault_proxy {

namespace {

const Status& status_of(const Status& status) { return status; }
template <typename T>
const Status& status_of(const Result<T>& result) {
    return result.status();
}

// A successful write must report the ETag of the new version.
#define ASSERT_WRITTEN(expr)                                                      \
    do {                                                                          \
        const Result<WriteResult>& azb_write_ = (expr);                           \
        ASSERT_TRUE(azb_write_.is_ok()) << azb_write_.status().to_string();       \
        ASSERT_FALSE(azb_write_->etag.empty()) << "write succeeded without an ETag"; \
    } while (0)

#define ASSERT_OK(expr)                                                        \
    do {                                                                       \
        const auto& azb_result_ = (expr);                                      \
        ASSERT_TRUE(azb_result_.is_ok()) << status_of(azb_result_).to_string(); \
    } while (0)

std::string numbered(const std::string& prefix, int n) {
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "%02d", n);
    return prefix + suffix;
}

}  // namespace

void MixWorkload::run(BlobStore& store) {
    ASSERT_OK(store.create_container(container_));
    ASSERT_OK(store.create_container(container_));  // already exists: still success
    using Step = void (MixWorkload::*)(BlobStore&);
    const Step steps[] = {&MixWorkload::put_blobs,       &MixWorkload::put_blocks,
                          &MixWorkload::parallel_puts,   &MixWorkload::update_metadata,
                          &MixWorkload::copy_blobs,      &MixWorkload::delete_blobs,
                          &MixWorkload::conditional_writes};
    for (Step step : steps) {
        (this->*step)(store);
        if (::testing::Test::HasFatalFailure()) return;
    }
    verify(store);
}

void MixWorkload::verify(BlobStore& store) const {
    verify_reads(store);
    verify_properties(store);
    verify_listing(store);
}

void MixWorkload::put_blobs(BlobStore& store) {
    for (int n = 0; n < 24; ++n) {
        std::string name = numbered(n % 2 == 0 ? "dir/a/blob-" : "dir/b/blob-", n);
        ModelBlob blob{test_bytes((static_cast<size_t>(n) * 37 * 1024 + static_cast<size_t>(n)) % (300 * 1024),
                                  static_cast<uint32_t>(n)),
                       {{"n", std::to_string(n)}}};
        PutOptions options;
        options.metadata = blob.metadata;
        ASSERT_WRITTEN(store.put_blob(container_, name, blob.data, options));
        model_[name] = std::move(blob);
    }
}

void MixWorkload::put_blocks(BlobStore& store) {
    const std::string name = "big/blocked";
    std::vector<std::string> ids;
    std::string whole;
    for (int n = 0; n < 6; ++n) {
        std::string data = test_bytes(n == 5 ? 10 * 1024 : 100 * 1024, static_cast<uint32_t>(1000 + n));
        ids.push_back(block_id(n));
        ASSERT_OK(store.put_block(container_, name, ids.back(), data));
        whole += data;
    }
    ASSERT_WRITTEN(store.put_block_list(container_, name, ids));
    model_[name] = ModelBlob{whole, {}};
}

void MixWorkload::parallel_puts(BlobStore& store) {
    constexpr int kThreads = 4;
    constexpr int kPerThread = 6;
    std::vector<std::map<std::string, ModelBlob>> written(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                std::string name = numbered("par/t" + std::to_string(t) + "-", i);
                std::string data = test_bytes(static_cast<size_t>(4096 * (i + 1)), static_cast<uint32_t>(2000 + t * 100 + i));
                Result<WriteResult> put = store.put_blob(container_, name, data);
                EXPECT_TRUE(put.is_ok()) << put.status().to_string();
                EXPECT_TRUE(!put || !put->etag.empty()) << name << ": write succeeded without an ETag";
                if (put) written[static_cast<size_t>(t)][name] = ModelBlob{data, {}};
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (auto& part : written) model_.merge(part);
    ASSERT_EQ(model_.count("par/t3-05"), 1u);
}

void MixWorkload::update_metadata(BlobStore& store) {
    for (auto& [name, blob] : model_) {
        if (name.rfind("dir/", 0) != 0 || std::stoi(blob.metadata.at("n")) % 5 != 0) continue;
        Metadata updated{{"n", blob.metadata.at("n")}, {"tag", "updated"}};
        ASSERT_WRITTEN(store.set_metadata(container_, name, updated));
        blob.metadata = updated;
    }
}

void MixWorkload::copy_blobs(BlobStore& store) {
    const std::vector<std::pair<std::string, std::string>> copies = {
        {"dir/b/blob-01", "copies/one"}, {"big/blocked", "copies/big"}, {"dir/a/blob-10", "copies/ten"}};
    for (const auto& [source, destination] : copies) {
        ASSERT_WRITTEN(store.copy_blob(container_, source, container_, destination));
        model_[destination] = model_.at(source);
    }
}

void MixWorkload::delete_blobs(BlobStore& store) {
    for (int n = 3; n < 24; n += 7) {
        std::string name = numbered(n % 2 == 0 ? "dir/a/blob-" : "dir/b/blob-", n);
        ASSERT_OK(store.delete_blob(container_, name));
        model_.erase(name);
        Result<BlobProperties> gone = store.get_properties(container_, name);
        ASSERT_FALSE(gone.is_ok()) << name << " still exists after delete";
        EXPECT_EQ(gone.status().code(), Code::kNotFound) << gone.status().to_string();
    }
}

void MixWorkload::conditional_writes(BlobStore& store) {
    PutOptions create_only;
    create_only.conditions.if_none_match_any = true;
    for (int n = 0; n < 6; ++n) {
        std::string name = numbered("cond/new-", n);
        std::string data = test_bytes(static_cast<size_t>(5000 + n), static_cast<uint32_t>(3000 + n));
        ASSERT_WRITTEN(store.put_blob(container_, name, data, create_only));
        model_[name] = ModelBlob{data, {}};
    }
    // Creating over an existing blob (with other bytes) must fail, faults or not.
    Result<WriteResult> again = store.put_blob(container_, "cond/new-00", test_bytes(77, 77), create_only);
    ASSERT_FALSE(again.is_ok()) << "create-only over an existing blob succeeded";
    EXPECT_EQ(again.status().code(), Code::kAlreadyExists) << again.status().to_string();
    // Replace under If-Match with the current ETag.
    Result<BlobProperties> current = store.get_properties(container_, "cond/new-01");
    ASSERT_OK(current);
    PutOptions replace;
    replace.conditions.if_match = current->etag;
    std::string replacement = test_bytes(9000, 3999);
    ASSERT_WRITTEN(store.put_blob(container_, "cond/new-01", replacement, replace));
    model_["cond/new-01"].data = replacement;
}

void MixWorkload::verify_reads(BlobStore& store) const {
    for (const auto& [name, blob] : model_) {
        SCOPED_TRACE(name);
        const std::string& data = blob.data;
        Result<ReadResult> whole = store.read(container_, name, 0, 0);
        ASSERT_OK(whole);
        EXPECT_TRUE(whole->data == data) << "whole read differs: " << whole->data.size() << " vs " << data.size();
        EXPECT_EQ(whole->blob_size, data.size());
        if (data.size() < 3000) continue;
        uint64_t middle = data.size() / 3;
        Result<ReadResult> range = store.read(container_, name, middle, 2048, whole->etag);
        ASSERT_OK(range);
        EXPECT_TRUE(range->data == data.substr(middle, 2048)) << "range read differs";
        Result<ReadResult> tail = store.read(container_, name, data.size() - 1000, 0);
        ASSERT_OK(tail);
        EXPECT_TRUE(tail->data == data.substr(data.size() - 1000)) << "tail read differs";
    }
}

void MixWorkload::verify_properties(BlobStore& store) const {
    for (const auto& [name, blob] : model_) {
        SCOPED_TRACE(name);
        Result<BlobProperties> properties = store.get_properties(container_, name);
        ASSERT_OK(properties);
        EXPECT_EQ(properties->size, blob.data.size());
        EXPECT_FALSE(properties->etag.empty());
        EXPECT_EQ(properties->metadata, blob.metadata);
    }
}

void MixWorkload::verify_listing(BlobStore& store) const {
    std::vector<std::string> listed;
    ListOptions options;
    options.max_results = 7;
    int pages = 0;
    do {
        Result<ListPage> page = store.list_blobs(container_, options);
        ASSERT_OK(page);
        ASSERT_LE(page->blobs.size(), 7u);
        for (const auto& blob : page->blobs) listed.push_back(blob.name);
        options.marker = page->next_marker;
        ++pages;
    } while (!options.marker.empty() && pages < 100);
    std::vector<std::string> expected;
    for (const auto& entry : model_) expected.push_back(entry.first);
    EXPECT_EQ(listed, expected);
    EXPECT_GT(pages, 1);

    ListOptions folders;
    folders.prefix = "dir/";
    folders.delimiter = "/";
    Result<ListPage> top = store.list_blobs(container_, folders);
    ASSERT_OK(top);
    EXPECT_EQ(top->prefixes, (std::vector<std::string>{"dir/a/", "dir/b/"}));
    EXPECT_TRUE(top->blobs.empty());
}

}  // namespace azblobfs::fault_proxy
