// HttpTransport over libcurl. One pool of easy handles shared by all threads; each handle keeps
// its connection alive, so steady-state requests do no TCP or TLS handshake.
#pragma once

#include <memory>
#include <string>

#include "azure/http_transport.h"

namespace azblobfs {

struct CurlTransportOptions {
    bool verify_tls = true;
    std::string ca_file;           // empty: system default
};

std::shared_ptr<HttpTransport> make_curl_transport(const CurlTransportOptions& options = {});

}  // namespace azblobfs
