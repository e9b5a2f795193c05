#!/usr/bin/env bash
# Benchmarks the azblobfs mount against rclone mount (--vfs-cache-mode full) and raw HTTP on one
# in-memory Azurite of its own, in the same run, and prints one Markdown table of medians.
#
#   bench/mount_bench.sh [BUILD_DIR]         (default: build/; needs azblobfs, bench/client_bench
#                                             and bench/mount_probe built there)
#   RUNS=5            runs per workload (the median is reported)
#   MODE=container    container: one mount per container (--container C, rclone az:C);
#                     account: the whole account, containers as top-level directories
#   TOOLS="azblobfs rclone raw"   peers to measure (default: all; azblobfs is left out, with a
#                     warning, when the binary has no mount subcommand)
#   KEEP_WORK=1       keep the temporary directory (logs, lists) after the run
#
# Writes bench/results/mount_bench.md and bench/results/mount_bench.png. See bench/README.md.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../build}" && pwd)"
runs="${RUNS:-5}"
mode="${MODE:-container}"
azblobfs="$build/azblobfs"
client="$build/bench/client_bench"
probe="$build/bench/mount_probe"
azurite_bin="$here/../node_modules/.bin/azurite-blob"
results="$here/results"
account=devstoreaccount1
dev_key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
big_bytes=$((256 * 1024 * 1024))
head_bytes=65536

for bin in "$azblobfs" "$client" "$probe" "$azurite_bin"; do
    [[ -x "$bin" ]] || { echo "mount_bench: $bin not found (build targets azblobfs client_bench mount_probe; npm ci)" >&2; exit 2; }
done
for cmd in rclone gnuplot python3 curl fusermount3; do
    command -v "$cmd" >/dev/null || { echo "mount_bench: $cmd is not installed" >&2; exit 2; }
done
[[ "$mode" == container || "$mode" == account ]] || { echo "mount_bench: MODE must be container or account" >&2; exit 2; }
if [[ -z "${TOOLS:-}" ]]; then
    TOOLS="azblobfs rclone raw"
    if ! "$azblobfs" --help 2>/dev/null | grep -qE '^ +mount +'; then
        echo "mount_bench: $azblobfs has no mount subcommand yet; measuring rclone and raw HTTP only" >&2
        TOOLS="rclone raw"
    fi
fi
read -r -a tools <<<"$TOOLS"
# azblobfs must see exactly the flags below, not an account from the caller's environment.
unset AZURE_STORAGE_CONNECTION_STRING AZURE_STORAGE_ACCOUNT AZURE_STORAGE_KEY AZURE_STORAGE_SAS_TOKEN

work="$(mktemp -d /tmp/mount-bench.XXXXXX)"
mkdir -p "$work/logs" "$work/mnt" "$work/cache" "$work/res" "$work/lists"
# shellcheck source=bench/mount_bench_lib.sh
source "$here/mount_bench_lib.sh"

install_exit_trap mount_bench

# --- data set and peers ---------------------------------------------------------------------
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
start_azurite
endpoint="http://127.0.0.1:$port/$account"
cs="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$dev_key;BlobEndpoint=$endpoint;"
echo "mount_bench: $(date +%T) Azurite on 127.0.0.1:$port; loading 256 MiB + 10,000 small files + 200 images of 4 MiB" >&2
load_start=$(now)
"$client" --connection-string "$cs" load-mount-data
echo "mount_bench: loaded in $(awk -v s="$load_start" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }') s" >&2
"$client" names small >"$work/lists/small.txt"
"$client" names images >"$work/lists/images.txt"

# rclone 1.60 ignores use_emulator, but takes an account SAS URL (path-style, http) as is.
sas="$("$azblobfs" --blob-endpoint "$endpoint" sas --hours 6)"
rclone_conf="$work/rclone.conf"
(umask 077 && printf '[az]\ntype = azureblob\nsas_url = %s?%s\n' "$endpoint" "$sas" >"$rclone_conf")

for tool in "${tools[@]}"; do
    [[ "$tool" == raw ]] && continue
    paths_under "$work/mnt/$tool" "$work/lists/small.txt" >"$work/lists/$tool-small.txt"
    paths_under "$work/mnt/$tool" "$work/lists/images.txt" >"$work/lists/$tool-images.txt"
done

# --- workloads: each appends one value per run to $work/res/TOOL.ROW ---------------------------

# Prints the seconds `ls -l DIR` takes; dies unless it printed the 10,000 entries.
time_ls() {
    local dir="$1" start end lines
    start=$(now)
    ls -l "$dir" >"$work/ls.out"
    end=$(now)
    lines=$(wc -l <"$work/ls.out")
    [[ "$lines" == 10001 ]] || die "ls -l $dir printed $lines lines, expected 10,001"
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}

fresh_cache() { rm -rf "$work/cache/$1"; mkdir -p "$work/cache/$1"; echo "$work/cache/$1"; }

# Untimed: a small file and a whole image read through the mount equal what the client reads.
check_tool() {
    local tool="$1" mp="$work/mnt/$1" cache name
    for name in smallfiles/dir10k/item-000010.json "$(head -n 1 "$work/lists/images.txt")"; do
        cache=$(fresh_cache "$tool")
        "mount_$tool" "${name%%/*}" "$mp" "$cache"
        cmp -s <("$azblobfs" --blob-endpoint "$endpoint" cat "$name") "$(path_in "$mp" "${name%%/*}" "${name#*/}")" ||
            die "$tool: $name read through the mount differs from the blob"
        "unmount_$tool" "$mp"
        rm -rf "$cache"
    done
}

# MB/s of one streaming GET of CONTAINER/BLOB with curl (SAS, no signing); dies on a short read.
curl_read() {
    local out code size seconds
    out=$(curl -sS -o /dev/null -w '%{http_code} %{size_download} %{time_total}' "$endpoint/$1?$sas")
    read -r code size seconds <<<"$out"
    [[ "$code" == 200 && "$size" == "$big_bytes" ]] || die "curl GET $1: HTTP $code, $size bytes"
    awk -v b="$size" -v t="$seconds" 'BEGIN { printf "%.3f\n", b / 1e6 / t }'
}

seq_once() {
    local tool="$1" run="$2" mp="$work/mnt/$1" cache file
    if [[ "$tool" == raw ]]; then
        curl_read seqread/big-256m.bin >>"$work/res/raw.seq_cold"
        curl_read seqread/big-256m.bin >>"$work/res/raw.seq_warm"
        "$client" --connection-string "$cs" read-blob seqread/big-256m.bin >>"$work/res/raw.seq_ranged"
        return
    fi
    cache=$(fresh_cache "$tool")
    "mount_$tool" seqread "$mp" "$cache"
    file=$(path_in "$mp" seqread big-256m.bin)
    "$probe" read "$file" "$big_bytes" >>"$work/res/$tool.seq_cold"
    "$probe" read "$file" "$big_bytes" >>"$work/res/$tool.seq_warm"
    "unmount_$tool" "$mp"
    [[ "$tool" == azblobfs && "$run" == 1 ]] && record_traffic "$cache" "cold + warm read of the 256 MiB blob"
    rm -rf "$cache"
}

# Status and size of the azblobfs cache dir (after unmount: status.json is written at exit).
record_azblobfs_cache() {
    local cache="$1" status="$1/status.json"
    {
        echo "azblobfs cache after the 10,000-entry listing (cold and warm ls -l, stat of every file, unmount):"
        echo
        echo "- cache dir: $(du -sh "$cache" | cut -f1) on disk, $(du -sh --apparent-size "$cache" | cut -f1) apparent"
        if [[ -s "$status" ]]; then
            echo "- status.json env: \`$(json_field "$status" env)\`"
            echo "- status.json index: \`$(json_field "$status" index)\`"
            echo "- status.json cache: \`$(json_field "$status" cache)\`"
        else
            echo "- status.json: missing in $cache"
        fi
    } >"$work/cache_report.md"
}

# Appends what azblobfs fetched from Azure during one measured mount (first run) to the report.
record_traffic() {
    local status="$1/status.json" what="$2"
    [[ -s "$status" ]] || { echo "- $what: status.json missing" >>"$work/traffic.md"; return 0; }
    python3 - "$status" "$what" >>"$work/traffic.md" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
c = s.get("cache", {})
r = s.get("requests", {})
kinds = ", ".join(f"{v} {k}" for k, v in r.items() if v and not k.startswith("bytes"))
print(f"- {sys.argv[2]}: {s.get('bytes_fetched', 0) / 1e6:.1f} MB fetched; requests: {kinds or 'none'}; "
      f"cache {c.get('blocks')} blocks, {c.get('used_bytes', 0) / 1e6:.1f} MB, "
      f"{c.get('hits')} hits, {c.get('misses')} misses")
PY
}

listing_once() {
    local tool="$1" run="$2" mp="$work/mnt/$1" cache dir r
    if [[ "$tool" == raw ]]; then
        for r in ls_cold ls_warm ls_remount; do
            "$client" --connection-string "$cs" --expect 10000 list-prefix smallfiles/dir10k/ >>"$work/res/raw.$r"
        done
        "$client" --connection-string "$cs" head-blobs "$work/lists/small.txt" >>"$work/res/raw.stat"
        return
    fi
    cache=$(fresh_cache "$tool")
    "mount_$tool" smallfiles "$mp" "$cache"
    dir=$(path_in "$mp" smallfiles dir10k)
    time_ls "$dir" >>"$work/res/$tool.ls_cold"
    time_ls "$dir" >>"$work/res/$tool.ls_warm"
    "$probe" stat "$work/lists/$tool-small.txt" >>"$work/res/$tool.stat"
    "unmount_$tool" "$mp"
    [[ "$tool" == azblobfs && "$run" == 1 ]] && record_azblobfs_cache "$cache"
    "mount_$tool" smallfiles "$mp" "$cache"
    time_ls "$dir" >>"$work/res/$tool.ls_remount"
    "unmount_$tool" "$mp"
    rm -rf "$cache"
}

heads_once() {
    local tool="$1" run="$2" mp="$work/mnt/$1" cache
    if [[ "$tool" == raw ]]; then
        "$client" --connection-string "$cs" read-heads "$work/lists/images.txt" "$head_bytes" >>"$work/res/raw.heads"
        return
    fi
    cache=$(fresh_cache "$tool")
    "mount_$tool" persona-images "$mp" "$cache"
    "$probe" head "$work/lists/$tool-images.txt" "$head_bytes" >>"$work/res/$tool.heads"
    "unmount_$tool" "$mp"
    [[ "$tool" == azblobfs && "$run" == 1 ]] && record_traffic "$cache" "first 64 KiB of 200 images of 2 MiB, a fresh process each"
    rm -rf "$cache"
}

for tool in "${tools[@]}"; do
    [[ "$tool" == raw ]] || check_tool "$tool"
done
for run in $(seq "$runs"); do
    echo "mount_bench: run $run of $runs" >&2
    for tool in "${tools[@]}"; do
        seq_once "$tool" "$run"
        listing_once "$tool" "$run"
        heads_once "$tool" "$run"
    done
done

# --- report ----------------------------------------------------------------------------------
source "$here/mount_bench_report.sh"
mkdir -p "$results"
write_report >"$results/mount_bench.md"
write_plot "$results/mount_bench.png"
cat "$results/mount_bench.md"
echo >&2
echo "mount_bench: wrote $results/mount_bench.md and $results/mount_bench.png" >&2
