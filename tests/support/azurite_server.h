// Starts a real Azurite blob server (the pinned npm package) on 127.0.0.1, on a free port,
// with its data in a fresh temporary directory, and stops it on destruction.
// Tests use it in place of a real storage account; nothing else is faked.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "support/temp_dir.h"

namespace azblobfs::testing {

class AzuriteServer {
public:
    // in_memory: pass --inMemoryPersistence (about 3x faster; RAM-bounded).
    explicit AzuriteServer(bool in_memory = true);
    ~AzuriteServer();
    AzuriteServer(const AzuriteServer&) = delete;
    AzuriteServer& operator=(const AzuriteServer&) = delete;

    int port() const { return port_; }
    // http://127.0.0.1:<port>/devstoreaccount1
    std::string blob_endpoint() const;
    // A SharedKey connection string for the well-known development account on this server.
    std::string connection_string() const;

    void stop();

private:
    TempDir dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// Returns a free TCP port on 127.0.0.1 (bound and released; good enough for tests).
int pick_free_port();

// Polls until something accepts TCP connections on 127.0.0.1:port, or the timeout passes.
bool wait_for_port(int port, int timeout_ms);

}  // namespace azblobfs::testing
