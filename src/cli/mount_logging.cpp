#include "cli/mount_logging.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

namespace azblobfs {

Status log_to_file(const std::string& file, const std::string& level) {
    // The directory is usually the cache directory: create it private (0700), as the cache would.
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(file).parent_path();
    if (!parent.empty()) {
        std::filesystem::create_directories(parent.parent_path(), ec);
        ::mkdir(parent.c_str(), 0700);
    }
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return Status(Code::kIoError, "cannot open log file " + file);
    ::close(fd);
    try {
        auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file, /*truncate=*/false);
        auto logger = std::make_shared<spdlog::logger>("azblobfs-mount", sink);
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e [%P] %l %v");
        logger->set_level(spdlog::level::from_str(level));
        logger->flush_on(spdlog::level::info);
        spdlog::set_default_logger(logger);
    } catch (const spdlog::spdlog_ex& e) {
        return Status(Code::kIoError, "cannot open log file " + file + ": " + e.what());
    }
    return Status::ok();
}

}  // namespace azblobfs
