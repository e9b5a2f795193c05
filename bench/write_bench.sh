#!/usr/bin/env bash
# Benchmarks WRITES through the azblobfs mount against rclone mount (--vfs-cache-mode writes),
# local disk (a directory under /tmp) and raw HTTP PUTs (curl, 8 in flight), on one in-memory
# Azurite of its own, in the same run, and prints one Markdown table of medians.
#
#   bench/write_bench.sh [AZBLOBFS]         (default: build/azblobfs; pass a private copy, e.g.
#                                            /tmp/bench-azblobfs, when build/ is being rebuilt)
#   RUNS=3              runs per workload (the median is reported)
#   TOOLS="azblobfs azblobfs-local rclone local raw"   peers to measure (azblobfs-local:
#                       azblobfs with --fsync local, measured on the SQLite rows only)
#   WORKLOADS="seq files sqlite untar"   workloads to run
#   SEQ_MIB=256         size of the sequential write
#   FILES=10000         files created in the small-file workload ...
#   FILE_KIB=10         ... of this size
#   SQL_TX=300          SQLite transactions (one INSERT each) ...
#   SQL_MODES="delete truncate persist wal"   ... in each of these journal modes
#   UNTAR_FILES=2000    files of /usr/include in the tarball
#   COMMIT_TIMEOUT=300  seconds to wait for a workload's blobs to appear in Azurite
#   KEEP_WORK=1         keep the temporary directory (logs) after the run
#
# Writes bench/results/write_bench.md. See bench/README.md ("Write benchmark").
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C

here="$(cd "$(dirname "$0")" && pwd)"
azblobfs="$(realpath "${1:-$here/../build/azblobfs}")"
runs="${RUNS:-3}"
read -r -a tools <<<"${TOOLS:-azblobfs azblobfs-local rclone local raw}"
read -r -a workloads <<<"${WORKLOADS:-seq files sqlite untar}"
read -r -a sql_modes <<<"${SQL_MODES:-delete truncate persist wal}"
seq_bytes=$((${SEQ_MIB:-256} * 1024 * 1024))
seq_mb=$(awk -v b="$seq_bytes" 'BEGIN { print b / 1e6 }')
nfiles="${FILES:-10000}"
file_bytes=$((${FILE_KIB:-10} * 1024))
sql_tx="${SQL_TX:-300}"
untar_files="${UNTAR_FILES:-2000}"
commit_timeout="${COMMIT_TIMEOUT:-300}"
azurite_bin="$here/../node_modules/.bin/azurite-blob"
results="$here/results"
account=devstoreaccount1
mode=container

[[ -x "$azblobfs" && -x "$azurite_bin" ]] || { echo "write_bench: need $azblobfs and $azurite_bin (npm ci)" >&2; exit 2; }
for cmd in rclone sqlite3 python3 curl tar dd fusermount3; do
    command -v "$cmd" >/dev/null || { echo "write_bench: $cmd is not installed" >&2; exit 2; }
done
unset AZURE_STORAGE_CONNECTION_STRING AZURE_STORAGE_ACCOUNT AZURE_STORAGE_KEY AZURE_STORAGE_SAS_TOKEN

work="$(mktemp -d /tmp/write-bench.XXXXXX)"
mkdir -p "$work/logs" "$work/mnt" "$work/cache" "$work/res" "$work/src" "$work/local"
# shellcheck source=bench/mount_bench_lib.sh
source "$here/mount_bench_lib.sh"
# shellcheck source=bench/write_bench_lib.sh
source "$here/write_bench_lib.sh"

install_exit_trap write_bench "$work/failures.md"

# --- inputs, made once (untimed) --------------------------------------------------------------
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
head -c "$seq_bytes" /dev/urandom >"$work/src/seq.bin"
echo "seq.bin $seq_bytes" >"$work/src/seq.list"
head -c "$file_bytes" /dev/urandom >"$work/src/small.bin"
for ((i = 0; i < nfiles; i++)); do printf 'files/file-%06d.bin %d\n' "$i" "$file_bytes"; done |
    sort >"$work/src/files.list"
# The tarball: the first UNTAR_FILES regular files of /usr/include (names safe in URLs).
(cd /usr && find include -type f | grep -E '^[A-Za-z0-9._+/-]+$' | sort | awk -v n="$untar_files" 'NR <= n') >"$work/src/tree.names"
[[ $(wc -l <"$work/src/tree.names") == "$untar_files" ]] || die "/usr/include has fewer than $untar_files files"
tar cf "$work/src/tree.tar" -C /usr -T "$work/src/tree.names"
mkdir -p "$work/src/tree" && tar xf "$work/src/tree.tar" -C "$work/src/tree"
(cd "$work/src/tree" && xargs stat -c '%n %s' <"$work/src/tree.names") | sort >"$work/src/tree.list"
tree_dirs=$(xargs -n 1 dirname <"$work/src/tree.names" | sort -u | wc -l)
tree_mib=$(du -sm --apparent-size "$work/src/tree" | cut -f1)
for mode in "${sql_modes[@]}"; do
    {
        echo "PRAGMA journal_mode=$mode;"
        for ((i = 1; i <= sql_tx; i++)); do
            echo "INSERT INTO t(v) VALUES('transaction $i: $(printf '%064d' "$i")');"
        done
    } >"$work/src/inserts-$mode.sql"
done

rclone_conf="$work/rclone.conf"
echo "write_bench: $(date +%T) tools: ${tools[*]}; $runs runs" >&2

# A fresh Azurite for every round (one workload of one run, all peers): Azurite's extent GC
# first runs 10 minutes after start and then blocks its event loop for minutes (it stopped
# answering for over 5 minutes once 1.5 GB had been written and deleted), so no Azurite may
# live that long. Sets port, endpoint, sas and the rclone config.
start_round() {
    start_azurite
    endpoint="http://127.0.0.1:$port/$account"
    sas="$(az sas --hours 6)"
    (umask 077 && printf '[az]\ntype = azureblob\nsas_url = %s?%s\n' "$endpoint" "$sas" >"$rclone_conf")
}

stop_round() {
    stop_process "$azurite_pid"
    azurite_pid=""
}

# --- workloads: each appends one value per run to $work/res/TOOL.ROW ---------------------------

# Sequential write of seq.bin with dd, 1 MiB writes, fsync before dd exits: MB/s.
seq_once() {
    local start end commit
    open_target "$1" seq "$2"
    if [[ "$tool" == raw ]]; then
        put_config "$work/src/seq.list" "$work/src/seq.bin" >"$work/seq.cfg"
        start=$(now); curl_puts "$work/seq.cfg" 1; end=$(now); commit=$end
        staged_upload_rate >>"$work/res/raw.seq_blocks"
    else
        start=$(now)
        checked dd if="$work/src/seq.bin" of="$dir/seq.bin" bs=1M conv=fsync status=none
        end=$(now)
        if [[ "$tool" == local ]]; then commit=$end; else commit=$(committed_at "$work/src/seq.list"); fi
    fi
    [[ "$tool" == local ]] || cmp -s <(az cat "$container/seq.bin") "$work/src/seq.bin" ||
        fail "the committed blob $container/seq.bin differs from what was written"
    rate "$seq_mb" "$start" "$end" >>"$work/res/$tool.seq_app"
    rate "$seq_mb" "$start" "$commit" >>"$work/res/$tool.seq_commit"
    [[ "$tool" != azblobfs ]] || rate "$seq_mb" "$start" "$commit" >>"$work/res/$tool.seq_blocks"
    close_target
}

# seq.bin uploaded by curl the way azblobfs stages a new large file: Put Block of 4 MiB
# (16 cache blocks of 262,128 bytes), 8 in flight, then Put Block List; prints MB/s.
staged_upload_rate() {
    local start end
    python3 - "$work/src/seq.bin" "$work/seq-blocks" "$endpoint/$container/seq-staged.bin" "$sas" <<'PY'
import base64, os, sys, urllib.parse
src, out, url, sas = sys.argv[1:]
os.makedirs(out, exist_ok=True)
size, step = os.path.getsize(src), 16 * 262128
ids = []
with open(src, "rb") as f, open(out + "/put.cfg", "w") as cfg:
    for i in range((size + step - 1) // step):
        block = base64.b64encode(b"block-%08d" % i).decode()
        ids.append(block)
        with open("%s/%d" % (out, i), "wb") as part:
            part.write(f.read(step))
        cfg.write('upload-file = "%s/%d"\nurl = "%s?comp=block&blockid=%s&%s"\noutput = "/dev/null"\n'
                  % (out, i, url, urllib.parse.quote(block, safe=""), sas))
with open(out + "/list.xml", "w") as x:
    x.write('<?xml version="1.0" encoding="utf-8"?><BlockList>%s</BlockList>'
            % "".join("<Latest>%s</Latest>" % b for b in ids))
with open(out + "/count", "w") as c:
    c.write(str(len(ids)))
PY
    start=$(now)
    ok=$(curl -s -m 600 --parallel --parallel-max 8 -H 'Expect:' -w '%{http_code}\n' -K "$work/seq-blocks/put.cfg" \
        2>/dev/null | grep -c '^201$' || true)
    [[ "$ok" == "$(cat "$work/seq-blocks/count")" ]] || fail "curl: $ok Put Block answered 201"
    ok=$(curl -s -m 600 -X PUT -H 'Expect:' --data-binary @"$work/seq-blocks/list.xml" -o /dev/null \
        -w '%{http_code}' "$endpoint/$container/seq-staged.bin?comp=blocklist&$sas")
    end=$(now)
    [[ "$ok" == 201 ]] || fail "curl: Put Block List answered $ok"
    rm -rf "$work/seq-blocks"
    rate "$seq_mb" "$start" "$end"
}

# FILES files of FILE_KIB KiB created one after the other by one process: files/s.
files_once() {
    local start end commit out
    open_target "$1" files "$2"
    if [[ "$tool" == raw ]]; then
        put_config "$work/src/files.list" "$work/src/small.bin" >"$work/files.cfg"
        start=$(now); curl_puts "$work/files.cfg" "$nfiles"; end=$(now); commit=$end
    else
        checked mkdir "$dir/files"
        out=$(checked python3 "$here/write_files.py" "$dir/files" "$nfiles" "$file_bytes")
        read -r start end <<<"$out"
        commit=$(committed_at "$work/src/files.list")
    fi
    rate "$nfiles" "$start" "$end" >>"$work/res/$tool.files_app"
    rate "$nfiles" "$start" "$commit" >>"$work/res/$tool.files_commit"
    close_target
}

# True when the committed blob db-$mode.sqlite holds all SQL_TX rows (checked on a downloaded copy).
db_committed() {
    az cat "$container/db-$mode.sqlite" >"$work/db.copy" 2>/dev/null &&
        [[ "$(sqlite3 "$work/db.copy" 'SELECT count(*) FROM t' 2>/dev/null)" == "$sql_tx" ]]
}

# For each journal mode: SQL_TX transactions of one INSERT each (sqlite3 CLI): transactions/s.
sqlite_once() {
    local start end commit out
    open_target "$1" sqlite "$2"
    for mode in "${sql_modes[@]}"; do
        checked sqlite3 "$dir/db-$mode.sqlite" 'CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)'
        start=$(now)
        out=$(checked sqlite3 "$dir/db-$mode.sqlite" <"$work/src/inserts-$mode.sql")
        end=$(now)
        [[ "$out" == "$mode" ]] || fail "PRAGMA journal_mode=$mode answered '$out'"
        out=$(checked sqlite3 "$dir/db-$mode.sqlite" 'PRAGMA integrity_check; SELECT count(*) FROM t')
        [[ "$out" == "ok"$'\n'"$sql_tx" ]] || fail "the $mode database on the target reads back '$out'"
        if [[ "$tool" == local ]]; then
            commit=$end
        else
            commit=$(wait_for "$container/db-$mode.sqlite with $sql_tx rows" db_committed)
        fi
        rate "$sql_tx" "$start" "$end" >>"$work/res/$tool.sqlite_${mode}_app"
        rate "$sql_tx" "$start" "$commit" >>"$work/res/$tool.sqlite_${mode}_commit"
    done
    close_target
}

# tar xf of the tarball, then sync: seconds.
untar_once() {
    local start end commit
    open_target "$1" untar "$2"
    if [[ "$tool" == raw ]]; then
        put_config "$work/src/tree.list" "$work/src/tree" >"$work/tree.cfg"
        start=$(now); curl_puts "$work/tree.cfg" "$untar_files"; end=$(now); commit=$end
    else
        start=$(now)
        checked tar xf "$work/src/tree.tar" -C "$dir"
        checked sync
        end=$(now)
        if [[ "$tool" == local ]]; then commit=$end; else commit=$(committed_at "$work/src/tree.list"); fi
    fi
    elapsed "$start" "$end" >>"$work/res/$tool.untar_app"
    elapsed "$start" "$commit" >>"$work/res/$tool.untar_commit"
    close_target
}

# Runs one workload in a subshell; a failure is recorded (failures.md) and cleaned up, and
# the benchmark goes on with the next one.
measure() {
    local wl="$1" tool="$2" run="$3" rc=0
    [[ "$wl" == sqlite && "$tool" == raw ]] && return 0
    [[ "$wl" != sqlite && "$tool" == azblobfs-local ]] && return 0
    echo "write_bench: $(date +%T) run $run: $wl on $tool" >&2
    set +e
    (
        set -e
        "${wl}_once" "$tool" "$run"
    )
    rc=$?
    set -e
    if ((rc != 0)); then
        echo "write_bench: $wl on $tool failed in run $run (exit $rc); cleaning up and going on" >&2
        echo "$run" >>"$work/res/$tool.${wl}_failed"
        recover_target "$tool" "$wl" "$run"
    fi
}

for run in $(seq "$runs"); do
    for wl in "${workloads[@]}"; do
        start_round
        for tool in "${tools[@]}"; do
            measure "$wl" "$tool" "$run"
        done
        stop_round
    done
done

# --- report ----------------------------------------------------------------------------------
# shellcheck source=bench/write_bench_report.sh
source "$here/write_bench_report.sh"
mkdir -p "$results"
write_report >"$results/write_bench.md"
cat "$results/write_bench.md"
echo >&2
echo "write_bench: wrote $results/write_bench.md" >&2
