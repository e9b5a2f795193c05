// client_bench: measures the azblobfs Azure client (curl transport, keep-alive, real signing)
// against a storage endpoint, for bench/client_bench.sh and bench/mount_bench.sh.
//
//   client_bench [--connection-string CS] setup | load-mount-data | --print-sas
//   client_bench [--connection-string CS] [--runs N] read|put-seq|put-par|list
//   client_bench names small|images
//   client_bench [--runs N] [--threads T] [--range BYTES] read-blob CONTAINER/BLOB
//   client_bench [--runs N] head-blobs LISTFILE
//   client_bench [--runs N] read-heads LISTFILE BYTES
//   client_bench [--runs N] [--expect ENTRIES] list-prefix CONTAINER/PREFIX
//
// The connection string defaults to $AZURE_STORAGE_CONNECTION_STRING. A measured command
// prints one value per run, one per line: MB/s (read, read-blob), operations per second
// (put-seq, put-par) or seconds (list, head-blobs, read-heads, list-prefix). LISTFILE holds one
// CONTAINER/BLOB per line. --print-sas prints an account SAS token valid for two hours.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "azure/azure_blob_store.h"
#include "azure/credentials.h"
#include "azure/curl_transport.h"
#include "azure/sas.h"
#include "bench/bench_workloads.h"
#include "bench/mount_data.h"
#include "bench/raw_workloads.h"

namespace azb = azblobfs;

namespace {

struct Args {
    std::string connection_string;
    std::string command;
    std::vector<std::string> operands;
    int runs = 1;
    int threads = 8;
    size_t range_bytes = 8u << 20;
    long expect = -1;
};

bool parse_args(int argc, char** argv, Args* args) {
    if (const char* env = std::getenv("AZURE_STORAGE_CONNECTION_STRING")) args->connection_string = env;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        bool has_value = i + 1 < argc;
        if (arg == "--connection-string" && has_value) {
            args->connection_string = argv[++i];
        } else if (arg == "--runs" && has_value) {
            args->runs = std::atoi(argv[++i]);
        } else if (arg == "--threads" && has_value) {
            args->threads = std::atoi(argv[++i]);
        } else if (arg == "--range" && has_value) {
            args->range_bytes = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--expect" && has_value) {
            args->expect = std::atol(argv[++i]);
        } else if (args->command.empty() && (arg == "--print-sas" || arg[0] != '-')) {
            args->command = arg;
        } else if (!args->command.empty() && arg[0] != '-') {
            args->operands.push_back(arg);
        } else {
            return false;
        }
    }
    return !args->command.empty() && args->runs > 0 && args->threads > 0 && args->range_bytes > 0;
}

int print_sas(const azb::AccountConfig& account) {
    azb::SasParams params;
    params.expiry_unix = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count() +
                         2 * 3600;
    auto token = azb::make_account_sas(account.account_name, account.account_key, params);
    if (!token) {
        std::fprintf(stderr, "%s\n", token.status().to_string().c_str());
        return 1;
    }
    std::printf("%s\n", token->c_str());
    return 0;
}

int print_names(const Args& args) {
    azb::bench::MountDataSizes sizes;
    std::string which = args.operands.empty() ? "" : args.operands[0];
    if (which != "small" && which != "images") return 2;
    for (const std::string& name : which == "small" ? azb::bench::small_file_names(sizes)
                                                    : azb::bench::image_names(sizes)) {
        std::printf("%s\n", name.c_str());
    }
    return 0;
}

azb::Result<std::vector<azb::bench::BlobRef>> read_list_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return azb::Status(azb::Code::kNotFound, "cannot open list file " + path);
    std::vector<azb::bench::BlobRef> refs;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        AZB_ASSIGN_OR_RETURN(azb::bench::BlobRef ref, azb::bench::parse_blob_ref(line));
        refs.push_back(std::move(ref));
    }
    return refs;
}

using Workload = std::function<azb::Result<double>(int run)>;

// Builds the measured workload named by args.command; an error for unknown commands or operands.
azb::Result<Workload> make_workload(azb::BlobStore& store, const Args& args) {
    azb::bench::BenchSizes sizes;
    const auto& ops = args.operands;
    const std::string& cmd = args.command;
    if (cmd == "read") return Workload([&store, sizes](int) { return azb::bench::ranged_read(store, sizes); });
    if (cmd == "put-seq" || cmd == "put-par") {
        int parallel = cmd == "put-seq" ? 1 : sizes.put_parallelism;
        return Workload([&store, sizes, cmd, parallel](int run) {
            return azb::bench::small_puts(store, sizes, cmd.substr(4) + "-" + std::to_string(run) + "-", parallel);
        });
    }
    if (cmd == "list") return Workload([&store, sizes](int) { return azb::bench::list_all_blobs(store, sizes); });
    if ((cmd == "read-blob" || cmd == "list-prefix") && ops.size() == 1) {
        AZB_ASSIGN_OR_RETURN(azb::bench::BlobRef ref, azb::bench::parse_blob_ref(ops[0]));
        if (cmd == "list-prefix") {
            return Workload([&store, ref, expect = args.expect](int) {
                return azb::bench::list_prefix(store, ref.container, ref.blob, expect);
            });
        }
        return Workload([&store, ref, &args](int) {
            return azb::bench::read_blob(store, ref.container, ref.blob, args.range_bytes, args.threads);
        });
    }
    if ((cmd == "head-blobs" && ops.size() == 1) || (cmd == "read-heads" && ops.size() == 2)) {
        AZB_ASSIGN_OR_RETURN(auto refs, read_list_file(ops[0]));
        if (cmd == "head-blobs") return Workload([&store, refs](int) { return azb::bench::head_blobs(store, refs); });
        size_t bytes = std::strtoull(ops[1].c_str(), nullptr, 10);
        return Workload([&store, refs, bytes](int) { return azb::bench::read_heads(store, refs, bytes); });
    }
    return azb::Status(azb::Code::kInvalidArgument, "unknown command or wrong operands: " + cmd);
}

int run_measured(azb::BlobStore& store, const Args& args) {
    azb::Result<Workload> workload = make_workload(store, args);
    if (!workload) {
        std::fprintf(stderr, "%s\n", workload.status().to_string().c_str());
        return 2;
    }
    for (int run = 0; run < args.runs; ++run) {
        azb::Result<double> value = (*workload)(run);
        if (!value) {
            std::fprintf(stderr, "%s: %s\n", args.command.c_str(), value.status().to_string().c_str());
            return 1;
        }
        std::printf("%.3f\n", *value);
        std::fflush(stdout);
    }
    return 0;
}

int run_setup(azb::BlobStore& store, const std::string& command) {
    azb::Status status = command == "setup" ? azb::bench::setup(store, azb::bench::BenchSizes{})
                                            : azb::bench::load_mount_data(store, azb::bench::MountDataSizes{});
    if (!status) std::fprintf(stderr, "%s: %s\n", command.c_str(), status.to_string().c_str());
    return status.is_ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    if (!parse_args(argc, argv, &args)) {
        std::fprintf(stderr, "usage: see the comment at the top of bench/client_bench.cpp\n");
        return 2;
    }
    if (args.command == "names") return print_names(args);
    if (args.connection_string.empty()) {
        std::fprintf(stderr, "%s: no --connection-string and no AZURE_STORAGE_CONNECTION_STRING\n", argv[0]);
        return 2;
    }
    auto account = azb::parse_connection_string(args.connection_string);
    if (!account) {
        std::fprintf(stderr, "%s\n", account.status().to_string().c_str());
        return 2;
    }
    if (args.command == "--print-sas") return print_sas(*account);
    azb::CurlTransportOptions transport;
    transport.verify_tls = account->verify_tls;
    auto store = azb::make_azure_blob_store(*account, azb::make_curl_transport(transport));
    if (args.command == "setup" || args.command == "load-mount-data") return run_setup(*store, args.command);
    return run_measured(*store, args);
}
