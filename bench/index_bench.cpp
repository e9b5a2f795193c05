// The sidecar index benchmark tool, driven by bench/index_bench.sh (not a test).
//
//   index_bench gen CACHE_DIR N [--no-properties] [--no-twins]
//       N sidecars of six fields (lead_id, name, age, income, classification, twin) plus their
//       twins' entries (not with --no-twins), straight into a cache directory's index (no
//       store; --no-properties: without the m:/y: rows); prints
//       "sidecars=N seconds=S used_bytes=B bytes_per_sidecar=X".
//   index_bench query CACHE_DIR ITERATIONS
//       a selective query (about 0.4% of leads) and a by-lead lookup ITERATIONS times each; prints
//       p50/p99 in ms and the match counts.
//   index_bench gen-dir CACHE_DIR DIR N
//       one directory DIR of N files (f0000000 ...) listed in the cache directory's index with a
//       listing validated now, as a mount that listed it would leave it (no store): what a
//       remount then serves without a List call.
//   index_bench upload CONNECTION_STRING CONTAINER N THREADS
//       N sidecar blobs metadata/<lead>.json (Put Blob, THREADS in flight).
//   index_bench rawget CONNECTION_STRING CONTAINER THREADS
//       lists CONTAINER/metadata/ and GETs every blob, THREADS in flight (raw HTTP: the Azure
//       client over curl, no cache); prints "blobs=N seconds=S rate=R".
#include <algorithm>
#include <chrono>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "azure/azure_blob_store.h"
#include "azure/credentials.h"
#include "azure/curl_transport.h"
#include "bench/bench_util.h"
#include "cache/cache_env.h"
#include "cache/metadata_index.h"
#include "cache/sidecar_index.h"

namespace azb = azblobfs;
using azb::bench::Clock;
using azb::bench::seconds_since;

namespace {

std::string lead_id(uint64_t i) {
    char buf[40];
    uint64_t h = i * 0x9E3779B97F4A7C15ULL;
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-8%03llx-%012llu", static_cast<unsigned long long>(h >> 32),
                  static_cast<unsigned long long>((h >> 16) & 0xffff), static_cast<unsigned long long>(h & 0xfff),
                  static_cast<unsigned long long>((h >> 20) & 0xfff), static_cast<unsigned long long>(i));
    return buf;
}

std::string sidecar_json(uint64_t i) {
    static const char* kClass[] = {"hot", "warm", "cold"};
    std::mt19937_64 rng(i);
    nlohmann::json j = {{"lead_id", lead_id(i)},
                        {"name", "Lead " + std::to_string(i)},
                        {"age", static_cast<int>(rng() % 50 + 20)},
                        {"income", static_cast<int>(rng() % 180 + 20) * 1000},
                        {"classification", kClass[rng() % 3]},
                        {"twin", "digital-twins/2025/01/09/" + lead_id(i) + ".md"}};
    return j.dump();
}

azb::EntryRecord file_entry(uint64_t size, const std::string& etag) {
    azb::EntryRecord r;
    r.type = azb::EntryType::kFile;
    r.size = size;
    r.etag = etag;
    r.ctime_ns = 1736400000LL * 1000000000LL;
    r.mtime_ns = r.ctime_ns;
    r.content_type = "application/json";
    return r;
}

int gen(const std::string& dir, uint64_t n, bool properties, bool twins) {
    azb::CacheEnvOptions options;
    options.rules = azb::index::IndexRules::defaults();
    options.rules->index_properties = properties;
    auto env = azb::open_cache_env(dir, 64ull << 30, options);
    if (!env) {
        std::fprintf(stderr, "gen: %s\n", env.status().to_string().c_str());
        return 1;
    }
    auto entries = azb::make_metadata_index(*env);
    auto index = azb::make_sidecar_index(*env);
    auto start = Clock::now();
    for (uint64_t i = 0; i < n; ++i) {
        std::string json = sidecar_json(i);
        std::string path = "digital-twins/metadata/" + lead_id(i) + ".json";
        auto put = entries->put(path, file_entry(json.size(), "\"0x" + std::to_string(i) + "\""));
        azb::Status st = put.is_ok() ? index->index_local(path, azb::index::flatten_sidecar(json, 1 << 20)) : put.status();
        if (st.is_ok() && twins) st = entries->put("digital-twins/2025/01/09/" + lead_id(i) + ".md", file_entry(900, "\"t\"")).status();
        if (!st.is_ok()) {
            std::fprintf(stderr, "gen: %s\n", st.to_string().c_str());
            return 1;
        }
    }
    double seconds = seconds_since(start);
    (void)(*env)->sync();
    auto stats = (*env)->stats();
    std::printf("sidecars=%llu seconds=%.2f used_bytes=%llu bytes_per_sidecar=%.0f\n",
                static_cast<unsigned long long>(n), seconds, static_cast<unsigned long long>(stats.used_pages_bytes),
                static_cast<double>(stats.used_pages_bytes) / static_cast<double>(n));
    return 0;
}

int gen_dir(const std::string& cache_dir, const std::string& dir, uint64_t n) {
    auto env = azb::open_cache_env(cache_dir, 64ull << 30);
    if (!env) {
        std::fprintf(stderr, "gen-dir: %s\n", env.status().to_string().c_str());
        return 1;
    }
    auto entries = azb::make_metadata_index(*env);
    std::vector<std::pair<std::string, azb::EntryRecord>> children;
    children.reserve(n);
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    for (uint64_t i = 0; i < n; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "f%07llu", static_cast<unsigned long long>(i));
        azb::EntryRecord r = file_entry(100 + i % 900, "\"0x" + std::to_string(i) + "\"");
        r.validated_at_ns = now;
        children.emplace_back(name, std::move(r));
    }
    auto start = Clock::now();
    azb::EntryRecord d;
    d.type = azb::EntryType::kDirectory;
    d.validated_at_ns = now;
    azb::Status st = azb::Status::ok();
    auto root = entries->replace_listing("", {{dir, d}}, now);
    if (!root.is_ok()) st = root.status();
    if (st.is_ok()) st = entries->replace_listing(dir, children, now).status();
    if (!st.is_ok()) {
        std::fprintf(stderr, "gen-dir: %s\n", st.to_string().c_str());
        return 1;
    }
    (void)(*env)->sync();
    std::printf("entries=%llu seconds=%.2f\n", static_cast<unsigned long long>(n), seconds_since(start));
    return 0;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

int query(const std::string& dir, int iterations) {
    auto env = azb::open_cache_env(dir, 0);
    if (!env) {
        std::fprintf(stderr, "query: %s\n", env.status().to_string().c_str());
        return 1;
    }
    auto index = azb::make_sidecar_index(*env);
    auto stats = index->stats();
    const uint64_t n = stats.is_ok() ? stats->sidecars_indexed : 0;
    auto parsed = azb::index::parse_query("classification = hot and income >= 198000");
    const auto& q = std::get<azb::index::Query>(parsed);
    std::vector<double> query_ms, lead_ms;
    size_t matches = 0, lead_files = 0;
    std::mt19937_64 rng(7);
    for (int i = 0; i < iterations; ++i) {
        auto t = Clock::now();
        auto got = index->query(q);
        query_ms.push_back(seconds_since(t) * 1000);
        if (!got) return 1;
        matches = got->size();
        t = Clock::now();
        auto lead = index->equal("v:lead", azb::index::Value::of_string(lead_id(rng() % std::max<uint64_t>(n, 1))));
        lead_ms.push_back(seconds_since(t) * 1000);
        if (!lead) return 1;
        lead_files = lead->size();
    }
    std::printf("sidecars=%llu query_matches=%zu query_p50_ms=%.3f query_p99_ms=%.3f lead_files=%zu lead_p50_ms=%.4f lead_p99_ms=%.4f\n",
                static_cast<unsigned long long>(n), matches, percentile(query_ms, 0.5), percentile(query_ms, 0.99),
                lead_files, percentile(lead_ms, 0.5), percentile(lead_ms, 0.99));
    return 0;
}

std::unique_ptr<azb::BlobStore> store_of(const std::string& connection_string) {
    auto account = azb::parse_connection_string(connection_string);
    if (!account) return nullptr;
    azb::CurlTransportOptions transport;
    transport.verify_tls = account->verify_tls;
    return azb::make_azure_blob_store(*account, azb::make_curl_transport(transport));
}

int upload(const std::string& cs, const std::string& container, int n, int threads) {
    auto store = store_of(cs);
    if (!store || !store->create_container(container).is_ok()) return 1;
    azb::PutOptions options;
    options.content_type = "application/json";
    azb::Status st = azb::bench::parallel_for(n, threads, [&](int i) {
        return store->put_blob(container, "metadata/" + lead_id(static_cast<uint64_t>(i)) + ".json",
                               sidecar_json(static_cast<uint64_t>(i)), options).status();
    });
    if (!st.is_ok()) std::fprintf(stderr, "upload: %s\n", st.to_string().c_str());
    return st.is_ok() ? 0 : 1;
}

int rawget(const std::string& cs, const std::string& container, int threads) {
    auto store = store_of(cs);
    if (!store) return 1;
    auto start = Clock::now();
    azb::ListOptions lo;
    lo.prefix = "metadata/";
    auto all = store->list_all(container, lo);
    if (!all) return 1;
    std::atomic<uint64_t> bytes{0};
    azb::Status st = azb::bench::parallel_for(static_cast<int>(all->blobs.size()), threads, [&](int i) {
        auto got = store->read(container, all->blobs[static_cast<size_t>(i)].name, 0, 0);
        if (got) bytes += got->data.size();
        return got.status();
    });
    double seconds = seconds_since(start);
    if (!st.is_ok()) return 1;
    std::printf("blobs=%zu seconds=%.2f rate=%.0f bytes=%llu\n", all->blobs.size(), seconds,
                static_cast<double>(all->blobs.size()) / seconds, static_cast<unsigned long long>(bytes.load()));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> a(argv + 1, argv + argc);
    if (a.size() >= 3 && a[0] == "gen") {
        bool properties = std::find(a.begin(), a.end(), "--no-properties") == a.end();
        bool twins = std::find(a.begin(), a.end(), "--no-twins") == a.end();
        return gen(a[1], std::stoull(a[2]), properties, twins);
    }
    if (a.size() == 3 && a[0] == "query") return query(a[1], std::stoi(a[2]));
    if (a.size() == 4 && a[0] == "gen-dir") return gen_dir(a[1], a[2], std::stoull(a[3]));
    if (a.size() == 5 && a[0] == "upload") return upload(a[1], a[2], std::stoi(a[3]), std::stoi(a[4]));
    if (a.size() == 4 && a[0] == "rawget") return rawget(a[1], a[2], std::stoi(a[3]));
    std::fprintf(stderr, "usage: see the comment at the top of bench/index_bench.cpp\n");
    return 2;
}
