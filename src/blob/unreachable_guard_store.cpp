#include "blob/unreachable_guard_store.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

namespace azblobfs {
namespace {

int64_t steady_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

const Status& status_of(const Status& s) { return s; }
template <typename T>
const Status& status_of(const Result<T>& r) { return r.status(); }

class UnreachableGuardStore final : public BlobStore {
public:
    UnreachableGuardStore(std::shared_ptr<BlobStore> inner, UnreachableGuardOptions options)
        : inner_(std::move(inner)),
          interval_ns_(static_cast<int64_t>(options.probe_interval_s * 1e9)),
          clock_ns_(options.clock_ns ? std::move(options.clock_ns) : steady_now_ns) {}

    Result<std::vector<std::string>> list_containers() override {
        return guarded([&] { return inner_->list_containers(); });
    }
    Status create_container(const std::string& c) override {
        return guarded([&] { return inner_->create_container(c); });
    }
    Status delete_container(const std::string& c) override {
        return guarded([&] { return inner_->delete_container(c); });
    }
    Result<ListPage> list_blobs(const std::string& c, const ListOptions& o) override {
        return guarded([&] { return inner_->list_blobs(c, o); });
    }
    Result<BlobProperties> get_properties(const std::string& c, const std::string& b) override {
        return guarded([&] { return inner_->get_properties(c, b); });
    }
    Result<ReadResult> read(const std::string& c, const std::string& b, uint64_t offset,
                            uint64_t length, const std::optional<std::string>& if_match) override {
        return guarded([&] { return inner_->read(c, b, offset, length, if_match); });
    }
    Result<WriteResult> put_blob(const std::string& c, const std::string& b, std::string_view data,
                                 const PutOptions& o) override {
        return guarded([&] { return inner_->put_blob(c, b, data, o); });
    }
    Status put_block(const std::string& c, const std::string& b, const std::string& id,
                     std::string_view data) override {
        return guarded([&] { return inner_->put_block(c, b, id, data); });
    }
    Result<WriteResult> put_block_list(const std::string& c, const std::string& b,
                                       const std::vector<std::string>& ids,
                                       const PutOptions& o) override {
        return guarded([&] { return inner_->put_block_list(c, b, ids, o); });
    }
    Status delete_blob(const std::string& c, const std::string& b, const Conditions& k) override {
        return guarded([&] { return inner_->delete_blob(c, b, k); });
    }
    Result<WriteResult> copy_blob(const std::string& sc, const std::string& sb,
                                  const std::string& dc, const std::string& db,
                                  const CopyOptions& k) override {
        return guarded([&] { return inner_->copy_blob(sc, sb, dc, db, k); });
    }
    Result<WriteResult> set_metadata(const std::string& c, const std::string& b, const Metadata& m,
                                     const Conditions& k) override {
        return guarded([&] { return inner_->set_metadata(c, b, m, k); });
    }
    Status set_tier(const std::string& c, const std::string& b, const std::string& tier) override {
        return guarded([&] { return inner_->set_tier(c, b, tier); });
    }

private:
    // Runs `call` unless the store is known unreachable; updates the state from its outcome.
    template <typename F>
    auto guarded(F&& call) -> decltype(call()) {
        const int64_t until = unreachable_until_ns_.load();
        const int64_t now = clock_ns_();
        if (until != 0 && now < until) {
            const double left = std::ceil(static_cast<double>(until - now) / 1e9);
            return Status(Code::kUnavailable, "store unreachable; next attempt in " +
                                                  std::to_string(static_cast<int64_t>(left)) + " s");
        }
        auto result = call();
        const Status& status = status_of(result);
        if (status.code() == Code::kUnavailable) {
            unreachable_until_ns_.store(clock_ns_() + interval_ns_);
        } else {
            unreachable_until_ns_.store(0);
        }
        return result;
    }

    std::shared_ptr<BlobStore> inner_;
    const int64_t interval_ns_;
    std::function<int64_t()> clock_ns_;
    std::atomic<int64_t> unreachable_until_ns_{0};  // 0: reachable
};

}  // namespace

std::unique_ptr<BlobStore> make_unreachable_guard_store(std::shared_ptr<BlobStore> inner,
                                                        UnreachableGuardOptions options) {
    return std::make_unique<UnreachableGuardStore>(std::move(inner), std::move(options));
}

}  // namespace azblobfs
