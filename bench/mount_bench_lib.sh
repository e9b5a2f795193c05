# Helpers of bench/mount_bench.sh (sourced, not run): Azurite, mounting and unmounting the two
# filesystems, and clean-up. They use these variables of the caller: work, mode, endpoint,
# azblobfs, rclone_conf, azurite_bin.
#
# Invariant: every mount made here is under $work/mnt and is in /proc/mounts only between a
# mount_* call and the matching unmount_* call; cleanup_all removes whatever is left, lazily
# if nothing else works, so the script never leaves a mount behind.

now() { date +%s.%N; }

# Median of the numbers on stdin (the lower middle for an even count).
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "NaN" }'; }

# The commit the benchmarked checkout is at, noting uncommitted changes to tracked files.
source_revision() {
  local rev
  rev="$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if ! git -C "$here/.." diff --quiet HEAD 2>/dev/null; then rev="$rev (+ uncommitted changes)"; fi
  echo "$rev"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Compact JSON of the top-level field KEY of the JSON file FILE ("null" when absent).
json_field() {
    python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])).get(sys.argv[2]), separators=(",", ":")))' "$1" "$2"
}

# True while PID runs (a zombie, exited but not yet reaped, counts as gone).
alive() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
    [[ -n "$state" && "$state" != Z ]]
}

die() { echo "mount_bench: $*" >&2; exit 1; }

# Starts an in-memory Azurite on a free port; sets azurite_pid and port.
start_azurite() {
    port=$(free_port)
    (cd "$work" && exec "$azurite_bin" --blobHost 127.0.0.1 --blobPort "$port" --inMemoryPersistence \
        --skipApiVersionCheck --loose --silent >"$work/logs/azurite.log" 2>&1) &
    azurite_pid=$!
    for _ in $(seq 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        alive "$azurite_pid" || break
        sleep 0.1
    done
    cat "$work/logs/azurite.log" >&2
    die "Azurite did not start on port $port"
}

is_mounted() { awk -v mp="$1" '$2 == mp { found = 1 } END { exit !found }' /proc/mounts; }

# Path of CONTAINER/NAME under mountpoint MP, in the mount mode of this run.
path_in() {
    local mp="$1" container="$2" name="$3"
    if [[ "$mode" == container ]]; then echo "$mp/$name"; else echo "$mp/$container/$name"; fi
}

# Rewrites "container/blob" lines of LIST into paths under MP.
paths_under() {
    local mp="$1" list="$2"
    if [[ "$mode" == container ]]; then sed "s|^[^/]*/|$mp/|" "$list"; else sed "s|^|$mp/|" "$list"; fi
}

# Unmounts MP by every means there is, the last one lazy; never fails.
force_unmount() {
    local mp="$1"
    is_mounted "$mp" || return 0
    fusermount3 -u "$mp" 2>/dev/null || fusermount -u "$mp" 2>/dev/null || umount "$mp" 2>/dev/null ||
        umount -l "$mp" 2>/dev/null || true
}

mount_seq=0

# mount_azblobfs CONTAINER MP CACHE_DIR: azblobfs with default options; it daemonises once mounted.
mount_azblobfs() {
    local container="$1" mp="$2" cache="$3" log
    mount_seq=$((mount_seq + 1))
    log="$work/logs/azblobfs-$mount_seq.log"
    local args=(mount "$mp" --cache-dir "$cache" --blob-endpoint "$endpoint" --log-file "$log")
    [[ "$mode" == container ]] && args+=(--container "$container")
    mkdir -p "$mp" "$cache"
    if ! "$azblobfs" "${args[@]}" >"$work/logs/azblobfs-$mount_seq.out" 2>&1 || ! is_mounted "$mp"; then
        cat "$work/logs/azblobfs-$mount_seq.out" >&2
        tail -n 20 "$log" >&2 2>/dev/null || true
        die "azblobfs mount $mp failed (log: $log)"
    fi
    grep " $mp fuse.azblobfs " /proc/mounts >/dev/null || die "$mp is mounted, but not as fuse.azblobfs"
}

unmount_azblobfs() {
    local mp="$1"
    "$azblobfs" unmount "$mp" >>"$work/logs/azblobfs-unmount.log" 2>&1 || {
        echo "mount_bench: azblobfs unmount $mp failed; forcing it" >&2
        force_unmount "$mp"
    }
    is_mounted "$mp" && die "$mp is still mounted after azblobfs unmount"
    return 0
}

rclone_pid=""

# mount_rclone CONTAINER MP CACHE_DIR: rclone mount with --vfs-cache-mode full, in the background.
mount_rclone() {
    local container="$1" mp="$2" cache="$3" remote=az:
    mount_seq=$((mount_seq + 1))
    [[ "$mode" == container ]] && remote="az:$container"
    mkdir -p "$mp" "$cache"
    rclone --config "$rclone_conf" mount "$remote" "$mp" --cache-dir "$cache" --vfs-cache-mode full \
        --log-file "$work/logs/rclone-$mount_seq.log" &
    rclone_pid=$!
    for _ in $(seq 300); do
        is_mounted "$mp" && return 0
        alive "$rclone_pid" || break
        sleep 0.1
    done
    tail -n 20 "$work/logs/rclone-$mount_seq.log" >&2
    die "rclone mount $remote on $mp failed"
}

unmount_rclone() {
    local mp="$1"
    fusermount -u "$mp" 2>/dev/null || fusermount3 -u "$mp" 2>/dev/null || force_unmount "$mp"
    if [[ -n "$rclone_pid" ]]; then wait "$rclone_pid" 2>/dev/null || true; fi
    rclone_pid=""
    is_mounted "$mp" && die "$mp is still mounted after unmounting rclone"
    return 0
}

# Sends SIGTERM to PID (a child of this shell), SIGKILL if it is still there after 5 s, and
# reaps it. Azurite's graceful shutdown sometimes never ends (its SIGTERM handler runs once).
stop_process() {
    local pid="$1"
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        alive "$pid" || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Unmounts everything under $work/mnt, ends the mount processes this script started and Azurite.
cleanup_all() {
    local mp pid status
    for mp in $(awk -v top="$work/mnt/" 'index($2, top) == 1 { print $2 }' /proc/mounts 2>/dev/null); do
        echo "mount_bench: cleaning up mount $mp" >&2
        if [[ "$mp" == */azblobfs ]]; then
            timeout 30 "$azblobfs" unmount "$mp" >>"$work/logs/azblobfs-unmount.log" 2>&1 ||
                echo "mount_bench: azblobfs unmount $mp failed (exit $?); forcing it" >&2
        fi
        force_unmount "$mp"
    done
    if [[ -n "$rclone_pid" ]]; then stop_process "$rclone_pid"; fi
    for status in "$work"/cache/*/status.json; do
        [[ -s "$status" ]] || continue
        pid=$(json_field "$status" pid 2>/dev/null)
        if [[ "$pid" =~ ^[0-9]+$ ]] && grep -q azblobfs "/proc/$pid/cmdline" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
        fi
    done
    if [[ -n "${azurite_pid:-}" ]]; then stop_process "$azurite_pid"; fi
    return 0
}

# Exit trap of a benchmark script: cleans up, then deletes $work unless something is still
# mounted under it, KEEP_WORK=1, the script failed, or `keep_also` (a file) is non-empty.
#   install_exit_trap NAME [KEEP_ALSO_FILE]
install_exit_trap() {
    bench_name="$1"
    bench_keep_also="${2:-}"
    trap finish_work EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

finish_work() {
    local rc=$?
    set +e
    cleanup_all
    if awk -v top="$work/" 'index($2, top) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
        echo "$bench_name: something is still mounted under $work; not deleting it" >&2
    elif [[ "${KEEP_WORK:-0}" == 1 || $rc != 0 || ( -n "$bench_keep_also" && -s "$bench_keep_also" ) ]]; then
        echo "$bench_name: work directory (logs) kept in $work" >&2
    else
        rm -rf "$work"
    fi
    exit "$rc"
}
