// ModelRunner: executing one op on the Filesystem and on the model.
#include "model/model_runner.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "blob/memory_blob_store.h"
#include "support/seeded_bytes.h"

namespace azblobfs::testing {
namespace {

using Failure = std::optional<std::string>;

std::string fail_text(const std::string& what, const Status& st) { return what + ": " + st.to_string(); }

}  // namespace

ModelRunner::ModelRunner(StackOptions options)
    : options_(options), cache_dir_("azb-model"), store_(make_memory_blob_store()) {}

ModelRunner::~ModelRunner() = default;

std::optional<std::string> ModelRunner::start() {
    Status st = store_->create_container(kModelContainer);
    if (!st.is_ok()) return fail_text("create container", st);
    stack_ = std::make_unique<FsStack>(store_, (cache_dir_.path() / "cache").string(), options_);
    st = stack_->open();
    if (!st.is_ok()) return fail_text("mount", st);
    if (Failure f = compare_tree()) return "the fresh mount: " + *f;  // also lists the empty root
    return std::nullopt;
}

std::set<std::string> ModelRunner::open_paths() const {
    std::set<std::string> out;
    for (const auto& [path, h] : handles_) out.insert(path);
    return out;
}

bool ModelRunner::applicable(const Op& op) const {
    const std::string& p = op.path;
    switch (op.kind) {
        case OpKind::kCreate:
        case OpKind::kMkdir: return !p.empty() && model_.is_dir(parent_of(p)) && !model_.exists(p);
        case OpKind::kWrite:
        case OpKind::kAppend:
        case OpKind::kTruncate:
        case OpKind::kRead:
        case OpKind::kFsync: return model_.is_file(p);
        case OpKind::kRename:
            return model_.is_file(p) && model_.is_dir(parent_of(op.path2)) && !model_.is_dir(op.path2) &&
                   p != op.path2 && !handles_.count(p) && !handles_.count(op.path2);
        case OpKind::kRenameDir: return rename_dir_applicable(op);
        case OpKind::kSidecar:
            return !p.empty() && !handles_.count(p) &&
                   (model_.is_file(p) || (model_.is_dir(parent_of(p)) && !model_.exists(p)));
        case OpKind::kUnlink:
        case OpKind::kOobDelete: return model_.is_file(p) && !handles_.count(p);
        case OpKind::kRmdir: return !p.empty() && model_.is_dir(p);
        case OpKind::kClose: return handles_.count(p) != 0;
        case OpKind::kOobPut: {
            if (p.empty() || model_.is_dir(p) || handles_.count(p)) return false;
            for (std::string d = parent_of(p); !d.empty(); d = parent_of(d)) {
                if (model_.is_file(d)) return false;
            }
            return true;
        }
        case OpKind::kFlushAll:
        case OpKind::kRemount:
        case OpKind::kCrash: return true;
    }
    return false;
}

// A directory without kept handles below it, to a free name or an empty directory whose parent
// exists, not into itself.
bool ModelRunner::rename_dir_applicable(const Op& op) const {
    const std::string& to = op.path2;
    if (op.path.empty() || to.empty() || !model_.is_dir(op.path) || !model_.is_dir(parent_of(to)) ||
        within(to, op.path)) {
        return false;
    }
    if (model_.exists(to) && !(model_.is_dir(to) && model_.children(to).empty())) return false;
    for (const auto& [path, h] : handles_) {
        if (within(path, op.path)) return false;
    }
    return true;
}

std::optional<std::string> ModelRunner::step(const Op& op) {
    ++steps_;
    if (!applicable(op)) return std::nullopt;
    stack_->advance_ms(op.advance_ms);
    if (Failure f = execute(op)) return to_code(op) + ": " + *f;
    if (Failure f = compare_tree()) return "after " + to_code(op) + ": " + *f;
    if (Failure f = compare_index()) return "after " + to_code(op) + ": " + *f;
    return std::nullopt;
}

std::optional<std::string> ModelRunner::execute(const Op& op) {
    switch (op.kind) {
        case OpKind::kCreate: return do_create(op);
        case OpKind::kWrite: return do_write(op, false);
        case OpKind::kAppend: return do_write(op, true);
        case OpKind::kTruncate: return do_truncate(op);
        case OpKind::kRename: return do_rename(op);
        case OpKind::kRenameDir: return op.length > 0 ? do_cut_rename_dir(op) : do_rename(op);
        case OpKind::kSidecar: return do_sidecar(op);
        case OpKind::kUnlink:
        case OpKind::kRmdir: return do_remove(op);
        case OpKind::kMkdir: return do_mkdir(op);
        case OpKind::kRead: return do_read(op);
        case OpKind::kFsync: return do_fsync(op);
        case OpKind::kClose: return do_close(op.path);
        case OpKind::kFlushAll: return do_flush_all();
        case OpKind::kOobPut:
        case OpKind::kOobDelete: return do_out_of_band(op);
        case OpKind::kRemount: return do_remount(false);
        case OpKind::kCrash: return do_remount(true);
    }
    return "unknown op";
}

std::optional<std::string> ModelRunner::do_create(const Op& op) {
    Filesystem& fs = stack_->fs();
    auto [dir, name] = split_path(op.path);
    Result<uint64_t> parent = inode_of(fs, dir);
    if (!parent.is_ok()) return fail_text("lookup of parent " + dir, parent.status());
    Result<CreateReply> created = fs.create(*parent, name, 0644, O_CREAT | O_EXCL | O_RDWR);
    if (!created.is_ok()) return fail_text("create", created.status());
    const Attributes& attr = created->entry.attr;
    if (attr.ino == 0 || !S_ISREG(attr.st.st_mode) || attr.st.st_size != 0) {
        return "create returned ino " + std::to_string(attr.ino) + " mode " + std::to_string(attr.st.st_mode) +
               " size " + std::to_string(attr.st.st_size);
    }
    model_.create(op.path);
    Handle h{attr.ino, created->open.fh};
    if (op.length > 0) {
        std::string data = seeded_bytes(op.seed, op.length);
        Result<uint64_t> written = fs.write(h.ino, h.fh, 0, data);
        if (!written.is_ok()) return fail_text("write after create", written.status());
        if (*written != op.length) return "write after create wrote " + std::to_string(*written);
        model_.write(op.path, 0, data);
    }
    if (op.keep_open) {
        handles_[op.path] = h;
        stack_->remember_handle(h.ino, h.fh);
        return std::nullopt;
    }
    Status st = fs.flush(h.ino, h.fh);
    fs.release(h.ino, h.fh);
    if (!st.is_ok()) return fail_text("flush (close) after create", st);
    return std::nullopt;
}

std::optional<std::string> ModelRunner::do_write(const Op& op, bool append) {
    Filesystem& fs = stack_->fs();
    Handle h;
    auto kept = handles_.find(op.path);
    bool was_kept = !append && kept != handles_.end();
    if (was_kept) {
        h = kept->second;
    } else {
        Result<uint64_t> ino = inode_of(fs, op.path);
        if (!ino.is_ok()) return fail_text("lookup", ino.status());
        Result<OpenReply> opened = fs.open(*ino, append ? (O_WRONLY | O_APPEND) : O_RDWR);
        if (!opened.is_ok()) return fail_text("open for write", opened.status());
        h = Handle{*ino, opened->fh};
    }
    std::string data = seeded_bytes(op.seed, op.length);
    Result<uint64_t> written = fs.write(h.ino, h.fh, op.offset, data);
    if (!written.is_ok()) return fail_text("write", written.status());
    if (*written != op.length) return "write wrote " + std::to_string(*written) + " bytes";
    model_.write(op.path, append ? model_.data(op.path).size() : op.offset, data);
    bool keep = !append && op.keep_open;
    if (keep && !was_kept) {
        handles_[op.path] = h;
        stack_->remember_handle(h.ino, h.fh);
    }
    if (keep) return std::nullopt;
    if (was_kept) {
        handles_.erase(op.path);
        stack_->forget_handle(h.fh);
    }
    Status st = fs.flush(h.ino, h.fh);
    fs.release(h.ino, h.fh);
    if (!st.is_ok()) return fail_text("flush (close) after write", st);
    return std::nullopt;
}

std::optional<std::string> ModelRunner::do_truncate(const Op& op) {
    Filesystem& fs = stack_->fs();
    Result<uint64_t> ino = inode_of(fs, op.path);
    if (!ino.is_ok()) return fail_text("lookup", ino.status());
    SetAttrRequest request;
    request.size = op.length;
    Result<Attributes> attr = fs.setattr(*ino, request);
    if (!attr.is_ok()) return fail_text("setattr size", attr.status());
    if (static_cast<uint64_t>(attr->st.st_size) != op.length) {
        return "setattr returned size " + std::to_string(attr->st.st_size);
    }
    model_.truncate(op.path, op.length);
    return std::nullopt;
}

std::optional<std::string> ModelRunner::do_rename(const Op& op) {
    Filesystem& fs = stack_->fs();
    auto [dir, name] = split_path(op.path);
    auto [new_dir, new_name] = split_path(op.path2);
    Result<uint64_t> parent = inode_of(fs, dir);
    if (!parent.is_ok()) return fail_text("lookup of " + dir, parent.status());
    Result<uint64_t> new_parent = inode_of(fs, new_dir);
    if (!new_parent.is_ok()) return fail_text("lookup of " + new_dir, new_parent.status());
    Status st = fs.rename(*parent, name, *new_parent, new_name, 0);
    if (!st.is_ok()) return fail_text("rename", st);
    if (op.kind == OpKind::kRenameDir) {
        model_.rename_dir(op.path, op.path2);
    } else {
        model_.rename_file(op.path, op.path2);
    }
    return std::nullopt;
}

// The state a directory rename leaves when the mount dies inside rename() after moving
// op.length children (Filesystem::rename's order: begun in the journal, the new directory made,
// children moved one by one), then the crash. The next mount must finish the rename.
std::optional<std::string> ModelRunner::do_cut_rename_dir(const Op& op) {
    Filesystem& fs = stack_->fs();
    JournalBatch begun;
    begun.begin_dir_renames.emplace_back(op.path, op.path2);
    Result<std::vector<EntryRecord>> applied = stack_->journal().apply(begun);
    if (!applied.is_ok()) return fail_text("journal the rename", applied.status());
    if (!model_.exists(op.path2)) {
        auto [dir, name] = split_path(op.path2);
        Result<uint64_t> parent = inode_of(fs, dir);
        if (!parent.is_ok()) return fail_text("lookup of " + dir, parent.status());
        Result<EntryReply> made = fs.mkdir(*parent, name, 0755);
        if (!made.is_ok()) return fail_text("mkdir of the new directory", made.status());
    }
    Result<uint64_t> from = inode_of(fs, op.path);
    if (!from.is_ok()) return fail_text("lookup of " + op.path, from.status());
    Result<uint64_t> to = inode_of(fs, op.path2);
    if (!to.is_ok()) return fail_text("lookup of " + op.path2, to.status());
    std::vector<std::string> children = model_.children(op.path);
    for (size_t i = 0; i < children.size() && i < op.length; ++i) {
        Status st = fs.rename(*from, children[i], *to, children[i], 0);
        if (!st.is_ok()) return fail_text("rename of child " + children[i], st);
    }
    model_.rename_dir(op.path, op.path2);
    return do_remount(true);
}

std::optional<std::string> ModelRunner::do_remove(const Op& op) {
    Filesystem& fs = stack_->fs();
    auto [dir, name] = split_path(op.path);
    Result<uint64_t> parent = inode_of(fs, dir);
    if (!parent.is_ok()) return fail_text("lookup of " + dir, parent.status());
    bool file = op.kind == OpKind::kUnlink;
    Status st = file ? fs.unlink(*parent, name) : fs.rmdir(*parent, name);
    Code expected = file || model_.children(op.path).empty() ? Code::kOk : Code::kNotEmpty;
    if (st.code() != expected) {
        return std::string(file ? "unlink" : "rmdir") + " returned " + st.to_string() + ", expected " +
               code_name(expected);
    }
    if (expected == Code::kOk) model_.remove(op.path);
    return std::nullopt;
}

std::optional<std::string> ModelRunner::do_mkdir(const Op& op) {
    Filesystem& fs = stack_->fs();
    auto [dir, name] = split_path(op.path);
    Result<uint64_t> parent = inode_of(fs, dir);
    if (!parent.is_ok()) return fail_text("lookup of " + dir, parent.status());
    Result<EntryReply> made = fs.mkdir(*parent, name, 0755);
    if (!made.is_ok()) return fail_text("mkdir", made.status());
    if (made->attr.ino == 0 || !S_ISDIR(made->attr.st.st_mode)) return "mkdir returned no directory";
    model_.mkdir(op.path);
    return std::nullopt;
}

std::optional<std::string> ModelRunner::do_read(const Op& op) {
    Filesystem& fs = stack_->fs();
    Result<uint64_t> ino = inode_of(fs, op.path);
    if (!ino.is_ok()) return fail_text("lookup", ino.status());
    Result<OpenReply> opened = fs.open(*ino, O_RDONLY);
    if (!opened.is_ok()) return fail_text("open for read", opened.status());
    Result<std::string> got = fs.read(*ino, opened->fh, op.offset, op.length);
    fs.release(*ino, opened->fh);
    if (!got.is_ok()) return fail_text("read", got.status());
    const std::string& data = model_.data(op.path);
    std::string expected = op.offset >= data.size() ? std::string() : data.substr(op.offset, op.length);
    if (*got != expected) {
        return "read returned " + std::to_string(got->size()) + " bytes, expected " +
               std::to_string(expected.size()) + (got->size() == expected.size() ? " (content differs)" : "");
    }
    return std::nullopt;
}

std::optional<std::string> ModelRunner::do_fsync(const Op& op) {
    Filesystem& fs = stack_->fs();
    auto kept = handles_.find(op.path);
    Handle h;
    if (kept != handles_.end()) {
        h = kept->second;
    } else {
        Result<uint64_t> ino = inode_of(fs, op.path);
        if (!ino.is_ok()) return fail_text("lookup", ino.status());
        Result<OpenReply> opened = fs.open(*ino, O_RDWR);
        if (!opened.is_ok()) return fail_text("open for fsync", opened.status());
        h = Handle{*ino, opened->fh};
    }
    Status st = fs.fsync(h.ino, h.fh);
    if (kept == handles_.end()) {
        Status closed = fs.flush(h.ino, h.fh);
        fs.release(h.ino, h.fh);
        if (st.is_ok() && !closed.is_ok()) return fail_text("flush (close) after fsync", closed);
    }
    if (!st.is_ok()) return fail_text("fsync", st);
    Result<ReadResult> blob = stack_->store().read(kModelContainer, op.path, 0, 0);
    if (!blob.is_ok()) return fail_text("store read after fsync", blob.status());
    if (blob->data != model_.data(op.path)) {
        return "after fsync the store holds " + std::to_string(blob->data.size()) + " bytes, the model " +
               std::to_string(model_.data(op.path).size()) + " (or the content differs)";
    }
    return std::nullopt;
}

std::optional<std::string> ModelRunner::do_close(const std::string& path) {
    Handle h = handles_.at(path);
    handles_.erase(path);
    stack_->forget_handle(h.fh);
    Status st = stack_->fs().flush(h.ino, h.fh);
    stack_->fs().release(h.ino, h.fh);
    if (!st.is_ok()) return fail_text("flush (close)", st);
    return std::nullopt;
}

std::optional<std::string> ModelRunner::do_remount(bool crash) {
    handles_.clear();
    Status st = crash ? stack_->crash() : stack_->remount();
    if (!st.is_ok()) return fail_text(crash ? "crash + mount" : "remount", st);
    return std::nullopt;
}

}  // namespace azblobfs::testing
