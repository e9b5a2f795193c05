// Small helpers shared by the e2e test files: status assertions and POSIX reads that report
// errno instead of throwing.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/status.h"

namespace azblobfs::e2e {

inline const Status& status_of(const Status& s) { return s; }
template <typename T>
const Status& status_of(const Result<T>& r) { return r.status(); }

#define E2E_ASSERT_OK(expr)                                                                \
    do {                                                                                   \
        const auto& _e2e_v = (expr);                                                       \
        ASSERT_TRUE(_e2e_v.is_ok()) << #expr << ": " << ::azblobfs::e2e::status_of(_e2e_v).to_string(); \
    } while (0)

// Owns a file descriptor; closes it on destruction.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd();
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    bool ok() const { return fd_ >= 0; }
    void reset();

private:
    int fd_;
};

// Outcome of a POSIX read: the bytes, or the errno of the first failing call.
struct ReadOutcome {
    int error = 0;                // 0 on success
    std::string data;
};

// pread() until `length` bytes or end of file (short reads are continued).
ReadOutcome pread_exact(int fd, uint64_t offset, size_t length);

// open(O_RDONLY) + read to end of file + close.
ReadOutcome read_whole_file(const std::filesystem::path& path);

// Reads an open fd from offset 0 to end of file in `chunk`-byte reads.
ReadOutcome read_fd_to_end(int fd, size_t chunk = 1 << 20);

// A name for a test-private container: "e2e-" + `hint` (lowercase letters, digits, '-').
std::string container_for(const std::string& hint);

}  // namespace azblobfs::e2e
