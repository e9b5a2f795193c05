// client_bench: measures the azblobfs Azure client (curl transport, keep-alive, real signing)
// against a storage endpoint, for bench/client_bench.sh.
//
//   client_bench --connection-string CS setup
//   client_bench --connection-string CS [--runs N] read|put-seq|put-par|list
//   client_bench --connection-string CS --print-sas
//
// A measured command prints one value per run, one per line: MB/s (read), operations per
// second (put-seq, put-par) or seconds (list). --print-sas prints an account SAS token valid
// for two hours, so that curl can send the same requests without signing.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "azure/azure_blob_store.h"
#include "azure/credentials.h"
#include "azure/curl_transport.h"
#include "azure/sas.h"
#include "bench/bench_workloads.h"

namespace azb = azblobfs;

namespace {

struct Args {
    std::string connection_string;
    std::string command;
    int runs = 1;
};

bool parse_args(int argc, char** argv, Args* args) {
    if (const char* env = std::getenv("AZURE_STORAGE_CONNECTION_STRING")) args->connection_string = env;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--connection-string" && i + 1 < argc) {
            args->connection_string = argv[++i];
        } else if (arg == "--runs" && i + 1 < argc) {
            args->runs = std::atoi(argv[++i]);
        } else if (arg == "--print-sas" || arg[0] != '-') {
            args->command = arg;
        } else {
            return false;
        }
    }
    return !args->connection_string.empty() && !args->command.empty() && args->runs > 0;
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

azb::Result<double> run_once(azb::BlobStore& store, const std::string& command, int run) {
    azb::bench::BenchSizes sizes;
    if (command == "read") return azb::bench::ranged_read(store, sizes);
    if (command == "put-seq") return azb::bench::small_puts(store, sizes, "seq-" + std::to_string(run) + "-", 1);
    if (command == "put-par") {
        return azb::bench::small_puts(store, sizes, "par-" + std::to_string(run) + "-", sizes.put_parallelism);
    }
    if (command == "list") return azb::bench::list_all_blobs(store, sizes);
    return azb::Status(azb::Code::kInvalidArgument, "unknown command " + command);
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    if (!parse_args(argc, argv, &args)) {
        std::fprintf(stderr, "usage: %s --connection-string CS [--runs N] "
                             "setup|read|put-seq|put-par|list|--print-sas\n", argv[0]);
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
    if (args.command == "setup") {
        azb::Status status = azb::bench::setup(*store, azb::bench::BenchSizes{});
        if (!status) std::fprintf(stderr, "setup: %s\n", status.to_string().c_str());
        return status.is_ok() ? 0 : 1;
    }
    for (int run = 0; run < args.runs; ++run) {
        azb::Result<double> value = run_once(*store, args.command, run);
        if (!value) {
            std::fprintf(stderr, "%s: %s\n", args.command.c_str(), value.status().to_string().c_str());
            return 1;
        }
        std::printf("%.3f\n", *value);
        std::fflush(stdout);
    }
    return 0;
}
