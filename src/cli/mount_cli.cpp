#include "cli/mount_cli.h"

namespace azblobfs {
namespace {

constexpr const char* kMountHelp = R"(
Defaults and why:
  Freshness is NFS-like. A stat answered within --attr-ttl (60 s) of the last check, a listing
  within --dir-ttl (60 s), and a "no such file" within --negative-ttl (5 s) come from the local
  index without a round trip to Azure, so ls -l and find stay fast. Every open() revalidates the
  blob's ETag (close-to-open consistency), so the content a program reads after opening a file
  is the current version regardless of --attr-ttl; only stat results can be up to a TTL old.
  --attr-ttl 0 asks Azure on every stat.
  The cache (--cache-size, default 2G) is one LMDB file in --cache-dir holding the metadata index
  and content blocks. The size is a hard limit. Blocks get the size minus an index reserve of one
  eighth (at least 16M, at most 1G); least recently used blocks are evicted. The index survives
  remounts: a warm remount lists without network round trips.
  Reads are fetched in blocks of about 256K; sequential readers get read-ahead that grows up to
  --readahead-max (8M) with --fetch-threads (8) ranged GETs in parallel.
  Files are owned by --uid/--gid (default: you) with --file-mode 0644 and --dir-mode 0755, and
  the kernel checks access against them (default_permissions). Add -o allow_other to let other
  users in (needs user_allow_other in /etc/fuse.conf when not root).
Writes (DESIGN §5): every write() lands in the cache's journal (LMDB) before it returns, so it
  survives a crash of azblobfs. close() queues the upload, which starts --upload-delay (1 s)
  after the file's last change, so rewrites coalesce; --upload-threads (8) files upload at once.
  fsync() waits until the blob is committed in Azure with exactly these bytes (--fsync remote,
  the default) or until the journal is on local disk (--fsync local: survives power loss, the
  upload follows later). Uploads are incremental: a changed file stages only changed blocks.
  Every commit is conditional (If-Match the ETag the local copy started from, If-None-Match *
  for new blobs): when another writer changed the blob, the local bytes are kept as
  "<name>.conflict-<UTC time>" next to it, the warning names both blobs, and the writer's next
  fsync()/close() fails with ESTALE. Unmount and SIGTERM wait for every upload, logging
  progress; a second SIGTERM stops waiting and leaves the rest in the journal, which the next
  mount uploads first. When data not yet uploaded fills half the block space, writers wait for
  uploads; after --write-wait (30 s) without progress they get ENOSPC and the log says why.
  Hard links and special files: EPERM. Rename across containers: EXDEV. A blob name over 1,024
  characters: ENAMETOOLONG. --read-only mounts "ro": every change fails with EROFS.

The sidecar index (docs/INDEX.md): every blob's user metadata (meta.KEY) and properties
  (sys.size, sys.last_modified, sys.content_type, sys.tier) are indexed as listings and
  revalidations see them, and the fields of every sidecar (--sidecar globs, default
  digital-twins/metadata/*.json) once read: written through the mount, at close; changed
  elsewhere, when a listing or revalidation sees a new ETag (a background reader fetches it).
  Sidecars over --sidecar-max (1M), not JSON objects, or with bad field names are skipped with
  one warning each. `azblobfs query` answers from the index; `azblobfs index rebuild` crawls.
  The view .views/ at the mount root (not listed, reachable by name) shows by-lead/<lead>/ as
  symlinks gathered by --view-template PATTERN=ALIAS (default: the twin as twin.md, the sidecar
  as metadata.json, persona-images/{lead}/* under images/).

Before mounting, azblobfs checks that MOUNTPOINT is a directory, that the endpoint answers, that
the credentials work and that --container exists; each failure prints one line and exits 1.
If the endpoint is unreachable but --cache-dir holds an index of this account and container,
it mounts offline from the index, with a warning.
Once mounted it daemonises (unless -f), writes <cache-dir>/status.json every 2 s (see
`azblobfs status`), and logs to --log-file (default for a daemon: <cache-dir>/azblobfs.log).
SIGTERM or SIGINT unmounts cleanly (after the uploads). Unmount with `azblobfs unmount MOUNTPOINT`.
Account flags (--connection-string, --account, --account-key, --sas-token, --blob-endpoint) and
--log-level work as for the other subcommands (see azblobfs --help); with none configured the
mount uses UseDevelopmentStorage=true (a local Azurite).)";

void add_mount(CLI::App& app, MountFlags& f) {
    auto* m = app.add_subcommand("mount", "mount an account (or one container) as a filesystem");
    m->footer(kMountHelp);
    m->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // later flags override
    m->add_option("mountpoint", f.mountpoint, "an existing directory")->required();
    m->add_option("--container", f.container, "mount one container (default: every container is a top-level directory)");
    m->add_option("--cache-dir", f.cache_dir, "cache directory (default: /var/cache/azblobfs/<account>[-<container>])");
    m->add_option("--cache-size", f.cache_size, "hard limit of the cache file, e.g. 512M, 2G")->capture_default_str();
    m->add_flag("-f,--foreground", f.foreground, "stay in the foreground, log to stderr (default: daemonise once mounted)");
    m->add_option("-o", f.fuse_options, "FUSE mount options, comma separated (allow_other, ro, ...)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    m->add_flag("--read-only", f.read_only, "mount read-only (\"ro\"): every change fails with EROFS");
    m->add_option("--upload-delay", f.upload_delay, "seconds after a file's last change before it uploads")->capture_default_str();
    m->add_option("--upload-threads", f.upload_threads, "files uploaded in parallel")->capture_default_str();
    m->add_option("--fsync", f.fsync, "what fsync waits for: remote (committed in Azure) or local (on local disk)")
        ->capture_default_str();
    m->add_option("--write-wait", f.write_wait, "seconds a writer waits for uploads to make room before ENOSPC")
        ->capture_default_str();
    m->add_option("--attr-ttl", f.attr_ttl, "seconds a file's attributes are trusted without asking Azure")->capture_default_str();
    m->add_option("--dir-ttl", f.dir_ttl, "seconds a directory listing is trusted without re-listing")->capture_default_str();
    m->add_option("--negative-ttl", f.negative_ttl, "seconds a missing name is remembered")->capture_default_str();
    m->add_option("--uid", f.uid, "owner of every file (default: your uid)");
    m->add_option("--gid", f.gid, "group of every file (default: your gid)");
    m->add_option("--file-mode", f.file_mode, "permission bits of files, octal")->capture_default_str();
    m->add_option("--dir-mode", f.dir_mode, "permission bits of directories, octal")->capture_default_str();
    m->add_option("--fetch-threads", f.fetch_threads, "parallel ranged GETs for read-ahead")->capture_default_str();
    m->add_option("--readahead-max", f.readahead_max, "largest read-ahead window, e.g. 8M")->capture_default_str();
    m->add_option("--sidecar", f.sidecars, "glob of sidecar JSON files, account-relative (repeatable; "
                  "default digital-twins/metadata/*.json)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    m->add_option("--view-template", f.view_templates, "by-lead view template PATTERN=ALIAS with {lead} "
                  "(repeatable; see docs/INDEX.md)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    m->add_option("--sidecar-max", f.sidecar_max, "largest sidecar indexed, e.g. 1M")->capture_default_str();
    m->add_flag("!--no-index-properties", f.index_properties, "do not index blob metadata and properties");
    m->add_option("--log-file", f.log_file, "log file (default: stderr with -f, else <cache-dir>/azblobfs.log)");
}

}  // namespace

void add_mount_subcommands(CLI::App& app, MountCliFlags& flags) {
    add_mount(app, flags.mount);
    auto* u = app.add_subcommand("unmount", "unmount an azblobfs mount and wait until its process has exited");
    u->add_option("mountpoint", flags.unmount_point, "the mountpoint")->required();
    auto* s = app.add_subcommand("status", "print the status.json of the mount that uses a cache directory");
    s->add_option("--cache-dir", flags.status_cache_dir, "the mount's cache directory")->required();
}

}  // namespace azblobfs
