#!/usr/bin/env bash
# Benchmarks the sidecar index (docs/INDEX.md) and prints one Markdown table.
#
#   bench/index_bench.sh [BUILD_DIR]      (default build/; needs azblobfs and bench/index_bench)
#   SIZES="100000 1000000"   index sizes: sidecars of six fields generated straight into a cache
#                            directory (Azurite is too slow to hold a million blobs)
#   REBUILD_N=100000         sidecars uploaded to an in-memory Azurite for the rebuild row
#   RUNS=3                   runs of the rebuild and of the raw GETs (medians reported)
#   THREADS=16               parallel GETs of both
#
# Rows: LMDB bytes per sidecar; query and by-lead latency (p50/p99 of 200) warm, and after a
# "remount" (a new process, with the page cache dropped when we may); `azblobfs index rebuild`
# of REBUILD_N sidecars against raw parallel GETs of the same blobs in the same run.
# Writes bench/results/index_bench.md.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../build}" && pwd)"
sizes="${SIZES:-100000 1000000}"
rebuild_n="${REBUILD_N:-100000}"
runs="${RUNS:-3}"
threads="${THREADS:-16}"
azblobfs="$build/azblobfs"
tool="$build/bench/index_bench"
azurite_bin="$here/../node_modules/.bin/azurite-blob"
results="$here/results"
for bin in "$azblobfs" "$tool" "$azurite_bin"; do
    [[ -x "$bin" ]] || { echo "index_bench: $bin not found (build targets azblobfs index_bench; npm ci)" >&2; exit 2; }
done

work="$(mktemp -d /tmp/azblobfs-index-bench.XXXXXX)"
mkdir -p "$work/logs" "$results"
# shellcheck source=bench/mount_bench_lib.sh
source "$here/mount_bench_lib.sh"
azurite_pid=""
finish() {
    [[ -n "$azurite_pid" ]] && kill "$azurite_pid" 2>/dev/null && wait "$azurite_pid" 2>/dev/null
    rm -rf "$work"
}
trap finish EXIT

kv() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null && echo dropped || echo "not dropped"; }

rows=()
breakdown=""
for n in $sizes; do
    dir="$work/index-$n"
    echo "index_bench: generating $n sidecars" >&2
    g=$("$tool" gen "$dir" "$n")
    per=$(kv "$g" bytes_per_sidecar)
    used=$(kv "$g" used_bytes)
    warm=$("$tool" query "$dir" 200)                       # page cache still holds the file
    cache_state=$(drop_caches)
    cold=$("$tool" query "$dir" 200)
    rows+=("| $n | $per | $((used / 1048576)) | $(kv "$warm" query_matches) | $(kv "$warm" query_p50_ms) / $(kv "$warm" query_p99_ms) | $(kv "$cold" query_p50_ms) / $(kv "$cold" query_p99_ms) | $(kv "$warm" lead_p50_ms) / $(kv "$warm" lead_p99_ms) | $(kv "$cold" lead_p50_ms) / $(kv "$cold" lead_p99_ms) |")
    echo "index_bench: $n: $g; warm $warm; after remount (page cache $cache_state) $cold" >&2
    # Where the bytes go: pages of each database (mdb_stat, Debian lmdb-utils), per sidecar.
    if command -v mdb_stat >/dev/null; then
        split=$(mdb_stat -a "$dir" | awk -v n="$n" '
            /^Status of / { db = $3 }
            /Branch pages:|Leaf pages:|Overflow pages:/ { pages[db] += $NF }
            END { for (d in pages) if (pages[d] > 1) printf "%s %.0f, ", d, pages[d] * 4096 / n
                  idx = pages["fields"] + pages["fieldnames"] + pages["docs"] + pages["pending"]
                  printf "the sidecar index alone (fields, fieldnames, docs, pending) %.0f, ", idx * 4096 / n }')
        breakdown="${breakdown}- $n sidecars, bytes per sidecar by database: ${split%, }"$'\n'
    fi
    per_10m=$(awk -v b="$per" 'BEGIN { printf "%.1f", b * 1e7 / 2^30 }')
    gen_us=$(awk -v s="$(kv "$g" seconds)" -v n="$n" 'BEGIN { printf "%.1f", s * 1e6 / n }')
    rm -rf "$dir"
done

start_azurite
cs="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
echo "index_bench: uploading $rebuild_n sidecars to Azurite" >&2
"$tool" upload "$cs" digital-twins "$rebuild_n" "$threads"
raw_rates=(); rebuild_rates=()
for r in $(seq "$runs"); do
    raw=$("$tool" rawget "$cs" digital-twins "$threads")
    raw_rates+=("$(kv "$raw" rate)")
    cache="$work/rebuild-$r"
    t0=$(now)
    out=$("$azblobfs" --connection-string "$cs" index rebuild --cache-dir "$cache" --container digital-twins \
          --threads "$threads" 2>"$work/logs/rebuild-$r.err")
    t1=$(now)
    grep -q "read $rebuild_n sidecars" <<<"$out" || { cat "$work/logs/rebuild-$r.err" >&2; die "rebuild run $r: $out"; }
    rebuild_rates+=("$(awk -v n="$rebuild_n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')")
    rm -rf "$cache"
    echo "index_bench: run $r: raw $raw; rebuild $out (${rebuild_rates[-1]}/s)" >&2
done
raw_med=$(printf '%s\n' "${raw_rates[@]}" | median)
rebuild_med=$(printf '%s\n' "${rebuild_rates[@]}" | median)
ratio=$(awk -v a="$rebuild_med" -v b="$raw_med" 'BEGIN { printf "%.2f", a / b }')

report="$results/index_bench.md"
{
    echo "# Sidecar index benchmark ($(date -u +%FT%TZ), $(source_revision), $(nproc) cores)"
    echo
    echo "| sidecars | LMDB bytes / sidecar | data.mdb MiB | matches of the query | query p50 / p99 ms, warm | after remount | by-lead p50 / p99 ms, warm | after remount |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Query: \`classification = hot and income >= 198000\` (about 0.4% of leads). by-lead: the files of one"
    echo "random lead (its sidecar and twin). Each sidecar comes with its twin's entry, as in the sample layout;"
    echo "bytes per sidecar count the whole data.mdb (entries, docs, fields) divided by the sidecars."
    echo "At the largest size: $per_10m GiB extrapolated to 10 million twins; $gen_us µs per sidecar to index."
    [[ -n "$breakdown" ]] && { echo; printf '%s' "$breakdown"; }
    echo
    echo "| rebuild of $rebuild_n sidecars on Azurite | sidecars/s (median of $runs) |"
    echo "|---|---|"
    echo "| raw parallel GETs ($threads in flight, after one listing) | $raw_med |"
    echo "| \`azblobfs index rebuild\` ($threads threads, listing included) | $rebuild_med |"
    echo "| ratio | $ratio |"
} > "$report"
cat "$report"
