// File primitives of the local-directory store: RAII descriptors, atomic replacement
// (temporary file + fsync + rename + directory fsync), positional reads and name hashing.
// Every failure is an IoError naming the path and strerror.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace azblobfs {

Status io_error(const std::string& operation, const std::filesystem::path& path, int err);

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd();
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    int get() const { return fd_; }
    int release() { int fd = fd_; fd_ = -1; return fd; }

private:
    int fd_ = -1;
};

// Writes a file under a temporary name in the target's directory; commit() makes it durable and
// atomically visible as `target`. Destroyed uncommitted, it removes the temporary file.
class AtomicFileWriter {
public:
    static Result<AtomicFileWriter> create(const std::filesystem::path& target);
    ~AtomicFileWriter();
    AtomicFileWriter(AtomicFileWriter&& other) noexcept;
    AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;

    Status append(std::string_view data);
    // fsync and close of the temporary file; nothing is visible yet.
    Status finish();
    // Renames the finished file over target (durable once the directory is fsynced).
    Status publish();
    // finish, publish, fsync of the directory.
    Status commit();

private:
    AtomicFileWriter(std::filesystem::path target, std::filesystem::path temp, UniqueFd fd)
        : target_(std::move(target)), temp_(std::move(temp)), fd_(std::move(fd)) {}
    std::filesystem::path target_;
    std::filesystem::path temp_;
    UniqueFd fd_;
    bool committed_ = false;
};

// True for the temporary names AtomicFileWriter uses (for clean-up after a crash).
bool is_temporary_file_name(const std::string& file_name);

Status write_file_atomic(const std::filesystem::path& target, std::string_view data);
Status fsync_dir(const std::filesystem::path& dir);
Result<UniqueFd> open_for_read(const std::filesystem::path& path);
// Appends exactly `length` bytes at `offset` of fd to `out`; a short file is an IoError.
Status read_at(int fd, uint64_t offset, uint64_t length, std::string& out, const std::filesystem::path& path);
Result<std::string> read_whole_file(const std::filesystem::path& path);
// Removes a file; an absent file is not an error.
Status remove_file(const std::filesystem::path& path);
Status remove_tree(const std::filesystem::path& path);

std::string hex_encode(std::string_view bytes);
std::string sha256_hex(std::string_view bytes);

}  // namespace azblobfs
