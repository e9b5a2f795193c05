#!/usr/bin/env bash
# Benchmarks the azblobfs Azure client against plain curl on one in-memory Azurite, and prints
# one Markdown table of medians over RUNS runs (default 5).
#
#   bench/client_bench.sh [path/to/client_bench]
#
# Workloads: (a) read one 256 MiB blob by 8 MiB ranged GETs, 8 in flight (MB/s);
# (b) 1,000 PUTs of 10 KiB, sequential on one connection and 8 in parallel (ops/s);
# (c) list 10,000 blobs in 2 pages (seconds). curl authenticates with an account SAS printed by
# client_bench --print-sas, so it needs no signing. Ratio: client speed / curl speed (> 1: the
# client is faster; for the listing, curl seconds / client seconds).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
bench_bin="${1:-$here/../build/bench/client_bench}"
azurite="$here/../node_modules/.bin/azurite-blob"
runs="${RUNS:-5}"
account=devstoreaccount1
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

[[ -x "$bench_bin" ]] || { echo "client_bench not found at $bench_bin (build target client_bench)" >&2; exit 2; }
[[ -x "$azurite" ]] || { echo "azurite-blob not found at $azurite (run npm ci)" >&2; exit 2; }

work="$(mktemp -d)"
azurite_pid=""
cleanup() {
    if [[ -n "$azurite_pid" ]]; then kill "$azurite_pid" 2>/dev/null || true; wait "$azurite_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
(cd "$work" && exec "$azurite" --blobHost 127.0.0.1 --blobPort "$port" --inMemoryPersistence \
    --skipApiVersionCheck --loose --silent >"$work/azurite.log" 2>&1) &
azurite_pid=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
endpoint="http://127.0.0.1:$port/$account"
export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=$endpoint;"

"$bench_bin" setup
sas="$("$bench_bin" --print-sas)"

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }

# (a) ranged GETs of the 256 MiB blob, 8 MiB each, 8 in flight; checks the byte count.
curl_read() {
    local size=$((256 * 1024 * 1024)) range=$((8 * 1024 * 1024)) args=() first=1
    for ((off = 0; off < size; off += range)); do
        ((first)) || args+=(--next)
        first=0
        args+=(-s -o /dev/null -w '%{size_download}\n' -r "$off-$((off + range - 1))" "$endpoint/bench/big-256m?$sas")
    done
    local start end bytes
    start=$(now)
    bytes=$(curl -s --parallel --parallel-max 8 "${args[@]}" | awk '{ s += $1 } END { print s }')
    end=$(now)
    [[ "$bytes" == "$size" ]] || { echo "curl read $bytes bytes, expected $size" >&2; exit 1; }
    awk -v b="$bytes" -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", b / 1e6 / (e - s) }'
}

# (b) 1,000 PUTs of 10 KiB from one curl process (keep-alive), sequential or 8 in parallel.
curl_puts() {
    local tag="$1" parallel="$2" config="$work/puts.cfg"
    head -c 10240 /dev/urandom >"$work/small.bin"
    : >"$config"
    for i in $(seq -w 0 999); do
        printf 'upload-file = "%s"\nurl = "%s"\noutput = "/dev/null"\n' \
            "$work/small.bin" "$endpoint/small/curl-$tag-$i?$sas" >>"$config"
    done
    local start end ok extra=()
    [[ "$parallel" == 1 ]] || extra=(--parallel --parallel-max "$parallel")
    start=$(now)
    ok=$(curl -s "${extra[@]}" -H 'x-ms-blob-type: BlockBlob' -H 'Expect:' -w '%{http_code}\n' -K "$config" 2>/dev/null | grep -c '^201$' || true)
    end=$(now)
    [[ "$ok" == 1000 ]] || { echo "curl: $ok of 1000 PUTs answered 201" >&2; exit 1; }
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", 1000 / (e - s) }'
}

# (c) List Blobs with the marker loop, 5,000 per page; counts the names after the clock stops.
curl_list() {
    local marker="" page=0 start end names
    start=$(now)
    while :; do
        page=$((page + 1))
        curl -s -o "$work/page-$page.xml" -G "$endpoint/listing?restype=container&comp=list&maxresults=5000&$sas" \
            --data-urlencode "marker=$marker"
        marker=$(grep -o '<NextMarker>[^<]*' "$work/page-$page.xml" | cut -d'>' -f2 || true)
        [[ -n "$marker" ]] || break
    done
    end=$(now)
    names=$(cat "$work"/page-*.xml | grep -o '<Name>' | wc -l)
    rm -f "$work"/page-*.xml
    [[ "$names" == 10000 ]] || { echo "curl listed $names blobs, expected 10000" >&2; exit 1; }
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}

client_read=$("$bench_bin" --runs "$runs" read | median)
curl_read_m=$(for _ in $(seq "$runs"); do curl_read; done | median)
client_seq=$("$bench_bin" --runs "$runs" put-seq | median)
curl_seq=$(for r in $(seq "$runs"); do curl_puts "seq$r" 1; done | median)
client_par=$("$bench_bin" --runs "$runs" put-par | median)
curl_par=$(for r in $(seq "$runs"); do curl_puts "par$r" 8; done | median)
client_list=$("$bench_bin" --runs "$runs" list | median)
curl_list_m=$(for _ in $(seq "$runs"); do curl_list; done | median)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "client benchmark: nproc $(nproc), Azurite $("$azurite" --version 2>/dev/null | tail -1) (in memory), $(curl --version | head -1 | cut -d' ' -f1-2), medians of $runs runs"
echo
echo "| workload | azblobfs client (median) | curl (median) | ratio |"
echo "|---|---|---|---|"
echo "| (a) read 256 MiB, 8 MiB ranges, 8 in flight | $client_read MB/s | $curl_read_m MB/s | $(ratio "$client_read" "$curl_read_m") |"
echo "| (b) 1,000 PUTs of 10 KiB, sequential | $client_seq ops/s | $curl_seq ops/s | $(ratio "$client_seq" "$curl_seq") |"
echo "| (b) 1,000 PUTs of 10 KiB, 8 in parallel | $client_par ops/s | $curl_par ops/s | $(ratio "$client_par" "$curl_par") |"
echo "| (c) list 10,000 blobs (2 pages) | $client_list s | $curl_list_m s | $(ratio "$curl_list_m" "$client_list") |"
