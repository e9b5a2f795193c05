// Test 5: unmount with dirty data.
//  - Through the fault proxy making the store slow and flaky (30% of the requests are held for
//    2 s and then reset, or answered 503 with Retry-After: 1; retries succeed) and with
//    --upload-delay 600, files written and closed are still only local when `azblobfs unmount`
//    runs; unmount must wait for the uploads and succeed, and every file must be in Azurite.
//  - SIGTERM starts the drain; a second SIGTERM interrupts it (every upload is answered 503 by
//    the proxy, so the drain cannot finish). The journal stays in the cache directory, and the
//    next mount over it (directly to Azurite) uploads the files; they are in Azurite after that
//    mount's unmount.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>

#include <thread>

#include "e2e/pattern.h"
#include "e2e_write/write_fixture.h"
#include "fault_proxy/fault_proxy.h"

namespace azblobfs::e2e {
namespace {

using fault_proxy::FaultKind;
using fault_proxy::FaultProxy;
using fault_proxy::FaultProxyOptions;
using fault_proxy::FaultSchedule;

constexpr int kFiles = 6;

std::string file_name(int i) { return "dirty/file-" + std::to_string(i) + ".bin"; }
std::string file_bytes(int i) { return pattern_bytes(4000 + static_cast<uint64_t>(i), 0, i % 2 ? 2u << 20 : 1000u + i); }

class DrainTest : public WriteTest {
protected:
    void start_proxy() {
        FaultProxyOptions o;
        o.target_port = shared_azurite().port();
        o.stall_time = std::chrono::milliseconds(2000);
        auto p = FaultProxy::start(o);
        ASSERT_TRUE(p.is_ok()) << p.status().to_string();
        proxy_ = std::move(*p);
    }

    MountOptions via_proxy(const std::string& container, const std::filesystem::path& cache) const {
        MountOptions o = writable(container, cache, {"--upload-delay", "600"});
        o.blob_endpoint = proxy_->endpoint() + "/devstoreaccount1";
        return o;
    }

    void write_files(const Mount& mount) {
        ASSERT_EQ(mkdir((mount.path() / "dirty").c_str(), 0755), 0) << std::strerror(errno);
        for (int i = 0; i < kFiles; ++i)
            ASSERT_EQ(write_file(mount.path() / file_name(i), file_bytes(i), O_WRONLY | O_CREAT | O_TRUNC, false), 0)
                << file_name(i);
    }

    int files_in_azure(const std::string& container) {
        std::set<std::string> names = blob_names(container, "dirty/");
        int n = 0;
        for (int i = 0; i < kFiles; ++i) n += names.count(file_name(i)) ? 1 : 0;
        return n;
    }

    void expect_all_in_azure(const std::string& container) {
        for (int i = 0; i < kFiles; ++i) {
            auto blob = read_blob(client(), container, file_name(i));
            ASSERT_TRUE(blob.is_ok()) << file_name(i) << ": " << blob.status().to_string();
            EXPECT_EQ(describe_difference(file_bytes(i), *blob), "") << file_name(i);
        }
    }

    std::unique_ptr<FaultProxy> proxy_;
};

TEST_F(DrainTest, UnmountWaitsForUploadsThroughASlowStore) {
    const std::string container = container_for("drain-slow");
    E2E_ASSERT_OK(client().create_container(container));
    start_proxy();
    auto mount = Mount::start(via_proxy(container, new_cache_dir()));
    E2E_ASSERT_OK(mount);
    write_files(**mount);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(files_in_azure(container), 0) << "nothing is uploaded before the 600 s upload delay";

    proxy_->set_schedule(FaultSchedule::random(0.3, {FaultKind::kStall, FaultKind::kServerBusy503}, 7));
    proxy_->reset_counters();
    E2E_ASSERT_OK((*mount)->unmount());
    auto counters = proxy_->counters();
    EXPECT_GT(counters.count(FaultKind::kStall) + counters.count(FaultKind::kServerBusy503), 0u)
        << "the uploads went through the slow proxy";
    std::printf("unmount through the slow proxy: %llu requests, %llu stalled, %llu answered 503\n",
                static_cast<unsigned long long>(counters.requests),
                static_cast<unsigned long long>(counters.count(FaultKind::kStall)),
                static_cast<unsigned long long>(counters.count(FaultKind::kServerBusy503)));
    expect_all_in_azure(container);
}

TEST_F(DrainTest, SigtermTwiceLeavesTheJournalAndTheNextMountUploads) {
    const std::string container = container_for("drain-interrupt");
    E2E_ASSERT_OK(client().create_container(container));
    start_proxy();
    const auto cache = new_cache_dir();
    auto mount = Mount::start(via_proxy(container, cache));
    E2E_ASSERT_OK(mount);
    write_files(**mount);
    ASSERT_FALSE(HasFatalFailure());
    const pid_t pid = mount_pid(**mount);
    ASSERT_GT(pid, 0);

    proxy_->set_schedule(FaultSchedule::always(FaultKind::kServerBusy503));
    proxy_->reset_counters();
    ASSERT_EQ(kill(pid, SIGTERM), 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (proxy_->counters().count(FaultKind::kServerBusy503) == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_GT(proxy_->counters().count(FaultKind::kServerBusy503), 0u) << "SIGTERM did not start the drain";
    EXPECT_TRUE(process_alive(pid)) << "the drain must wait while uploads fail";
    ASSERT_EQ(kill(pid, SIGTERM), 0);
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (process_alive(pid) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_FALSE(process_alive(pid)) << "a second SIGTERM must interrupt the drain";
    EXPECT_EQ(files_in_azure(container), 0) << "every upload was refused with 503";
    auto status = read_status_json(cache);
    if (status.is_ok() && status->contains("write_back")) {
        EXPECT_GT((*status)["write_back"].value("pending_records", 0), 0) << status->dump();
    }
    std::string log = (*mount)->log();
    mount->reset();

    auto next = Mount::start(writable(container, cache));
    ASSERT_TRUE(next.is_ok()) << next.status().to_string() << "\ninterrupted mount's log:\n" << log;
    for (int i = 0; i < kFiles; ++i) {
        ReadOutcome r = read_whole_file((*next)->path() / file_name(i));
        EXPECT_EQ(r.error, 0) << file_name(i);
        EXPECT_EQ(describe_difference(file_bytes(i), r.data), "") << file_name(i) << " on the next mount";
    }
    E2E_ASSERT_OK((*next)->unmount());
    expect_all_in_azure(container);
}

}  // namespace
}  // namespace azblobfs::e2e
