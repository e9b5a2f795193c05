// The parameterised fixture of the BlobStore conformance suite: every TEST_P runs against the
// memory, local-directory and Azure (Azurite) stores, each in a fresh, uniquely named container.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "blob/blob_store.h"
#include "store_under_test.h"
#include "support/temp_dir.h"

namespace azblobfs::conformance {

inline const Status& status_of(const Status& s) { return s; }
template <typename T>
const Status& status_of(const Result<T>& r) { return r.status(); }

#define ASSERT_OK(expr)                                                         \
    do {                                                                        \
        const auto& _azb_v = (expr);                                            \
        ASSERT_TRUE(_azb_v.is_ok()) << #expr << ": " << status_of(_azb_v).to_string(); \
    } while (0)
#define EXPECT_OK(expr)                                                         \
    do {                                                                        \
        const auto& _azb_v = (expr);                                            \
        EXPECT_TRUE(_azb_v.is_ok()) << #expr << ": " << status_of(_azb_v).to_string(); \
    } while (0)
#define EXPECT_CODE(expr, expected_code)                                        \
    do {                                                                        \
        const auto& _azb_v = (expr);                                            \
        EXPECT_EQ(std::string(code_name(status_of(_azb_v).code())), std::string(code_name(expected_code))) \
            << #expr << ": " << status_of(_azb_v).to_string();                  \
    } while (0)

// `n` bytes from a PRNG seeded with `seed` (reproducible).
std::string random_bytes(uint64_t seed, size_t n);
// Base64 MD5 of `data`, as Content-MD5 carries it.
std::string md5_base64(const std::string& data);

class ConformanceTest : public ::testing::TestWithParam<StoreKind> {
protected:
    void SetUp() override;
    void TearDown() override;

    BlobStore& store() { return *store_; }
    const std::string& container() const { return container_; }
    // Replaces the store with a freshly opened one over the same data; NotSupported for memory.
    Status reopen();
    // Puts `data` and fails the test if that fails; returns the ETag.
    std::string put(const std::string& blob, const std::string& data, const PutOptions& options = {});
    // Whole content of `blob` (fails the test on error).
    std::string read_all(const std::string& blob);

private:
    testing::TempDir dir_{"azblobfs-conformance"};
    std::unique_ptr<BlobStore> store_;
    std::string container_;
};

}  // namespace azblobfs::conformance
