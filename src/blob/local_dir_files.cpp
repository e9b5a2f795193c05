#include "blob/local_dir_files.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace azblobfs {

namespace fs = std::filesystem;

namespace {
constexpr const char* kTempMarker = ".tmp.";
}

Status io_error(const std::string& operation, const fs::path& path, int err) {
    return Status(Code::kIoError, operation + " " + path.string() + ": " + std::strerror(err));
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

Result<AtomicFileWriter> AtomicFileWriter::create(const fs::path& target) {
    std::string temp = target.string() + kTempMarker + "XXXXXX";
    int fd = ::mkstemp(temp.data());
    if (fd < 0) return io_error("create temporary file", temp, errno);
    return AtomicFileWriter(target, temp, UniqueFd(fd));
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : target_(std::move(other.target_)), temp_(std::move(other.temp_)), fd_(std::move(other.fd_)),
      committed_(other.committed_) {
    other.temp_.clear();
}

AtomicFileWriter::~AtomicFileWriter() {
    if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

Status AtomicFileWriter::append(std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd_.get(), data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error("write", temp_, errno);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::ok();
}

Status AtomicFileWriter::finish() {
    if (::fsync(fd_.get()) != 0) return io_error("fsync", temp_, errno);
    if (::close(fd_.release()) != 0) return io_error("close", temp_, errno);
    return Status::ok();
}

Status AtomicFileWriter::publish() {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) return io_error("rename to " + target_.string(), temp_, errno);
    committed_ = true;
    return Status::ok();
}

Status AtomicFileWriter::commit() {
    AZB_RETURN_IF_ERROR(finish());
    AZB_RETURN_IF_ERROR(publish());
    return fsync_dir(target_.parent_path());
}

bool is_temporary_file_name(const std::string& file_name) {
    return file_name.find(kTempMarker) != std::string::npos;
}

Status write_file_atomic(const fs::path& target, std::string_view data) {
    AZB_ASSIGN_OR_RETURN(AtomicFileWriter writer, AtomicFileWriter::create(target));
    AZB_RETURN_IF_ERROR(writer.append(data));
    return writer.commit();
}

Status fsync_dir(const fs::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) return io_error("open directory", dir, errno);
    if (::fsync(fd.get()) != 0) return io_error("fsync directory", dir, errno);
    return Status::ok();
}

Result<UniqueFd> open_for_read(const fs::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return io_error("open", path, errno);
    return fd;
}

Status read_at(int fd, uint64_t offset, uint64_t length, std::string& out, const fs::path& path) {
    size_t start = out.size();
    out.resize(start + length);
    uint64_t done = 0;
    while (done < length) {
        ssize_t n = ::pread(fd, out.data() + start + done, length - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return io_error("read", path, errno);
        if (n == 0) return Status(Code::kIoError, "read " + path.string() + ": file is shorter than expected");
        done += static_cast<uint64_t>(n);
    }
    return Status::ok();
}

Result<std::string> read_whole_file(const fs::path& path) {
    AZB_ASSIGN_OR_RETURN(UniqueFd fd, open_for_read(path));
    off_t size = ::lseek(fd.get(), 0, SEEK_END);
    if (size < 0) return io_error("seek", path, errno);
    std::string out;
    AZB_RETURN_IF_ERROR(read_at(fd.get(), 0, static_cast<uint64_t>(size), out, path));
    return out;
}

Status remove_file(const fs::path& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("remove", path, errno);
    return Status::ok();
}

Status remove_tree(const fs::path& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) return io_error("remove directory tree", path, ec.value());
    return Status::ok();
}

std::string hex_encode(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(kDigits[c >> 4]);
        out.push_back(kDigits[c & 0x0F]);
    }
    return out;
}

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
    return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

}  // namespace azblobfs
