// azblobfs command line: the composition root. It is the only place that names concrete classes
// (the curl transport and the Azure store) and wires them behind the BlobStore interface.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "azure/azure_blob_store.h"
#include "azure/curl_transport.h"
#include "cli/account_options.h"
#include "cli/commands.h"
#include "cli/index_commands.h"
#include "cli/mount_cli.h"
#include "cli/mount_command.h"
#include "common/logging.h"

namespace azblobfs {
namespace {

constexpr const char* kDescription = R"(azblobfs: Azure Blob Storage as a filesystem, and a client for it.

Account selection (first that applies):
  1. --connection-string, or --account with --account-key / --sas-token
  2. AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with
     AZURE_STORAGE_KEY / AZURE_STORAGE_SAS_TOKEN
  3. UseDevelopmentStorage=true: a local Azurite at http://127.0.0.1:10000
Paths are CONTAINER/BLOB-NAME, e.g. digital-twins/2025/01/09/<lead>.md.
Errors print one line naming the blob and the cause, and exit with status 1.)";

struct Options {
    AccountFlags account;
    std::string log_level = "warn";
    std::string path;
    std::string local_file;
    std::string content_type;
    bool long_format = false;
    bool recursive = false;
    uint64_t offset = 0;
    uint64_t length = 0;
    int hours = 24;
    int twins = 200;
    uint64_t seed = 42;
    MountCliFlags mount;
    IndexCliFlags index;
};

void add_account_flags(CLI::App& app, Options& o) {
    app.add_option("--connection-string", o.account.connection_string,
                   "Azure Storage connection string (UseDevelopmentStorage=true for Azurite)");
    app.add_option("--account", o.account.account, "storage account name");
    app.add_option("--account-key", o.account.key, "account key (base64); prefer the environment");
    app.add_option("--sas-token", o.account.sas, "SAS token (account or container)");
    app.add_option("--blob-endpoint", o.account.endpoint, "blob endpoint URL, e.g. http://127.0.0.1:10000/devstoreaccount1");
    app.add_flag("--insecure-skip-tls-verify", o.account.no_verify_tls, "do not verify TLS certificates (unsafe)");
    app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error or off")->capture_default_str();
}

std::optional<std::string> real_getenv(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

int run(CLI::App& app, Options& o) {
    configure_logging(o.log_level);
    CommandIo io{std::cout, std::cerr};
    const std::string sub = app.get_subcommands().front()->get_name();
    if (sub == "unmount") return cmd_unmount(o.mount.unmount_point, io);
    if (sub == "status") return cmd_status(o.mount.status_cache_dir, io);
    if (sub == "query") return cmd_query(o.index.query, io);
    std::string source;
    auto account = resolve_account(o.account, real_getenv, &source);
    if (!account.is_ok()) {
        std::cerr << "azblobfs: " << account.status().to_string() << "\n";
        return 2;
    }
    spdlog::info("account {} at {} (from {})", account->account_name, account->blob_endpoint, source);
    if (sub == "mount") return cmd_mount(o.mount.mount, *account, o.log_level, io);
    if (sub == "sas") return cmd_sas(*account, o.path, o.hours, io);
    if (sub == "index") return cmd_index_rebuild(o.index.rebuild, *account, io);

    auto transport = make_curl_transport(CurlTransportOptions{account->verify_tls, ""});
    auto store = make_azure_blob_store(*account, transport);
    if (sub == "ls") return cmd_ls(*store, o.path, o.long_format, o.recursive, io);
    if (sub == "cat") return cmd_cat(*store, o.path, o.offset, o.length, io);
    if (sub == "put") return cmd_put(*store, o.local_file, o.path, o.content_type, io);
    if (sub == "rm") return cmd_rm(*store, o.path, io);
    if (sub == "mb") return cmd_mb(*store, o.path, io);
    if (sub == "sample-data") return cmd_sample_data(*store, o.twins, o.seed, io);
    return 2;
}

}  // namespace
}  // namespace azblobfs

int main(int argc, char** argv) {
    using azblobfs::Options;
    Options o;
    CLI::App app{azblobfs::kDescription, "azblobfs"};
    app.require_subcommand(1);
    app.fallthrough();
    add_account_flags(app, o);

    auto* ls = app.add_subcommand("ls", "list containers, or the blobs and virtual directories under a path");
    ls->add_option("path", o.path, "CONTAINER[/PREFIX]; empty lists containers");
    ls->add_flag("-l,--long", o.long_format, "show size and last-modified time");
    ls->add_flag("-r,--recursive", o.recursive, "list every blob under the prefix");
    auto* cat = app.add_subcommand("cat", "write a blob (or a byte range of it) to standard output");
    cat->add_option("path", o.path, "CONTAINER/BLOB")->required();
    cat->add_option("--offset", o.offset, "first byte to read");
    cat->add_option("--length", o.length, "bytes to read (0: to the end)");
    auto* put = app.add_subcommand("put", "upload a local file as a block blob");
    put->add_option("file", o.local_file, "local file")->required()->check(CLI::ExistingFile);
    put->add_option("path", o.path, "CONTAINER/BLOB")->required();
    put->add_option("--content-type", o.content_type, "Content-Type stored with the blob");
    auto* rm = app.add_subcommand("rm", "delete a blob");
    rm->add_option("path", o.path, "CONTAINER/BLOB")->required();
    auto* mb = app.add_subcommand("mb", "create a container (succeeds if it exists)");
    mb->add_option("container", o.path, "container name")->required();
    auto* sas = app.add_subcommand("sas", "print a SAS token signed with the account key");
    sas->add_option("--container", o.path, "make a container SAS instead of an account SAS");
    sas->add_option("--hours", o.hours, "validity in hours")->capture_default_str();
    auto* sample = app.add_subcommand("sample-data", "create the digital-twin sample containers and blobs");
    sample->add_option("--twins", o.twins, "number of leads")->capture_default_str();
    sample->add_option("--seed", o.seed, "random seed (same seed, same bytes)")->capture_default_str();
    azblobfs::add_mount_subcommands(app, o.mount);
    azblobfs::add_index_subcommands(app, o.index);

    CLI11_PARSE(app, argc, argv);
    return azblobfs::run(app, o);
}
