#!/usr/bin/env bash
# Listings at a million entries (issue "fast where users feel it", item 4): one directory of
# ENTRIES files is written straight into a cache directory's index (bench/index_bench gen-dir,
# as a mount that listed it would leave it; Azurite is too slow to hold a million blobs), then
# azblobfs mounts that cache ("after a remount") over an empty in-memory Azurite with
# --dir-ttl and --attr-ttl of an hour, and `ls -f | wc -l` and `ls -l` run on it. Reports the
# times, the mount's resident memory (VmRSS, and of it the anonymous part, which is what grows
# with the entries the kernel holds; the rest is LMDB's file pages) and the requests the mount
# sent (status.json), which must be 0 List calls.
#
#   bench/listing_bench.sh [BUILD_DIR]      (default build/; needs azblobfs and bench/index_bench)
#   ENTRIES=1000000   RUNS=3
#
# Writes bench/results/listing_bench.md.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../build}" && pwd)"
entries="${ENTRIES:-1000000}"
runs="${RUNS:-3}"
azblobfs="$build/azblobfs"
tool="$build/bench/index_bench"
azurite_bin="$here/../node_modules/.bin/azurite-blob"
results="$here/results"
for bin in "$azblobfs" "$tool" "$azurite_bin"; do
    [[ -x "$bin" ]] || { echo "listing_bench: $bin not found (build targets azblobfs index_bench; npm ci)" >&2; exit 2; }
done
unset AZURE_STORAGE_CONNECTION_STRING AZURE_STORAGE_ACCOUNT AZURE_STORAGE_KEY AZURE_STORAGE_SAS_TOKEN

work="$(mktemp -d /tmp/listing-bench.XXXXXX)"
mkdir -p "$work/logs" "$work/mnt"
# shellcheck source=bench/mount_bench_lib.sh
source "$here/mount_bench_lib.sh"
install_exit_trap listing_bench
mode=container
mount_seq=0

start_azurite
endpoint="http://127.0.0.1:$port/devstoreaccount1"
"$azblobfs" --blob-endpoint "$endpoint" mb bigdir >/dev/null

# kB of one field of /proc/PID/status.
mem() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

rows=()
for run in $(seq "$runs"); do
    cache="$work/cache-$run" mp="$work/mnt"
    gen=$("$tool" gen-dir "$cache" big "$entries")
    echo "listing_bench: run $run: $gen" >&2
    "$azblobfs" mount "$mp" --container bigdir --cache-dir "$cache" --blob-endpoint "$endpoint" \
        --dir-ttl 3600 --attr-ttl 3600 --log-file "$work/logs/azblobfs-$run.log" >/dev/null
    pid=$(json_field "$cache/status.json" pid 2>/dev/null || pgrep -f "mount $mp " | head -n 1)
    [[ -n "$pid" ]] || pid=$(pgrep -f "mount $mp " | head -n 1)
    t0=$(now); n=$(ls -f "$mp/big" | wc -l); t1=$(now)
    [[ "$n" == $((entries + 2)) ]] || die "ls -f listed $n names, expected $((entries + 2))"
    rss_f=$(mem "$pid" VmRSS) anon_f=$(mem "$pid" RssAnon)
    t2=$(now); n=$(ls -l "$mp/big" | wc -l); t3=$(now)
    [[ "$n" == $((entries + 1)) ]] || die "ls -l printed $n lines, expected $((entries + 1))"
    rss_l=$(mem "$pid" VmHWM) anon_l=$(mem "$pid" RssAnon)
    unmount_azblobfs "$mp"
    lists=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['requests']; print(r['list_blobs'], sum(v for k, v in r.items() if not k.startswith('bytes')))" "$cache/status.json")
    rows+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') $(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.2f", b - a }') $rss_f $anon_f $rss_l $anon_l $lists")
    rm -rf "$cache"
done

col() { printf '%s\n' "${rows[@]}" | awk -v c="$1" '{ print $c }' | median; }
mkdir -p "$results"
{
    echo "# Listing benchmark ($(date -u +%FT%TZ), $(source_revision), $(nproc) cores, medians of $runs runs)"
    echo
    echo "One directory of $entries files, served from the index after a remount (--dir-ttl 3600)."
    echo
    echo "| command | seconds | µs per entry | mount VmRSS after it, MiB | of it anonymous, MiB |"
    echo "|---|---|---|---|---|"
    echo "| \`ls -f \| wc -l\` | $(col 1) | $(awk -v s="$(col 1)" -v n="$entries" 'BEGIN { printf "%.1f", s * 1e6 / n }') | $(( $(col 3) / 1024 )) | $(( $(col 4) / 1024 )) |"
    echo "| \`ls -l\` | $(col 2) | $(awk -v s="$(col 2)" -v n="$entries" 'BEGIN { printf "%.1f", s * 1e6 / n }') | $(( $(col 5) / 1024 )) (peak) | $(( $(col 6) / 1024 )) |"
    echo
    echo "List requests during the run: $(col 7); requests of any kind: $(col 8)."
    echo "The anonymous memory is mostly the inode table: one entry per name the kernel holds after"
    echo "\`ls -l\` (readdirplus gives the kernel every entry); the rest of VmRSS is LMDB's mapped file."
} >"$results/listing_bench.md"
cat "$results/listing_bench.md"
