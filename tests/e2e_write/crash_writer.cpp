#include "e2e_write/crash_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "e2e/pattern.h"
#include "e2e/test_util.h"

namespace azblobfs::e2e {

namespace {

constexpr size_t kMaxFiles = 12;
constexpr size_t kChunk = 256 * 1024;

// pwrite of all of `data` at `offset` in kChunk pieces; false on the first failure.
bool pwrite_all(int fd, const std::string& data, uint64_t offset) {
    size_t done = 0;
    while (done < data.size()) {
        size_t n = std::min(kChunk, data.size() - done);
        ssize_t w = pwrite(fd, data.data() + done, n, static_cast<off_t>(offset + done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        done += static_cast<size_t>(w);
    }
    return true;
}

}  // namespace

uint64_t CrashWriter::recorded_bytes() const {
    uint64_t n = 0;
    for (const auto& [name, data] : recorded_) n += data.size();
    return n;
}

std::string CrashWriter::fresh_bytes(size_t size) { return pattern_bytes(9000 + stream_++, 0, size); }

size_t CrashWriter::new_file_size() {
    if (rng_() % 2 == 0) return 1 + rng_() % (64 * 1024);
    return (1u << 20) + rng_() % (5u << 20);
}

CrashWriter::Op CrashWriter::choose(size_t files) {
    if (files < 3) return Op::kCreate;
    unsigned r = static_cast<unsigned>(rng_() % 100);
    if (files < kMaxFiles && r < 25) return Op::kCreate;
    if (r < 55) return Op::kAppend;
    if (r < 88) return Op::kOverwrite;
    return Op::kTruncate;
}

bool CrashWriter::apply(const std::filesystem::path& root, Op op) {
    std::string name;
    if (op == Op::kCreate) {
        name = "f" + std::to_string(next_file_++) + ".bin";
    } else {
        auto it = model_.begin();
        std::advance(it, static_cast<long>(rng_() % model_.size()));
        name = it->first;
    }
    std::string content = op == Op::kCreate ? std::string() : model_[name];
    if (op == Op::kOverwrite && content.empty()) op = Op::kAppend;
    in_progress_ = name;
    recorded_.erase(name);
    int flags = op == Op::kCreate ? O_RDWR | O_CREAT | O_EXCL : O_RDWR;
    Fd fd(open((root / name).c_str(), flags | O_CLOEXEC, 0644));
    if (!fd.ok()) return false;
    model_[name] = content;  // a created file exists from here on
    bool ok = true;
    if (op == Op::kCreate || op == Op::kAppend) {
        std::string data = fresh_bytes(op == Op::kCreate ? new_file_size() : 1 + rng_() % (300 * 1024));
        ok = pwrite_all(fd.get(), data, content.size());
        content += data;
    } else if (op == Op::kOverwrite) {
        uint64_t offset = rng_() % content.size();
        size_t length = 1 + rng_() % std::min<uint64_t>(content.size() - offset + 64 * 1024, 1u << 20);
        std::string data = fresh_bytes(length);
        ok = pwrite_all(fd.get(), data, offset);
        if (offset + length > content.size()) content.resize(offset + length);
        content.replace(offset, length, data);
    } else {
        uint64_t size = rng_() % 2 ? rng_() % (content.size() + 1) : content.size() + rng_() % (100 * 1024);
        ok = ftruncate(fd.get(), static_cast<off_t>(size)) == 0;
        content.resize(size, '\0');
    }
    if (!ok || fsync(fd.get()) != 0) return false;
    model_[name] = content;
    recorded_[name] = content;
    in_progress_.reset();
    ++acknowledged_;
    return true;
}

int CrashWriter::run(const std::filesystem::path& root, const std::atomic<bool>& stop) {
    int before = acknowledged_;
    while (!stop.load()) {
        if (!apply(root, choose(model_.size()))) break;
    }
    return acknowledged_ - before;
}

bool CrashWriter::adopt(const std::filesystem::path& root, std::string* error) {
    if (!in_progress_) return true;
    const std::string name = *in_progress_;
    ReadOutcome r = read_whole_file(root / name);
    if (r.error == ENOENT) {
        model_.erase(name);
    } else if (r.error != 0) {
        *error = name + ": " + std::strerror(r.error);
        return false;
    } else {
        model_[name] = r.data;
    }
    in_progress_.reset();
    return true;
}

}  // namespace azblobfs::e2e
