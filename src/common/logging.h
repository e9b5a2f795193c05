// Logging setup. Loggers are spdlog instances passed explicitly or created per component by
// name; there is no project-wide mutable logger state beyond spdlog's own registry, which
// main configures once at start.
#pragma once

#include <string>

namespace azblobfs {

// level: "trace", "debug", "info", "warn", "error", "off".
void configure_logging(const std::string& level);

}  // namespace azblobfs
