#include "support/seeded_bytes.h"
#include "conformance_fixture.h"

#include <openssl/evp.h>

#include <random>

#include "common/base64.h"

namespace azblobfs::conformance {

std::string random_bytes(uint64_t seed, size_t n) { return testing::seeded_bytes(seed, n); }

std::string md5_base64(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
    return base64_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

void ConformanceTest::SetUp() {
    auto opened = open_store(GetParam(), dir_, /*reopen=*/false);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    std::random_device rd;
    std::uniform_int_distribution<uint64_t> dist;
    char name[32];
    std::snprintf(name, sizeof name, "conf-%016llx", static_cast<unsigned long long>(dist(rd)));
    container_ = name;
    ASSERT_OK(store_->create_container(container_));
}

void ConformanceTest::TearDown() {
    if (store_ && !container_.empty()) store_->delete_container(container_);
}

Status ConformanceTest::reopen() {
    if (GetParam() == StoreKind::kMemory) return Status(Code::kNotSupported, "a memory store cannot be reopened");
    store_.reset();
    auto opened = open_store(GetParam(), dir_, /*reopen=*/true);
    if (!opened.is_ok()) return opened.status();
    store_ = std::move(opened).value();
    return Status::ok();
}

std::string ConformanceTest::put(const std::string& blob, const std::string& data, const PutOptions& options) {
    auto r = store_->put_blob(container_, blob, data, options);
    EXPECT_TRUE(r.is_ok()) << "put " << blob << ": " << r.status().to_string();
    return r.is_ok() ? r->etag : std::string();
}

std::string ConformanceTest::read_all(const std::string& blob) {
    auto r = store_->read(container_, blob, 0, 0);
    EXPECT_TRUE(r.is_ok()) << "read " << blob << ": " << r.status().to_string();
    return r.is_ok() ? r->data : std::string();
}

INSTANTIATE_TEST_SUITE_P(Stores, ConformanceTest,
                         ::testing::Values(StoreKind::kMemory, StoreKind::kLocalDir, StoreKind::kAzure),
                         [](const ::testing::TestParamInfo<StoreKind>& info) {
                             return store_kind_name(info.param);
                         });

}  // namespace azblobfs::conformance
