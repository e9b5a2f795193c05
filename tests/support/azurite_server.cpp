#include "support/azurite_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace azblobfs::testing {

namespace {
constexpr const char* kDevKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
}

int pick_free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        throw std::runtime_error("bind() failed");
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    int port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

bool wait_for_port(int port, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port));
        bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        close(fd);
        if (ok) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

AzuriteServer::AzuriteServer(bool in_memory) : dir_("azurite") {
    for (int attempt = 0; attempt < 3 && pid_ < 0; ++attempt) {
        port_ = pick_free_port();
        std::string port_str = std::to_string(port_);
        std::string location = dir_.path().string();
        std::vector<std::string> args = {AZURITE_BLOB_BIN, "--blobHost", "127.0.0.1", "--blobPort",
                                         port_str, "--skipApiVersionCheck", "--loose", "--silent"};
        // Azurite refuses --location together with --inMemoryPersistence.
        if (in_memory) {
            args.push_back("--inMemoryPersistence");
        } else {
            args.push_back("--location");
            args.push_back(location);
        }
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);

        pid_t pid = fork();
        if (pid < 0) throw std::runtime_error("fork() failed");
        if (pid == 0) {
            setpgid(0, 0);  // own process group: stop() kills node and its children together
            if (chdir(location.c_str()) != 0) _exit(126);  // any stray files land in the temp dir
            int devnull = open("/dev/null", O_WRONLY);
            if (devnull >= 0) {
                dup2(devnull, STDOUT_FILENO);
                dup2(devnull, STDERR_FILENO);
            }
            execv(argv[0], argv.data());
            _exit(127);
        }
        pid_ = pid;
        if (!wait_for_port(port_, 20000)) {
            stop();  // port taken by someone else, or Azurite failed: try another port
        }
    }
    if (pid_ < 0) throw std::runtime_error(std::string("could not start Azurite from ") + AZURITE_BLOB_BIN);
}

AzuriteServer::~AzuriteServer() { stop(); }

void AzuriteServer::stop() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGTERM);
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

std::string AzuriteServer::blob_endpoint() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/devstoreaccount1";
}

std::string AzuriteServer::connection_string() const {
    return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + std::string(kDevKey) +
           ";BlobEndpoint=" + blob_endpoint() + ";";
}

}  // namespace azblobfs::testing
