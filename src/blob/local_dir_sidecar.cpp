#include "blob/local_dir_sidecar.h"

#include <nlohmann/json.hpp>

#include "common/base64.h"

namespace azblobfs {

using nlohmann::json;

Result<std::string> encode_sidecar(const LocalBlobRecord& record) {
    const BlobProperties& p = record.props;
    json blocks = json::array();
    for (const auto& b : record.blocks) {
        blocks.push_back({{"id", base64_encode(b.id)}, {"offset", b.offset}, {"length", b.length}});
    }
    json doc = {{"name", p.name},
                {"etag", p.etag},
                {"last_modified", p.last_modified},
                {"content_type", p.content_type},
                {"content_md5", p.content_md5},
                {"tier", p.tier},
                {"metadata", p.metadata},
                {"data_file", record.data_file},
                {"size", p.size},
                {"blocks", std::move(blocks)}};
    try {
        return doc.dump();
    } catch (const json::exception& e) {
        return Status(Code::kInvalidArgument, "blob " + p.name + ": cannot encode sidecar: " + e.what());
    }
}

Result<LocalBlobRecord> decode_sidecar(std::string_view text, const std::string& source) {
    try {
        json doc = json::parse(text);
        LocalBlobRecord r;
        r.props.name = doc.at("name").get<std::string>();
        r.props.etag = doc.at("etag").get<std::string>();
        r.props.last_modified = doc.at("last_modified").get<int64_t>();
        r.props.content_type = doc.at("content_type").get<std::string>();
        r.props.content_md5 = doc.at("content_md5").get<std::string>();
        r.props.tier = doc.at("tier").get<std::string>();
        r.props.metadata = doc.at("metadata").get<Metadata>();
        r.props.size = doc.at("size").get<uint64_t>();
        r.data_file = doc.at("data_file").get<std::string>();
        for (const auto& b : doc.at("blocks")) {
            std::optional<std::string> id = base64_decode(b.at("id").get<std::string>());
            if (!id) return Status(Code::kIoError, "sidecar " + source + ": block id is not base64");
            r.blocks.push_back(CommittedBlock{*id, b.at("offset").get<uint64_t>(), b.at("length").get<uint64_t>()});
        }
        return r;
    } catch (const json::exception& e) {
        return Status(Code::kIoError, "sidecar " + source + ": " + e.what());
    }
}

}  // namespace azblobfs
