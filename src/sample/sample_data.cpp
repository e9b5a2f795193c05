#include "sample/sample_data.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "sample/png_writer.h"

namespace azblobfs {

namespace {

struct SampleBlob {
    std::string container;
    std::string name;
    std::string data;
    std::string content_type;
    Metadata metadata;
};

struct Lead {
    std::string id;
    std::string date_path;  // "2025/01/09"
    int age = 0;
    int income = 0;
    std::string classification;
    std::string name;
};

std::string make_uuid(std::mt19937_64& rng) {
    uint64_t hi = rng(), lo = rng();
    hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
    lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                  static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                  static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
    return buf;
}

Lead make_lead(std::mt19937_64& rng) {
    static const char* kFirst[] = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Radia", "Linus"};
    static const char* kLast[] = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Perlman"};
    static const char* kClass[] = {"hot", "warm", "cold"};
    Lead lead;
    lead.id = make_uuid(rng);
    char date[16];
    std::snprintf(date, sizeof date, "2025/%02d/%02d", static_cast<int>(rng() % 3 + 1), static_cast<int>(rng() % 28 + 1));
    lead.date_path = date;
    lead.age = static_cast<int>(rng() % 50 + 20);
    lead.income = static_cast<int>(rng() % 180 + 20) * 1000;
    lead.classification = kClass[rng() % 3];
    lead.name = std::string(kFirst[rng() % 8]) + " " + kLast[rng() % 7];
    return lead;
}

std::string twin_markdown(const Lead& lead) {
    return "# Digital twin " + lead.id + "\n\n" + "- Name: " + lead.name + "\n- Age: " + std::to_string(lead.age) +
           "\n- Income: " + std::to_string(lead.income) + "\n- Classification: " + lead.classification +
           "\n\n## Persona\n\n" + lead.name + " reads technical blogs, prefers email, and evaluates tools on a trial.\n";
}

std::string sidecar_json(const Lead& lead) {
    nlohmann::json j = {{"lead_id", lead.id},
                        {"name", lead.name},
                        {"age", lead.age},
                        {"income", lead.income},
                        {"classification", lead.classification},
                        {"twin", "digital-twins/" + lead.date_path + "/" + lead.id + ".md"},
                        {"images", {"persona-images/" + lead.id + "/thumbnail.png",
                                    "persona-images/" + lead.id + "/medium.png",
                                    "persona-images/" + lead.id + "/full.png"}}};
    return j.dump(2) + "\n";
}

// A smooth two-colour gradient with a disc in the middle: compresses well, looks like something.
std::string persona_png(uint32_t size, uint64_t colour_seed) {
    std::vector<uint8_t> rgb(static_cast<size_t>(size) * size * 3);
    uint8_t r0 = colour_seed & 0xff, g0 = (colour_seed >> 8) & 0xff, b0 = (colour_seed >> 16) & 0xff;
    int64_t c = size / 2, rad2 = static_cast<int64_t>(size) * size / 9;
    for (uint32_t y = 0; y < size; ++y) {
        for (uint32_t x = 0; x < size; ++x) {
            size_t i = (static_cast<size_t>(y) * size + x) * 3;
            bool disc = (x - c) * (x - c) + (y - c) * (y - c) < rad2;
            rgb[i] = disc ? 255 - r0 : static_cast<uint8_t>((r0 + x * 255 / size) / 2);
            rgb[i + 1] = disc ? 255 - g0 : static_cast<uint8_t>((g0 + y * 255 / size) / 2);
            rgb[i + 2] = disc ? 255 - b0 : b0;
        }
    }
    return encode_png_rgb(size, size, rgb);
}

std::vector<SampleBlob> build_sample(const SampleDataOptions& options) {
    std::mt19937_64 rng(options.seed);
    std::vector<SampleBlob> out;
    std::string csv = "lead_id,name,age,income,classification,twin_path\n";
    for (int i = 0; i < options.twins; ++i) {
        Lead lead = make_lead(rng);
        Metadata meta = {{"lead_id", lead.id}};
        out.push_back({"digital-twins", lead.date_path + "/" + lead.id + ".md", twin_markdown(lead),
                       "text/markdown", meta});
        out.push_back({"digital-twins", "metadata/" + lead.id + ".json", sidecar_json(lead), "application/json", meta});
        uint64_t colour = rng();
        for (auto [label, size] : {std::pair{"thumbnail", 64u}, {"medium", 256u}, {"full", 1024u}})
            out.push_back({"persona-images", lead.id + "/" + label + ".png", persona_png(size, colour), "image/png", meta});
        csv += lead.id + "," + lead.name + "," + std::to_string(lead.age) + "," + std::to_string(lead.income) +
               "," + lead.classification + ",digital-twins/" + lead.date_path + "/" + lead.id + ".md\n";
    }
    out.push_back({"training-data", "digital-twin-creator/dataset_v6.csv", csv, "text/csv", {}});
    out.push_back({"training-data", "digital-twin-creator/README.md",
                   "# dataset_v6\n\nOne row per lead; generated sample data.\n", "text/markdown", {}});
    return out;
}

}  // namespace

Result<SampleDataSummary> load_sample_data(BlobStore& store, const SampleDataOptions& options) {
    for (const char* c : {"digital-twins", "persona-images", "training-data"})
        AZB_RETURN_IF_ERROR(store.create_container(c));
    const std::vector<SampleBlob> blobs = build_sample(options);
    std::atomic<size_t> next{0};
    std::mutex mu;
    Status first_error;
    SampleDataSummary summary;
    auto worker = [&] {
        for (size_t i = next++; i < blobs.size(); i = next++) {
            const SampleBlob& b = blobs[i];
            PutOptions put;
            put.content_type = b.content_type;
            put.metadata = b.metadata;
            auto r = store.put_blob(b.container, b.name, b.data, put);
            std::lock_guard lock(mu);
            if (!r.is_ok() && first_error.is_ok()) first_error = r.status();
            if (r.is_ok()) {
                summary.blobs++;
                summary.bytes += b.data.size();
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < std::max(1, options.threads); ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    if (!first_error.is_ok()) return first_error;
    return summary;
}

}  // namespace azblobfs
