#include "store_under_test.h"

#include <exception>

#include "azure/azure_blob_store.h"
#include "azure/credentials.h"
#include "azure/curl_transport.h"
#include "blob/local_dir_blob_store.h"
#include "blob/memory_blob_store.h"
#include "support/azurite_server.h"

namespace azblobfs::conformance {

namespace {

// The one Azurite of this test program: started only when an Azure-parameter test runs.
Result<const testing::AzuriteServer*> shared_azurite() {
    try {
        static testing::AzuriteServer server(/*in_memory=*/true);
        return &server;
    } catch (const std::exception& e) {
        return Status(Code::kUnavailable, std::string("cannot start Azurite: ") + e.what());
    }
}

Result<std::unique_ptr<BlobStore>> open_azure_store() {
    AZB_ASSIGN_OR_RETURN(const testing::AzuriteServer* server, shared_azurite());
    AZB_ASSIGN_OR_RETURN(AccountConfig account, parse_connection_string(server->connection_string()));
    return make_azure_blob_store(std::move(account), make_curl_transport());
}

}  // namespace

std::string store_kind_name(StoreKind kind) {
    switch (kind) {
        case StoreKind::kMemory: return "memory";
        case StoreKind::kLocalDir: return "localdir";
        case StoreKind::kAzure: return "azure";
    }
    return "unknown";
}

Result<std::unique_ptr<BlobStore>> open_store(StoreKind kind, const testing::TempDir& dir, bool reopen) {
    switch (kind) {
        case StoreKind::kMemory:
            if (reopen) return Status(Code::kNotSupported, "a memory store cannot be reopened");
            return make_memory_blob_store();
        case StoreKind::kLocalDir:
            return make_local_dir_blob_store(dir.path() / "store");
        case StoreKind::kAzure:
            return open_azure_store();
    }
    return Status(Code::kInternal, "unknown store kind");
}

}  // namespace azblobfs::conformance
