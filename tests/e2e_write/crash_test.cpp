// Test 3: crash test. A writer (crash_writer.h) creates files, appends to them, overwrites
// ranges in their middle and truncates them, recording a file only after fsync() returned.
// azblobfs is SIGKILLed at random moments, with --upload-delay 0 and files of a few MiB so that
// uploads are running; some rounds use --fsync local (the data is only in LMDB when the kill
// comes). After every remount over the SAME cache directory every recorded file is byte-exact.
// At the end the cache directory is deleted, and every recorded file is checked again through a
// mount that reads it straight from Azurite, with the Azure client, and with `azblobfs cat`.
// With a single writer no "<name>.conflict-*" blob may ever appear.
#include <signal.h>

#include <cstdio>
#include <random>
#include <thread>

#include "e2e/shell.h"
#include "e2e_write/crash_writer.h"
#include "e2e_write/write_fixture.h"

namespace azblobfs::e2e {
namespace {

constexpr int kRounds = 24;
constexpr uint64_t kSeed = 20261123;

class CrashTest : public WriteTest {
protected:
    // Every recorded file read through `root`; returns the number of mismatches (each reported).
    int verify(const std::filesystem::path& root, const CrashWriter& writer, const std::string& when) {
        int bad = 0;
        for (const auto& [name, want] : writer.recorded()) {
            ReadOutcome r = read_whole_file(root / name);
            if (r.error == 0 && r.data == want) continue;
            ++bad;
            ADD_FAILURE() << when << ": " << name << ": "
                          << (r.error ? std::string("read failed: ") + std::strerror(r.error)
                                      : describe_difference(want, r.data));
        }
        return bad;
    }
};

TEST_F(CrashTest, SigkillAtRandomMomentsLosesNoFsyncedFile) {
    const std::string container = container_for("crash");
    E2E_ASSERT_OK(client().create_container(container));
    const auto cache = new_cache_dir();
    CrashWriter writer(kSeed);
    std::mt19937_64 rng(kSeed);
    int rounds = 0, rounds_with_pending_uploads = 0;
    std::printf("crash test seed %llu\n", static_cast<unsigned long long>(kSeed));

    for (int round = 0; round < kRounds; ++round) {
        const bool local = round % 3 == 2;
        auto mount = Mount::start(writable(container, cache, {"--upload-delay", "0", "--fsync", local ? "local" : "remote"}));
        ASSERT_TRUE(mount.is_ok()) << "round " << round << ": " << mount.status().to_string();
        ASSERT_EQ(verify((*mount)->path(), writer, "round " + std::to_string(round) + " after remount"), 0);
        std::string error;
        ASSERT_TRUE(writer.adopt((*mount)->path(), &error)) << "round " << round << ": " << error;

        std::atomic<bool> stop{false};
        std::thread thread([&] { writer.run((*mount)->path(), stop); });
        std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 2200));
        auto status = (*mount)->status_json();
        if (status.is_ok() && status->contains("write_back") &&
            (*status)["write_back"].value("pending_records", 0) > 0)
            ++rounds_with_pending_uploads;
        Status killed = signal_mount(**mount, SIGKILL);
        stop = true;
        thread.join();
        ASSERT_TRUE(killed.is_ok()) << killed.to_string();
        mount->reset();
        ++rounds;
    }
    std::printf("crash rounds: %d (status.json showed pending uploads near the kill in %d); "
                "%d fsync-acknowledged operations; %zu recorded files, %llu bytes\n",
                rounds, rounds_with_pending_uploads, writer.acknowledged(), writer.recorded().size(),
                static_cast<unsigned long long>(writer.recorded_bytes()));
    EXPECT_GE(rounds, 20);
    EXPECT_GE(writer.recorded().size(), 3u) << "the writer acknowledged too little to test anything";

    {
        auto last = Mount::start(writable(container, cache));
        E2E_ASSERT_OK(last);
        EXPECT_EQ(verify((*last)->path(), writer, "final remount over the same cache"), 0);
        E2E_ASSERT_OK((*last)->unmount());
    }
    std::filesystem::remove_all(cache);
    auto cold = Mount::start(writable(container, cache));
    E2E_ASSERT_OK(cold);
    EXPECT_EQ(verify((*cold)->path(), writer, "remount with the cache directory deleted"), 0);
    E2E_ASSERT_OK((*cold)->unmount());

    for (const auto& [name, want] : writer.recorded()) {
        auto blob = read_blob(client(), container, name);
        ASSERT_TRUE(blob.is_ok()) << name << ": " << blob.status().to_string();
        EXPECT_EQ(describe_difference(want, *blob), "") << name << " read with the Azure client";
    }
    std::set<std::string> conflicts;
    for (const auto& name : blob_names(container))
        if (name.find(".conflict-") != std::string::npos) conflicts.insert(name);
    EXPECT_TRUE(conflicts.empty()) << conflicts.size() << " conflict blobs with a single writer (a replayed "
                                   << "commit mistaken for another writer's), first: "
                                   << (conflicts.empty() ? "" : *conflicts.begin());
    const auto& [first_name, first_data] = *writer.recorded().begin();
    CommandResult cat = run_command({azblobfs_bin(), "cat", "--blob-endpoint", shared_azurite().blob_endpoint(),
                                     container + "/" + first_name});
    EXPECT_EQ(cat.exit_code, 0) << cat.describe();
    EXPECT_EQ(describe_difference(first_data, cat.out), "") << "azblobfs cat " << first_name;
}

}  // namespace
}  // namespace azblobfs::e2e
