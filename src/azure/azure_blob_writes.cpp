// Writes of AzureBlobStore.
//
// Ambiguous retries. When an attempt's response is lost (reset, timeout), the write may or may
// not have happened, and the executor sends it again. A conditional write that did happen makes
// its own retry fail: If-None-Match: * answers 409 BlobAlreadyExists, If-Match answers 412 since
// the ETag moved. Such a failure on a RETRY (attempts > 1) is checked against the service:
//  - put_blob: HEAD the blob; success when its Content-MD5 and size are those just sent.
//  - put_block_list: Get Block List (committed); success when it equals the list just sent.
//  - delete_blob / delete_container: a 404 on a retry is success.
//  - copy_blob: HEAD the destination; success when it is a completed copy of the same source.
// On a first attempt the failure is genuine and returned as is.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "azure/azure_headers.h"
#include "azure/azure_store_impl.h"
#include "azure/sas.h"
#include "azure/url.h"
#include "azure/xml_parse.h"
#include "blob/names.h"
#include "blob/store_rules.h"
#include "common/base64.h"

namespace azblobfs {

namespace {

bool is_conflict_on_retry(const AzureExchange& exchange) {
    return exchange.attempts > 1 && (exchange.response.status == 409 || exchange.response.status == 412);
}

bool has_conditions(const Conditions& conditions) {
    return conditions.if_match.has_value() || conditions.if_none_match_any;
}

std::string block_list_xml(const std::vector<std::string>& block_ids) {
    std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
    for (const auto& id : block_ids) xml += "<Latest>" + base64_encode(id) + "</Latest>";
    xml += "</BlockList>";
    return xml;
}

Status check_block_ids(const std::vector<std::string>& block_ids, const std::string& path) {
    for (const auto& id : block_ids) {
        AZB_RETURN_IF_ERROR(validate_block_id(id, path));
        if (id.size() != block_ids.front().size()) {
            return Status(Code::kInvalidArgument, "blob " + path + ": block ids differ in length (" +
                                                      base64_encode(block_ids.front()) + ", " +
                                                      base64_encode(id) + ")");
        }
    }
    return Status::ok();
}

std::string without_query(const std::string& url) { return url.substr(0, url.find('?')); }

}  // namespace

Status write_error(const HttpResponse& response, const Conditions& conditions, bool creates,
                   const std::string& context) {
    Status error = error_from_response(response, context);
    if (creates && response.status == 404 && conditions.if_match && error.azure_code() != "ContainerNotFound") {
        return Status(Code::kPreconditionFailed, context + ": blob does not exist (If-Match " +
                                                     *conditions.if_match + ")",
                      404, error.azure_code());
    }
    if (response.status == 412 && conditions.if_none_match_any && !conditions.if_match) {
        return Status(Code::kAlreadyExists, context + ": blob already exists (If-None-Match: *)", 412,
                      error.azure_code());
    }
    return error;
}

Result<WriteResult> AzureBlobStore::put_blob(const std::string& container, const std::string& blob,
                                             std::string_view data, const PutOptions& options) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string context = "put_blob " + blob_path(container, blob);
    AZB_ASSIGN_OR_RETURN(Metadata metadata, normalize_metadata(options.metadata, blob_path(container, blob)));
    std::string md5 = options.content_md5.empty() ? content_md5_base64(data) : options.content_md5;
    AzureRequest request{"PUT", blob_url(executor_.account(), container, blob), {}, data, context, {}};
    request.headers = {{"x-ms-blob-type", "BlockBlob"},
                       {"x-ms-blob-content-type", effective_content_type(options.content_type)},
                       {"Content-MD5", md5}};
    add_metadata_headers(metadata, request.headers);
    add_condition_headers(options.conditions, request.headers);
    AZB_ASSIGN_OR_RETURN(AzureExchange exchange, executor_.execute(request));
    if (is_success(exchange.response.status)) return write_result_from_headers(exchange.response);
    if (is_conflict_on_retry(exchange) && has_conditions(options.conditions)) {
        Result<HttpResponse> head = head_blob(container, blob, context);
        if (head) {
            BlobProperties props = properties_from_headers(blob, *head);
            if (props.content_md5 == md5 && props.size == data.size()) return write_result_from_headers(*head);
            spdlog::warn("{}: retry answered {}, and the blob holds other bytes (MD5 {}, {} bytes)", context,
                         exchange.response.status, props.content_md5, props.size);
        } else {
            spdlog::warn("{}: retry answered {}; checking the blob failed: {}", context,
                         exchange.response.status, head.status().to_string());
        }
    }
    return write_error(exchange.response, options.conditions, true, context);
}

Status AzureBlobStore::put_block(const std::string& container, const std::string& blob,
                                 const std::string& block_id, std::string_view data) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    AZB_RETURN_IF_ERROR(validate_block_id(block_id, blob_path(container, blob)));
    std::string url = with_query(blob_url(executor_.account(), container, blob),
                                 {{"comp", "block"}, {"blockid", base64_encode(block_id)}});
    AzureRequest request{"PUT", url, {{"Content-MD5", content_md5_base64(data)}}, data,
                         "put_block " + blob_path(container, blob), {}};
    return call(request).status();
}

Result<WriteResult> AzureBlobStore::put_block_list(const std::string& container, const std::string& blob,
                                                   const std::vector<std::string>& block_ids,
                                                   const PutOptions& options) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string path = blob_path(container, blob);
    std::string context = "put_block_list " + path;
    AZB_RETURN_IF_ERROR(check_block_ids(block_ids, path));
    AZB_ASSIGN_OR_RETURN(Metadata metadata, normalize_metadata(options.metadata, path));
    std::string body = block_list_xml(block_ids);
    std::string url = with_query(blob_url(executor_.account(), container, blob), {{"comp", "blocklist"}});
    AzureRequest request{"PUT", url, {}, body, context, {}};
    request.headers = {{"Content-Type", "application/xml"},
                       {"Content-MD5", content_md5_base64(body)},
                       {"x-ms-blob-content-type", effective_content_type(options.content_type)}};
    if (!options.content_md5.empty()) request.headers.emplace_back("x-ms-blob-content-md5", options.content_md5);
    add_metadata_headers(metadata, request.headers);
    add_condition_headers(options.conditions, request.headers);
    AZB_ASSIGN_OR_RETURN(AzureExchange exchange, executor_.execute(request));
    if (is_success(exchange.response.status)) return write_result_from_headers(exchange.response);
    if (is_conflict_on_retry(exchange) && has_conditions(options.conditions)) {
        std::string list_url = with_query(blob_url(executor_.account(), container, blob),
                                          {{"comp", "blocklist"}, {"blocklisttype", "committed"}});
        Result<HttpResponse> listed = call(AzureRequest{"GET", list_url, {}, {}, context, {}});
        Result<BlockList> committed = listed ? parse_block_list(listed->body) : Result<BlockList>(listed.status());
        if (committed && committed->committed == block_ids) {
            AZB_ASSIGN_OR_RETURN(HttpResponse head, head_blob(container, blob, context));
            return write_result_from_headers(head);
        }
    }
    return write_error(exchange.response, options.conditions, true, context);
}

Status AzureBlobStore::delete_blob(const std::string& container, const std::string& blob,
                                   const Conditions& conditions) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string context = "delete_blob " + blob_path(container, blob);
    AzureRequest request{"DELETE", blob_url(executor_.account(), container, blob), {}, {}, context, {}};
    add_condition_headers(conditions, request.headers);
    AZB_ASSIGN_OR_RETURN(AzureExchange exchange, executor_.execute(request));
    if (is_success(exchange.response.status)) return Status::ok();
    if (exchange.response.status == 404 && exchange.attempts > 1 &&
        exchange.response.header("x-ms-error-code") != "ContainerNotFound") {
        return Status::ok();
    }
    return write_error(exchange.response, conditions, false, context);
}

Result<WriteResult> AzureBlobStore::copy_blob(const std::string& src_container, const std::string& src_blob,
                                              const std::string& dst_container, const std::string& dst_blob,
                                              const CopyOptions& options) {
    AZB_RETURN_IF_ERROR(validate_names(src_container, src_blob));
    AZB_RETURN_IF_ERROR(validate_names(dst_container, dst_blob));
    const Conditions& conditions = options.conditions;
    std::string context = "copy_blob " + blob_path(src_container, src_blob) + " to " +
                          blob_path(dst_container, dst_blob);
    const AccountConfig& account = executor_.account();
    std::string source = blob_url(account, src_container, src_blob);
    if (account.auth == AuthKind::kSas) source = append_sas(source, account.sas_token);
    AzureRequest request{"PUT", blob_url(account, dst_container, dst_blob), {{"x-ms-copy-source", source}},
                         {}, context, {}};
    add_condition_headers(conditions, request.headers);
    if (options.source_if_match) request.headers.emplace_back("x-ms-source-if-match", *options.source_if_match);
    if (options.metadata) {
        AZB_ASSIGN_OR_RETURN(Metadata normalized,
                             normalize_metadata(*options.metadata, blob_path(dst_container, dst_blob)));
        add_metadata_headers(normalized, request.headers);
    }
    AZB_ASSIGN_OR_RETURN(AzureExchange exchange, executor_.execute(request));
    if (is_success(exchange.response.status)) {
        if (exchange.response.header("x-ms-copy-status") == "pending") {
            return wait_for_copy(dst_container, dst_blob, context);
        }
        return write_result_from_headers(exchange.response);
    }
    if (is_conflict_on_retry(exchange) && has_conditions(conditions)) {
        Result<HttpResponse> head = head_blob(dst_container, dst_blob, context);
        if (head && without_query(head->header("x-ms-copy-source")) == without_query(source)) {
            return wait_for_copy(dst_container, dst_blob, context);
        }
    }
    return write_error(exchange.response, conditions, true, context);
}

Result<WriteResult> AzureBlobStore::wait_for_copy(const std::string& container, const std::string& blob,
                                                  const std::string& context) {
    constexpr std::chrono::milliseconds kMaxPoll{5000};
    constexpr std::chrono::milliseconds kMaxWait{3600 * 1000};
    std::chrono::milliseconds delay{200};
    std::chrono::milliseconds waited{0};
    while (true) {
        AZB_ASSIGN_OR_RETURN(HttpResponse head, head_blob(container, blob, context));
        std::string state = head.header("x-ms-copy-status");
        if (state.empty() || state == "success") return write_result_from_headers(head);
        if (state != "pending") {
            return Status(Code::kUnavailable, context + ": copy " + state + ": " +
                                                  head.header("x-ms-copy-status-description"));
        }
        if (waited >= kMaxWait) return Status(Code::kUnavailable, context + ": copy still pending after 1 h");
        sleep_for(delay);
        waited += delay;
        delay = std::min(delay * 2, kMaxPoll);
    }
}

Result<WriteResult> AzureBlobStore::set_metadata(const std::string& container, const std::string& blob,
                                                 const Metadata& metadata, const Conditions& conditions) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    std::string context = "set_metadata " + blob_path(container, blob);
    AZB_ASSIGN_OR_RETURN(Metadata normalized, normalize_metadata(metadata, blob_path(container, blob)));
    std::string url = with_query(blob_url(executor_.account(), container, blob), {{"comp", "metadata"}});
    AzureRequest request{"PUT", url, {}, {}, context, {}};
    add_metadata_headers(normalized, request.headers);
    add_condition_headers(conditions, request.headers);
    AZB_ASSIGN_OR_RETURN(AzureExchange exchange, executor_.execute(request));
    if (is_success(exchange.response.status)) return write_result_from_headers(exchange.response);
    return write_error(exchange.response, conditions, false, context);
}

Status AzureBlobStore::set_tier(const std::string& container, const std::string& blob, const std::string& tier) {
    AZB_RETURN_IF_ERROR(validate_names(container, blob));
    AZB_RETURN_IF_ERROR(validate_tier(tier));
    std::string url = with_query(blob_url(executor_.account(), container, blob), {{"comp", "tier"}});
    AzureRequest request{"PUT", url, {{"x-ms-access-tier", tier}}, {}, "set_tier " + blob_path(container, blob), {}};
    return call(request).status();
}

}  // namespace azblobfs
