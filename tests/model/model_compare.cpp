// ModelRunner: comparing the Filesystem and the store with the model; store-level steps
// (flush_all, out-of-band changes).
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "model/model_runner.h"
#include "support/seeded_bytes.h"

namespace azblobfs::testing {
namespace {

using Failure = std::optional<std::string>;

std::string fail_text(const std::string& what, const Status& st) { return what + ": " + st.to_string(); }

std::string joined(const std::vector<std::string>& names) {
    std::string out = "[";
    for (const std::string& n : names) out += (out.size() > 1 ? " " : "") + n;
    return out + "]";
}

std::string describe_difference(const std::string& got, const std::string& expected) {
    size_t i = 0;
    while (i < got.size() && i < expected.size() && got[i] == expected[i]) ++i;
    return "size " + std::to_string(got.size()) + " vs model " + std::to_string(expected.size()) +
           ", first difference at offset " + std::to_string(i);
}

bool is_marker(const BlobProperties& blob) {
    if (!blob.name.empty() && blob.name.back() == '/') return true;
    auto it = blob.metadata.find("hdi_isfolder");
    if (it == blob.metadata.end()) return false;
    std::string v = it->second;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    return v == "true";
}

bool is_conflict_copy(const std::string& name) { return name.find(".conflict-") != std::string::npos; }

}  // namespace

std::optional<std::string> ModelRunner::compare_tree() { return compare_dir("", kRootInode); }

std::optional<std::string> ModelRunner::compare_dir(const std::string& path, uint64_t ino) {
    Filesystem& fs = stack_->fs();
    Result<std::vector<std::string>> names = list_dir(fs, ino, steps_ % 2 == 1, 1 + steps_ % 7);
    if (!names.is_ok()) return fail_text("listing of '" + path + "'", names.status());
    std::sort(names->begin(), names->end());
    std::vector<std::string> expected = model_.children(path);
    if (*names != expected) {
        return "listing of '" + path + "' is " + joined(*names) + ", the model has " + joined(expected);
    }
    for (const std::string& name : expected) {
        std::string child = join_path(path, name);
        Result<EntryReply> entry = fs.lookup(ino, name);
        if (!entry.is_ok()) return fail_text("lookup of " + child, entry.status());
        uint64_t child_ino = entry->attr.ino;
        if (child_ino == 0) return "lookup of " + child + " is negative";
        Result<Attributes> attr = fs.getattr(child_ino);
        if (!attr.is_ok()) return fail_text("getattr of " + child, attr.status());
        bool dir = model_.is_dir(child);
        if (S_ISDIR(attr->st.st_mode) != dir || S_ISDIR(entry->attr.st.st_mode) != dir) {
            return child + " has the wrong type (model: " + (dir ? "directory" : "file") + ")";
        }
        if (dir) {
            if (Failure f = compare_dir(child, child_ino)) return f;
            continue;
        }
        uint64_t size = model_.data(child).size();
        if (static_cast<uint64_t>(attr->st.st_size) != size || static_cast<uint64_t>(entry->attr.st.st_size) != size) {
            return "size of " + child + ": getattr " + std::to_string(attr->st.st_size) + ", lookup " +
                   std::to_string(entry->attr.st.st_size) + ", model " + std::to_string(size);
        }
        if (Failure f = compare_file(child, child_ino)) return f;
    }
    for (const auto* pool : {&file_name_pool(), &dir_name_pool()}) {
        for (const std::string& name : *pool) {
            if (std::binary_search(expected.begin(), expected.end(), name)) continue;
            Result<EntryReply> entry = fs.lookup(ino, name);
            if (!entry.is_ok()) return fail_text("lookup of absent " + join_path(path, name), entry.status());
            if (entry->attr.ino != 0) return "lookup of " + join_path(path, name) + " is positive; the model has no such entry";
        }
    }
    return std::nullopt;
}

std::optional<std::string> ModelRunner::compare_file(const std::string& path, uint64_t ino) {
    uint64_t chunk = steps_ % 3 == 0 ? 65536 : (1 << 20);
    Result<std::string> got = read_file(stack_->fs(), ino, chunk);
    if (!got.is_ok()) return fail_text("read of " + path, got.status());
    const std::string& expected = model_.data(path);
    if (*got != expected) return "content of " + path + ": " + describe_difference(*got, expected);
    return std::nullopt;
}

std::optional<std::string> ModelRunner::compare_store() {
    ListOptions lo;
    lo.include_metadata = true;
    Result<ListAll> all = store_->list_all(kModelContainer, lo);
    if (!all.is_ok()) return fail_text("store listing", all.status());
    std::set<std::string> files;
    std::set<std::string> markers;
    for (const BlobProperties& blob : all->blobs) {
        if (is_conflict_copy(blob.name)) continue;
        if (is_marker(blob)) {
            std::string dir = blob.name.back() == '/' ? blob.name.substr(0, blob.name.size() - 1) : blob.name;
            if (!model_.is_dir(dir)) return "the store holds a directory marker for " + dir + ", not a directory in the model";
            markers.insert(dir);
            continue;
        }
        if (!model_.is_file(blob.name)) return "the store holds blob " + blob.name + ", not a file in the model";
        files.insert(blob.name);
    }
    for (const std::string& f : model_.files()) {
        if (!files.count(f)) return "file " + f + " is missing in the store";
        Result<ReadResult> blob = store_->read(kModelContainer, f, 0, 0);
        if (!blob.is_ok()) return fail_text("store read of " + f, blob.status());
        if (blob->data != model_.data(f)) return "blob " + f + ": " + describe_difference(blob->data, model_.data(f));
    }
    for (const std::string& d : model_.dirs()) {
        if (d.empty() || markers.count(d)) continue;
        auto below = files.lower_bound(d + "/");
        if (below == files.end() || below->compare(0, d.size() + 1, d + "/") != 0) {
            bool has_marked_subdir = false;
            for (const std::string& m : markers) has_marked_subdir |= m.compare(0, d.size() + 1, d + "/") == 0;
            if (!has_marked_subdir) return "directory " + d + " has neither a marker nor content in the store";
        }
    }
    return std::nullopt;
}

std::optional<std::string> ModelRunner::do_flush_all() {
    Status st = stack_->flusher().flush_all();
    if (!st.is_ok()) return fail_text("flush_all", st);
    Result<std::vector<std::pair<std::string, JournalRecord>>> records = stack_->journal().records();
    if (!records.is_ok()) return fail_text("journal records", records.status());
    if (!records->empty()) {
        return "after flush_all the journal still holds " + std::to_string(records->size()) +
               " record(s), first " + records->front().first;
    }
    if (Failure f = compare_store()) return "after flush_all: " + *f;
    return std::nullopt;
}

bool ModelRunner::store_has_dir(const std::string& dir) {
    ListOptions lo;
    lo.prefix = dir;
    Result<ListAll> all = store_->list_all(kModelContainer, lo);
    if (!all.is_ok()) return true;
    for (const BlobProperties& blob : all->blobs) {
        if (blob.name == dir || blob.name.compare(0, dir.size() + 1, dir + "/") == 0) return true;
    }
    return false;
}

void ModelRunner::prune_vanished_dirs(const std::string& dir) {
    for (std::string d = dir; !d.empty(); d = parent_of(d)) {
        if (!model_.children(d).empty() || store_has_dir(d)) return;
        model_.remove(d);
    }
}

std::optional<std::string> ModelRunner::do_out_of_band(const Op& op) {
    if (Failure f = do_flush_all()) return f;
    if (op.kind == OpKind::kOobPut) {
        std::string data = seeded_bytes(op.seed, op.length);
        Result<WriteResult> put = store_->put_blob(kModelContainer, op.path, data, PutOptions{});
        if (!put.is_ok()) return fail_text("out-of-band put", put.status());
        model_.put_file(op.path, data);
    } else {
        Status st = store_->delete_blob(kModelContainer, op.path, Conditions{});
        if (!st.is_ok()) return fail_text("out-of-band delete", st);
        model_.remove(op.path);
        prune_vanished_dirs(parent_of(op.path));
    }
    stack_->advance_ms(static_cast<int64_t>(options_.ttl_s * 2000) + 1);
    return std::nullopt;
}

}  // namespace azblobfs::testing
