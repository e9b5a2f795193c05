// A fixed pool of threads running background fetches (read-ahead).
//
// Contract: submit() queues a task; tasks run in submission order on `threads` threads.
// The destructor stops accepting work, lets running tasks finish, discards queued ones (their
// `on_discard` runs instead, so claims they hold are released) and joins every thread.
// wait_idle() returns once the queue is empty and no task is running (tests use it).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace azblobfs {

class FetchPool {
public:
    explicit FetchPool(int threads);
    ~FetchPool();
    FetchPool(const FetchPool&) = delete;
    FetchPool& operator=(const FetchPool&) = delete;

    void submit(std::function<void()> task, std::function<void()> on_discard);
    void wait_idle();

private:
    struct Task {
        std::function<void()> run;
        std::function<void()> discard;
    };
    void worker();

    std::mutex mu_;                    // guards queue_, running_, stopping_
    std::condition_variable work_cv_;  // a task was queued or stopping_ was set
    std::condition_variable idle_cv_;  // a task finished
    std::deque<Task> queue_;
    int running_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;  // last member: joined before the others are destroyed
};

}  // namespace azblobfs
