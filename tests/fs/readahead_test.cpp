// Sequential read-ahead and concurrent readers.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <random>
#include <set>
#include <thread>

#include "fs/fs_fixture.h"

namespace azblobfs::testing {
namespace {

constexpr uint64_t B = BlockCache::kBlockSize;
constexpr uint64_t K64 = 64 * 1024;

class ReadAheadTest : public FsFixture {
protected:
    void SetUp() override {
        FsFixture::SetUp();
        data_ = pattern(20 << 20, 11);
        put("big", data_);
        mount();
        ino_ = ino_of("big");
        Result<OpenReply> h = fs_->open(ino_, O_RDONLY);
        ASSERT_TRUE(h.is_ok());
        fh_ = h->fh;
        id_ = file_id_of("big");
    }
    void read_expect(uint64_t offset, uint64_t size) {
        Result<std::string> r = fs_->read(ino_, fh_, offset, size);
        ASSERT_TRUE(r.is_ok()) << r.status().to_string();
        EXPECT_TRUE(*r == data_.substr(offset, size)) << "bytes differ at offset " << offset;
    }
    std::vector<uint64_t> cached_blocks() {
        std::vector<uint64_t> out;
        for (uint64_t b = 0; b * B < data_.size(); ++b) {
            if (cache_->contains(id_, b)) out.push_back(b);
        }
        return out;
    }

    std::string data_;
    uint64_t ino_ = 0;
    uint64_t fh_ = 0;
    uint64_t id_ = 0;
};

TEST_F(ReadAheadTest, AHeaderReadCostsOneGetOfTheFirstBlockWhateverTheKernelReadsAfterIt) {
    // head -c 65536: 8 KiB reads; then the kernel's own read-ahead (128 KiB window) reads on up
    // to 240 KiB, all inside the first block.
    for (uint64_t off = 0; off < 240 * 1024; off += 8 * 1024) read_expect(off, 8 * 1024);
    fs_->wait_for_background_fetches();
    EXPECT_EQ(fs_->status().range_requests, 1u);
    EXPECT_EQ(fs_->status().bytes_fetched, B) << "one block: what was read, no read-ahead";
    ASSERT_EQ(store_->reads().size(), 1u);
    EXPECT_EQ(store_->reads()[0].offset, 0u);
    EXPECT_EQ(store_->reads()[0].length, B);
}

TEST_F(ReadAheadTest, SequentialReadsFetchAheadOneWindowAtATime) {
    read_expect(0, K64);
    read_expect(K64, K64);
    read_expect(2 * K64, K64);
    fs_->wait_for_background_fetches();
    EXPECT_EQ(fs_->status().range_requests, 1u) << "reads inside the fetched block do not read ahead";
    EXPECT_EQ(cached_blocks(), (std::vector<uint64_t>{0}));

    // [192 KiB, 256 KiB) needs block 1: fetched for the read, and the first window (1 MiB past
    // the read's end: blocks 2..5) is scheduled in one GET.
    read_expect(3 * K64, K64);
    fs_->wait_for_background_fetches();
    EXPECT_EQ(cached_blocks(), (std::vector<uint64_t>{0, 1, 2, 3, 4, 5}));
    EXPECT_EQ(fs_->status().range_requests, 3u) << "block 1 for the read, blocks 2-5 ahead";

    // Inside block 1, before the window: nothing more yet.
    read_expect(4 * K64, K64);
    fs_->wait_for_background_fetches();
    EXPECT_EQ(fs_->status().range_requests, 3u);

    // Reading on: the window keeps moving ahead in GETs of at most 8 blocks, never more than
    // one window (8 MiB) ahead of the reader.
    uint64_t before = store_->reads().size();
    uint64_t off = 5 * K64;
    for (; off < 16 * B; off += K64) {
        read_expect(off, K64);
        fs_->wait_for_background_fetches();
        EXPECT_LE(cached_blocks().back() * B, off + K64 + (8 << 20)) << "never beyond one window";
    }
    EXPECT_GT(store_->reads().size(), before) << "the window kept moving ahead";
    uint64_t fetched = 0;
    for (const ReadCall& r : store_->reads()) {
        EXPECT_LE(r.length, 8 * B);
        EXPECT_TRUE(r.if_match.has_value());
        fetched += r.length;
    }
    EXPECT_GT(fetched / store_->reads().size(), 2 * B) << "read-ahead GETs are multi-block on average";
}

TEST_F(ReadAheadTest, WindowGrowsToTheMaximum) {
    uint64_t off = 0;
    uint64_t furthest_ahead = 0;
    for (; off < (4 << 20); off += K64) {  // windows 1, 2, 4, 8, 8, ... MiB
        read_expect(off, K64);
        fs_->wait_for_background_fetches();
        uint64_t cached_end = (cached_blocks().back() + 1) * B;
        furthest_ahead = std::max(furthest_ahead, cached_end - (off + K64));
    }
    EXPECT_GT(furthest_ahead, 4u << 20) << "the window grew past 4 MiB";
    EXPECT_LE(furthest_ahead, (8u << 20) + B) << "but never past readahead_max (8 MiB)";
}

TEST_F(ReadAheadTest, RandomReadsDoNotReadAhead) {
    for (uint64_t off : {10ULL << 20, 3ULL << 20, 15ULL << 20, 7ULL << 20}) read_expect(off, K64);
    fs_->wait_for_background_fetches();
    EXPECT_EQ(fs_->status().range_requests, 4u);
    EXPECT_EQ(cached_blocks().size(), 4u);
}

TEST_F(ReadAheadTest, ARandomReadResetsTheWindow) {
    for (uint64_t off = 0; off < 3 * B; off += K64) read_expect(off, K64);  // window grew past 1 MiB
    fs_->wait_for_background_fetches();
    const uint64_t start = 12 << 20;  // random
    const uint64_t first = start / B;
    read_expect(start, K64);
    fs_->wait_for_background_fetches();
    EXPECT_FALSE(cache_->contains(id_, first + 1)) << "a random read fetches only what it covers";
    // Sequential again: nothing until a read needs the next block, then a window of 1 MiB.
    uint64_t off = start + K64;
    for (; (off + K64 - 1) / B == first; off += K64) read_expect(off, K64);
    read_expect(off, K64);
    fs_->wait_for_background_fetches();
    const uint64_t end = off + K64;
    EXPECT_TRUE(cache_->contains(id_, (end + (1 << 20) - 1) / B));
    EXPECT_FALSE(cache_->contains(id_, (end + (1 << 20) - 1) / B + 1));
}

TEST_F(ReadAheadTest, AReaderMeetingAnInFlightFetchDoesNotFetchAgain) {
    read_expect(0, K64);
    read_expect(K64, B);  // needs block 1: schedules blocks 2..5 in the background
    read_expect(2 * B, 2 * B);  // needs blocks 2..3: cached, in flight or fetched by us
    fs_->wait_for_background_fetches();
    // Whoever got there first fetched each block; nobody fetched a block twice.
    std::set<uint64_t> seen;
    uint64_t fetched = 0;
    for (const ReadCall& r : store_->reads()) {
        for (uint64_t b = r.offset / B; b * B < r.offset + r.length; ++b) {
            EXPECT_TRUE(seen.insert(b).second) << "block " << b << " fetched twice";
        }
        fetched += r.length;
    }
    EXPECT_EQ(fetched, fs_->status().bytes_fetched);
    EXPECT_GE(seen.size(), 5u);
}

class ConcurrentReadTest : public FsFixture {};

TEST_F(ConcurrentReadTest, FourThreadsReadRandomOffsetsByteExact) {
    std::string data = pattern(32 << 20, 12);
    put("blob32", data);
    mount();
    uint64_t ino = ino_of("blob32");
    Result<OpenReply> shared = fs_->open(ino, O_RDONLY);
    ASSERT_TRUE(shared.is_ok());

    std::atomic<int> mismatches{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (uint32_t t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937_64 gen(1000 + t);
            Result<OpenReply> own = fs_->open(ino, O_RDONLY);
            if (!own.is_ok()) {
                failures.fetch_add(1);
                return;
            }
            uint64_t next = 0;  // every fifth read continues the previous one (read-ahead)
            for (int i = 0; i < 60; ++i) {
                uint64_t fh = (i % 3 == 0) ? shared->fh : own->fh;
                uint64_t size = 1 + gen() % (600 * 1024);
                uint64_t offset = (i % 5 == 4) ? next : gen() % data.size();
                Result<std::string> r = fs_->read(ino, fh, offset, size);
                if (!r.is_ok()) {
                    failures.fetch_add(1);
                } else if (*r != data.substr(offset, size)) {
                    mismatches.fetch_add(1);
                }
                next = std::min<uint64_t>(data.size(), offset + size);
            }
            fs_->release(ino, own->fh);
        });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(mismatches.load(), 0);
    fs_->wait_for_background_fetches();
    EXPECT_GT(fs_->status().range_requests, 0u);
}

}  // namespace
}  // namespace azblobfs::testing
