#include "cli/commands.h"

#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "azure/sas.h"
#include "sample/sample_data.h"

namespace azblobfs {

namespace {

constexpr uint64_t kBlockSize = 8ull << 20;      // `put` uploads files larger than this in blocks
constexpr uint64_t kCatChunk = 8ull << 20;

int fail(CommandIo io, const Status& status) {
    io.err << "azblobfs: " << status.to_string() << "\n";
    return 1;
}

std::string format_time(int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::ostringstream os;
    os << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
    return os.str();
}

void print_entry(CommandIo io, const std::string& name, const BlobProperties* props, bool long_format) {
    if (!long_format) {
        io.out << name << "\n";
        return;
    }
    if (props == nullptr) {
        io.out << std::setw(12) << "DIR" << "  " << std::setw(20) << "" << "  " << name << "\n";
    } else {
        io.out << std::setw(12) << props->size << "  " << std::setw(20) << format_time(props->last_modified)
               << "  " << name << "\n";
    }
}

std::string block_id(uint64_t index) {
    std::ostringstream os;
    os << "blk-" << std::setw(8) << std::setfill('0') << index;
    return os.str();
}

}  // namespace

BlobPath split_blob_path(const std::string& path) {
    std::string p = path;
    while (!p.empty() && p.front() == '/') p.erase(0, 1);
    auto slash = p.find('/');
    if (slash == std::string::npos) return {p, ""};
    return {p.substr(0, slash), p.substr(slash + 1)};
}

int cmd_ls(BlobStore& store, const std::string& path, bool long_format, bool recursive, CommandIo io) {
    BlobPath bp = split_blob_path(path);
    if (bp.container.empty()) {
        auto containers = store.list_containers();
        if (!containers.is_ok()) return fail(io, containers.status());
        for (const auto& c : *containers) io.out << c << "/\n";
        return 0;
    }
    ListOptions options;
    options.prefix = bp.blob;
    if (!options.prefix.empty() && options.prefix.back() != '/') options.prefix += '/';
    if (!recursive) options.delimiter = "/";
    auto all = store.list_all(bp.container, options);
    if (!all.is_ok()) return fail(io, all.status());
    if (all->blobs.empty() && all->prefixes.empty() && !bp.blob.empty()) {
        auto props = store.get_properties(bp.container, bp.blob);  // a single blob named exactly
        if (!props.is_ok()) return fail(io, props.status());
        print_entry(io, bp.blob, &*props, long_format);
        return 0;
    }
    for (const auto& prefix : all->prefixes) print_entry(io, prefix, nullptr, long_format);
    for (const auto& blob : all->blobs) print_entry(io, blob.name, &blob, long_format);
    return 0;
}

int cmd_cat(BlobStore& store, const std::string& path, uint64_t offset, uint64_t length, CommandIo io) {
    BlobPath bp = split_blob_path(path);
    auto props = store.get_properties(bp.container, bp.blob);
    if (!props.is_ok()) return fail(io, props.status());
    uint64_t end = length == 0 ? props->size : std::min<uint64_t>(props->size, offset + length);
    for (uint64_t pos = offset; pos < end; pos += kCatChunk) {
        auto r = store.read(bp.container, bp.blob, pos, std::min(kCatChunk, end - pos), props->etag);
        if (!r.is_ok()) return fail(io, r.status());
        io.out.write(r->data.data(), static_cast<std::streamsize>(r->data.size()));
    }
    io.out.flush();
    return 0;
}

int cmd_put(BlobStore& store, const std::string& local_file, const std::string& path,
            const std::string& content_type, CommandIo io) {
    BlobPath bp = split_blob_path(path);
    std::ifstream in(local_file, std::ios::binary);
    if (!in) return fail(io, Status(Code::kIoError, "cannot open " + local_file));
    PutOptions options;
    options.content_type = content_type;
    std::vector<std::string> ids;
    std::string buf(kBlockSize, '\0');
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        std::string_view chunk(buf.data(), static_cast<size_t>(in.gcount()));
        if (ids.empty() && !in) {  // the whole file fits in one block: one Put Blob
            auto r = store.put_blob(bp.container, bp.blob, chunk, options);
            return r.is_ok() ? 0 : fail(io, r.status());
        }
        ids.push_back(block_id(ids.size()));
        Status st = store.put_block(bp.container, bp.blob, ids.back(), chunk);
        if (!st.is_ok()) return fail(io, st);
    }
    auto r = store.put_block_list(bp.container, bp.blob, ids, options);
    return r.is_ok() ? 0 : fail(io, r.status());
}

int cmd_rm(BlobStore& store, const std::string& path, CommandIo io) {
    BlobPath bp = split_blob_path(path);
    Status st = store.delete_blob(bp.container, bp.blob);
    return st.is_ok() ? 0 : fail(io, st);
}

int cmd_mb(BlobStore& store, const std::string& container, CommandIo io) {
    Status st = store.create_container(container);
    return st.is_ok() ? 0 : fail(io, st);
}

int cmd_sas(const AccountConfig& account, const std::string& container, int hours, CommandIo io) {
    if (account.auth != AuthKind::kSharedKey)
        return fail(io, Status(Code::kInvalidArgument, "making a SAS token needs an account key"));
    SasParams params;
    params.expiry_unix = static_cast<int64_t>(std::time(nullptr)) + int64_t{hours} * 3600;
    auto token = container.empty()
                     ? make_account_sas(account.account_name, account.account_key, params)
                     : make_container_sas(account.account_name, account.account_key, container,
                                          SasParams{"racwdl", 0, params.expiry_unix, params.protocol, params.version});
    if (!token.is_ok()) return fail(io, token.status());
    io.out << *token << "\n";
    return 0;
}

int cmd_sample_data(BlobStore& store, int twins, uint64_t seed, CommandIo io) {
    SampleDataOptions options;
    options.twins = twins;
    options.seed = seed;
    auto summary = load_sample_data(store, options);
    if (!summary.is_ok()) return fail(io, summary.status());
    io.out << "sample data: " << summary->blobs << " blobs, " << summary->bytes << " bytes\n";
    return 0;
}

}  // namespace azblobfs
