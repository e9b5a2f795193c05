#include "cache/fetch_pool.h"

#include <algorithm>

namespace azblobfs {

FetchPool::FetchPool(int threads) {
    int n = std::max(1, threads);
    threads_.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { worker(); });
}

FetchPool::~FetchPool() {
    std::deque<Task> discarded;
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        discarded.swap(queue_);
    }
    work_cv_.notify_all();
    for (Task& t : discarded) {
        if (t.discard) t.discard();
    }
    for (std::thread& t : threads_) t.join();
}

void FetchPool::submit(std::function<void()> task, std::function<void()> on_discard) {
    {
        std::lock_guard lock(mu_);
        if (!stopping_) {
            queue_.push_back(Task{std::move(task), std::move(on_discard)});
            work_cv_.notify_one();
            return;
        }
    }
    if (on_discard) on_discard();
}

void FetchPool::wait_idle() {
    std::unique_lock lock(mu_);
    idle_cv_.wait(lock, [&] { return queue_.empty() && running_ == 0; });
}

void FetchPool::worker() {
    std::unique_lock lock(mu_);
    for (;;) {
        work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping_ and nothing left
        Task task = std::move(queue_.front());
        queue_.pop_front();
        ++running_;
        lock.unlock();
        task.run();
        lock.lock();
        --running_;
        idle_cv_.notify_all();
    }
}

}  // namespace azblobfs
