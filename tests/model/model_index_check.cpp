// The sidecar part of the reference model: kSidecar writes, and the index check after every
// step (model_runner.h).
#include <fcntl.h>

#include <map>
#include <set>

#include "cache/query.h"
#include "model/model_runner.h"

namespace azblobfs::testing {
namespace {

std::string fail_text(const std::string& what, const Status& st) { return what + ": " + st.to_string(); }

// What the index must hold for content `bytes`: its fields (key -> values, as display text),
// or nothing when it is not a sidecar JSON object.
std::map<std::string, std::multiset<std::string>> expected_fields(const std::string& bytes) {
    std::map<std::string, std::multiset<std::string>> out;
    auto flat = index::flatten_sidecar(bytes, 1 << 20);
    if (auto* fields = std::get_if<std::vector<index::Field>>(&flat)) {
        for (const auto& [key, value] : *fields) out[key].insert(index::to_display(value));
    }
    return out;
}

}  // namespace

std::optional<std::string> ModelRunner::do_sidecar(const Op& op) {
    Filesystem& fs = stack_->fs();
    const std::string json = sidecar_json(op.seed);
    uint64_t ino = 0, fh = 0;
    if (model_.is_file(op.path)) {
        Result<uint64_t> found = inode_of(fs, op.path);
        if (!found.is_ok()) return fail_text("lookup", found.status());
        SetAttrRequest truncate;
        truncate.size = 0;
        Result<Attributes> attr = fs.setattr(*found, truncate);
        if (!attr.is_ok()) return fail_text("truncate to 0", attr.status());
        Result<OpenReply> opened = fs.open(*found, O_RDWR);
        if (!opened.is_ok()) return fail_text("open", opened.status());
        ino = *found;
        fh = opened->fh;
        model_.truncate(op.path, 0);
    } else {
        auto [dir, name] = split_path(op.path);
        Result<uint64_t> parent = inode_of(fs, dir);
        if (!parent.is_ok()) return fail_text("lookup of parent " + dir, parent.status());
        Result<CreateReply> created = fs.create(*parent, name, 0644, O_CREAT | O_EXCL | O_RDWR);
        if (!created.is_ok()) return fail_text("create", created.status());
        ino = created->entry.attr.ino;
        fh = created->open.fh;
        model_.create(op.path);
    }
    Result<uint64_t> written = fs.write(ino, fh, 0, json);
    if (!written.is_ok()) return fail_text("write of the sidecar", written.status());
    model_.write(op.path, 0, json);
    Status st = fs.flush(ino, fh);
    fs.release(ino, fh);
    if (!st.is_ok()) return fail_text("flush (close) of the sidecar", st);
    return std::nullopt;
}

std::optional<std::string> ModelRunner::compare_index() {
    // The background reader's work, done now: sidecars changed in the store are read.
    for (int round = 0; round < 10; ++round) {
        SidecarRefreshRound r = stack_->refresher().run_once();
        if (!r.failure.is_ok()) return fail_text("sidecar refresh", r.failure);
        if (r.read + r.dropped == 0) break;
    }
    SidecarIndex& index = stack_->sidecars();
    auto parsed = index::parse_query("n exists or tag exists");
    Result<std::vector<QueryMatch>> matches = index.query(std::get<index::Query>(parsed));
    if (!matches.is_ok()) return fail_text("query", matches.status());
    std::set<std::string> indexed;
    for (const QueryMatch& m : *matches) {
        indexed.insert(m.path);
        if (!model_.is_file(m.path)) return "the index answers for " + m.path + ", which the model does not have";
    }
    for (const std::string& path : model_.files()) {
        if (handles_.count(path) != 0) continue;  // written but not closed: indexed at close
        auto want = expected_fields(model_.data(path));
        std::map<std::string, std::multiset<std::string>> got;
        if (indexed.count(path) != 0) {
            auto match = std::find_if(matches->begin(), matches->end(), [&](const QueryMatch& m) { return m.path == path; });
            Result<std::vector<index::Field>> fields = index.fields(*match);
            if (!fields.is_ok()) return fail_text("fields of " + path, fields.status());
            for (const auto& [key, value] : *fields) {
                if (key.rfind("s:", 0) == 0) got[key].insert(index::to_display(value));
            }
        }
        if (got != want) {
            return "the index holds " + std::to_string(got.size()) + " sidecar field(s) for " + path +
                   ", its content has " + std::to_string(want.size()) +
                   (want.count("s:n") ? " (n = " + *want["s:n"].begin() + ")" : std::string()) +
                   (got.count("s:n") ? ", index n = " + *got["s:n"].begin() : std::string());
        }
    }
    return std::nullopt;
}

}  // namespace azblobfs::testing
