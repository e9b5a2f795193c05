#include "mount/mount_env.h"

#include <signal.h>
#include <sys/mount.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "azure/azure_blob_store.h"
#include "azure/credentials.h"
#include "azure/curl_transport.h"
#include "cli/mount_registry.h"

namespace azblobfs::mount_test {
namespace {

void load_tree(const testing::AzuriteServer& server) {
    auto account = parse_connection_string(server.connection_string());
    if (!account) throw std::runtime_error(account.status().to_string());
    auto store = make_azure_blob_store(*account, make_curl_transport());
    Status st = store->create_container(kContainer);
    if (!st.is_ok()) throw std::runtime_error(st.to_string());
    for (auto [name, data] : {std::pair{"hello.txt", kHelloText}, std::pair{"dir/nested.txt", "nested\n"}}) {
        auto put = store->put_blob(kContainer, name, data);
        if (!put) throw std::runtime_error(put.status().to_string());
    }
}

std::string with_endpoint(const std::string& key, const std::string& endpoint) {
    return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + key +
           ";BlobEndpoint=" + endpoint + ";";
}

}  // namespace

const testing::AzuriteServer& azurite() {
    static const std::unique_ptr<testing::AzuriteServer> server = [] {
        auto s = std::make_unique<testing::AzuriteServer>();
        load_tree(*s);
        return s;
    }();
    return *server;
}

std::string azblobfs_bin() { return AZBLOBFS_BIN; }

std::string mount_source(const std::filesystem::path& mountpoint) {
    std::ifstream in("/proc/mounts");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string source;
    for (const auto& entry : parse_proc_mounts(text)) {
        if (entry.mountpoint == mountpoint.string() && entry.type == kMountType) source = entry.source;
    }
    return source;
}

bool is_azblobfs_mount(const std::filesystem::path& mountpoint) { return !mount_source(mountpoint).empty(); }

std::string good_connection_string() { return azurite().connection_string(); }

std::string wrong_key_connection_string() {
    // A well-formed key (64 bytes of base64) that is not the account's.
    return with_endpoint(std::string(86, 'A') + "==", azurite().blob_endpoint());
}

std::string unreachable_connection_string() {
    int port = testing::pick_free_port();  // bound and released: nothing listens there
    std::string good = azurite().connection_string();
    auto key_start = good.find("AccountKey=") + 11;
    std::string key = good.substr(key_start, good.find(';', key_start) - key_start);
    return with_endpoint(key, "http://127.0.0.1:" + std::to_string(port) + "/devstoreaccount1");
}

std::optional<nlohmann::json> read_json(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

MountTest::MountTest()
    : mnt_(dir_.path() / "mnt"), mnt2_(dir_.path() / "mnt2"), cache_(dir_.path() / "cache") {
    std::filesystem::create_directories(mnt_);
    std::filesystem::create_directories(mnt2_);
}

MountTest::~MountTest() { cleanup(); }

void MountTest::cleanup() const {
    for (const auto& mp : {mnt_, mnt2_}) {
        if (is_azblobfs_mount(mp)) umount2(mp.c_str(), MNT_DETACH);
    }
    auto status = read_json(cache_ / "status.json");
    if (status && status->contains("pid") && (*status)["pid"].is_number_integer()) {
        auto pid = (*status)["pid"].get<pid_t>();
        if (is_azblobfs_process(pid)) kill(pid, SIGKILL);
    }
    // The mountpoints are this test's own temporary paths: no pid file of theirs may outlive it.
    std::error_code ec;
    for (const auto& mp : {mnt_, mnt2_}) std::filesystem::remove(pid_file_path(kRunDir, mp.string()), ec);
}

std::vector<std::string> MountTest::mount_argv(const std::filesystem::path& mountpoint,
                                               const std::string& connection_string,
                                               const std::vector<std::string>& extra) const {
    std::vector<std::string> argv = {azblobfs_bin(), "mount",       mountpoint.string(), "--cache-dir",
                                     cache_.string(), "--cache-size", "64M",              "--connection-string",
                                     connection_string};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

bool MountTest::wait_until_mounted(const std::filesystem::path& mountpoint, std::chrono::seconds bound) const {
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
        if (is_azblobfs_mount(mountpoint)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

}  // namespace azblobfs::mount_test
