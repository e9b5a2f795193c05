#include "azure/azure_blob_store.h"

#include <limits>
#include <thread>

#include "azure/azure_headers.h"
#include "azure/azure_store_impl.h"
#include "azure/url.h"
#include "azure/xml_parse.h"
#include "blob/names.h"
#include "blob/store_rules.h"

namespace azblobfs {

namespace {

std::string range_header(uint64_t offset, uint64_t length) {
    std::string value = "bytes=" + std::to_string(offset) + "-";
    if (length > 0 && length - 1 <= std::numeric_limits<uint64_t>::max() - offset) {
        value += std::to_string(offset + length - 1);
    }
    return value;
}

// A 2xx GET must carry exactly the bytes its Content-Range (or Content-Length) announces;
// fewer means the connection was cut, which is retried like any transport failure.
Status check_read_body(const HttpResponse& response, const std::string& context) {
    ContentRange range;
    if (!parse_content_range(response.header("content-range"), range)) {
        return Status::ok();  // a 200 of the whole blob: the transport checked Content-Length
    }
    uint64_t expected = range.has_range ? range.last - range.first + 1 : 0;
    if (response.body.size() == expected) return Status::ok();
    return Status(Code::kUnavailable, context + ": short body (" + std::to_string(response.body.size()) +
                                          " of " + std::to_string(expected) + " bytes)");
}

}  // namespace

AzureBlobStore::AzureBlobStore(AccountConfig account, std::shared_ptr<HttpTransport> transport,
                               AzureStoreOptions options)
    : executor_(std::move(account), std::move(transport),
                ExecutorOptions{options.retry, options.sleep, {}, {}}),
      sleep_(options.sleep) {}

std::unique_ptr<BlobStore> make_azure_blob_store(AccountConfig account,
                                                 std::shared_ptr<HttpTransport> transport,
                                                 AzureStoreOptions options) {
    return std::make_unique<AzureBlobStore>(std::move(account), std::move(transport), std::move(options));
}

void AzureBlobStore::sleep_for(std::chrono::milliseconds delay) const {
    if (sleep_) {
        sleep_(delay);
    } else {
        std::this_thread::sleep_for(delay);
    }
}

Result<HttpResponse> AzureBlobStore::call(const AzureRequest& request) {
    AZB_ASSIGN_OR_RETURN(AzureExchange exchange, executor_.execute(request));
    if (!is_success(exchange.response.status)) return error_from_response(exchange.response, request.context);
    return std::move(exchange.response);
}

Result<HttpResponse> AzureBlobStore::head_blob(const std::string& container, const std::string& blob,
                                               const std::string& context) {
    return call(AzureRequest{"HEAD", blob_url(executor_.account(), container, blob), {}, {}, context, {}});
}

Result<std::vector<std::string>> AzureBlobStore::list_containers() {
    std::vector<std::string> names;
    std::string marker;
    do {
        QueryParams query = {{"comp", "list"}};
        if (!marker.empty()) query.emplace_back("marker", marker);
        std::string url = with_query(service_url(executor_.account()) + "/", query);
        AZB_ASSIGN_OR_RETURN(HttpResponse response, call(AzureRequest{"GET", url, {}, {}, "list_containers", {}}));
        Result<ContainerPage> page = parse_list_containers(response.body);
        if (!page) return page.status().with_context("list_containers");
        for (auto& name : page->names) names.push_back(std::move(name));
        marker = std::move(page->next_marker);
    } while (!marker.empty());
    return names;
}

Status AzureBlobStore::create_container(const std::string& container) {
    AZB_RETURN_IF_ERROR(validate_container_name(container));
    std::string url = with_query(container_url(executor_.account(), container), {{"restype", "container"}});
    std::string context = "create_container " + container;
    AZB_ASSIGN_OR_RETURN(AzureExchange exchange, executor_.execute(AzureRequest{"PUT", url, {}, {}, context, {}}));
    if (is_success(exchange.response.status)) return Status::ok();
    Status error = error_from_response(exchange.response, context);
    return error.code() == Code::kAlreadyExists ? Status::ok() : error;
}

Status AzureBlobStore::delete_container(const std::string& container) {
    AZB_RETURN_IF_ERROR(validate_container_name(container));
    std::string url = with_query(container_url(executor_.account(), container), {{"restype", "container"}});
    std::string context = "delete_container " + container;
    AZB_ASSIGN_OR_RETURN(AzureExchange exchange, executor_.execute(AzureRequest{"DELETE", url, {}, {}, context, {}}));
    if (is_success(exchange.response.status)) return Status::ok();
    // A 404 on a retry means an earlier attempt, whose answer was lost, deleted it.
    if (exchange.response.status == 404 && exchange.attempts > 1) return Status::ok();
    return error_from_response(exchange.response, context);
}

Result<ListPage> AzureBlobStore::list_blobs(const std::string& container, const ListOptions& options) {
    AZB_RETURN_IF_ERROR(validate_container_name(container));
    AZB_RETURN_IF_ERROR(validate_list_options(options));
    QueryParams query = {{"restype", "container"}, {"comp", "list"}};
    if (!options.prefix.empty()) query.emplace_back("prefix", options.prefix);
    if (!options.delimiter.empty()) query.emplace_back("delimiter", options.delimiter);
    if (!options.marker.empty()) query.emplace_back("marker", options.marker);
    query.emplace_back("maxresults", std::to_string(options.max_results));
    if (options.include_metadata) query.emplace_back("include", "metadata");
    std::string url = with_query(container_url(executor_.account(), container), query);
    std::string context = "list_blobs " + container + "/" + options.prefix;
    AZB_ASSIGN_OR_RETURN(HttpResponse response, call(AzureRequest{"GET", url, {}, {}, context, {}}));
    Result<ListPage> page = parse_list_blobs(response.body);
    if (!page) return page.status().with_context(context);
    return page;
}

Result<BlobProperties> AzureBlobStore::get_properties(const std::string& container, const std::string& blob) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    AZB_ASSIGN_OR_RETURN(HttpResponse response,
                         head_blob(container, blob, "get_properties " + blob_path(container, blob)));
    return properties_from_headers(blob, response);
}

Result<ReadResult> AzureBlobStore::read(const std::string& container, const std::string& blob,
                                        uint64_t offset, uint64_t length,
                                        const std::optional<std::string>& if_match) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string context = "read " + blob_path(container, blob);
    AzureRequest request{"GET", blob_url(executor_.account(), container, blob), {}, {}, context, {}};
    // Offset 0 to the end needs no range, which also reads an empty blob (a range on it is 416).
    if (offset > 0 || length > 0) request.headers.emplace_back("x-ms-range", range_header(offset, length));
    if (if_match) request.headers.emplace_back("If-Match", *if_match);
    request.validate = [context](const HttpResponse& r) { return check_read_body(r, context); };
    AZB_ASSIGN_OR_RETURN(AzureExchange exchange, executor_.execute(request));
    HttpResponse& response = exchange.response;
    if (!is_success(response.status)) {
        Status error = error_from_response(response, context);
        if (response.status == 416 && offset == 0) return read_empty_blob(container, blob, if_match, error);
        return error;
    }
    ReadResult result;
    result.etag = response.header("etag");
    result.blob_size = properties_from_headers(blob, response).size;
    // Azure answers 416 for a range starting at the end; Azurite answers an empty 206.
    if (offset >= result.blob_size && result.blob_size > 0) {
        return Status(Code::kInvalidRange, context + ": offset " + std::to_string(offset) +
                                               " is past the end (size " + std::to_string(result.blob_size) + ")",
                      416, "InvalidRange");
    }
    result.data = std::move(response.body);
    return result;
}

Result<ReadResult> AzureBlobStore::read_empty_blob(const std::string& container, const std::string& blob,
                                                   const std::optional<std::string>& if_match,
                                                   const Status& refused) {
    std::string context = "read " + blob_path(container, blob);
    AZB_ASSIGN_OR_RETURN(HttpResponse head, head_blob(container, blob, context));
    BlobProperties props = properties_from_headers(blob, head);
    if (props.size != 0) return refused;
    if (if_match && *if_match != props.etag) {
        return Status(Code::kPreconditionFailed, context + ": ETag is " + props.etag + ", not " + *if_match);
    }
    return ReadResult{{}, props.etag, 0};
}

}  // namespace azblobfs
