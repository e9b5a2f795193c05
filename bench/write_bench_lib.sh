# Helpers of bench/write_bench.sh (sourced after bench/mount_bench_lib.sh, not run): the place
# each workload writes to, waiting for commits in Azurite, and recording failures. They use the
# caller's variables work, endpoint, sas, azblobfs, rclone_conf, commit_timeout, and set or read
# the context of the workload being measured: tool, wl (workload), run, container, dir, mp,
# cache, log.
#
# Invariant: a workload runs in a subshell of its own; any failure inside it goes through
# `fail`, which appends the details to $work/failures.md and exits that subshell only. The
# driver then calls recover_target, so a failed run never leaves a mount or container behind.

die() { echo "write_bench: $*" >&2; exit 1; }

az() { "$azblobfs" --blob-endpoint "$endpoint" "$@"; }

# Value formatting: RATE of N units between START and END (seconds since the epoch); seconds.
rate() { awk -v n="$1" -v s="$2" -v e="$3" 'BEGIN { printf "%.3f\n", n / (e - s) }'; }
elapsed() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.3f\n", e - s }'; }

# Records the failure of the current workload (message, stderr of the failed command when
# there is one, the end of the mount's log) in $work/failures.md and exits the subshell.
fail() {
    {
        echo "### $tool, $wl, run $run"
        echo
        echo "$1"
        if [[ -n "${2:-}" && -s "$2" ]]; then
            echo; echo "stderr:"; echo; echo '```'; tail -n 20 "$2"; echo '```'
        fi
        if [[ "$tool" == azblobfs* || "$tool" == rclone ]] && [[ -s "${log:-}" ]]; then
            echo; echo "last warnings and errors of the mount log \`$log\`:"; echo; echo '```'
            grep -vE ' (debug|trace|info) |DEBUG|INFO' "$log" | tail -n 30; echo '```'
        fi
        echo
    } >>"$work/failures.md"
    echo "write_bench: FAILED: $tool $wl run $run: $1" >&2
    exit 1
}

# checked CMD...: runs CMD (stdout passes through); when it fails, `fail` with its exit status
# and stderr (which names the errno, e.g. "dd: error writing ...: Input/output error").
checked() {
    local rc=0 err="$work/stderr.$BASHPID"
    "$@" 2>"$err" || rc=$?
    if ((rc != 0)); then fail "\`$(printf '%q ' "$@")\` exited with status $rc" "$err"; fi
    cat "$err" >&2
    rm -f "$err"
}

container_name() { echo "w$3-$1-$2"; }   # WORKLOAD TOOL RUN: lowercase, digits, hyphens

# mount_w_azblobfs CONTAINER MP CACHE LOG [FLAGS...]: azblobfs with its default write options
# (plus FLAGS).
mount_w_azblobfs() {
    local out="$4.out"
    mkdir -p "$2" "$3"
    if ! "$azblobfs" mount "$2" --container "$1" --cache-dir "$3" --blob-endpoint "$endpoint" \
        --log-file "$4" "${@:5}" >"$out" 2>&1 || ! is_mounted "$2"; then
        fail "\`azblobfs mount $2 --container $1 ${*:5}\` failed" "$out"
    fi
}

# mount_w_azblobfs-local: azblobfs with --fsync local (fsync waits for the local disk only).
mount_w_azblobfs-local() { mount_w_azblobfs "$@" --fsync local; }

# mount_w_rclone CONTAINER MP CACHE LOG: rclone mount --vfs-cache-mode writes, in the background.
mount_w_rclone() {
    mkdir -p "$2" "$3"
    rclone --config "$rclone_conf" mount "az:$1" "$2" --cache-dir "$3" --vfs-cache-mode writes \
        --log-file "$4" &
    rclone_pid=$!
    for _ in $(seq 300); do
        is_mounted "$2" && return 0
        alive "$rclone_pid" || break
        sleep 0.1
    done
    fail "rclone mount az:$1 on $2 failed"
}

delete_container() {
    curl -sS -m 60 -o /dev/null -X DELETE "$endpoint/$1?restype=container&$sas" || true
}

# open_target TOOL WORKLOAD RUN: sets the context and an empty place to write: $dir (a fresh
# directory for local, the root of a fresh mount of a new container for the mounts, empty for
# raw, which PUTs to the new container $container).
open_target() {
    tool="$1" wl="$2" run="$3"
    container=$(container_name "$wl" "$tool" "$run")
    mp="$work/mnt/$tool" cache="$work/cache/$tool" log="$work/logs/$tool-$wl-$run.log"
    case "$tool" in
        local)
            dir="$work/local/$wl"
            rm -rf "$dir" && mkdir -p "$dir" ;;
        raw)
            dir=""
            checked az mb "$container" >/dev/null ;;
        azblobfs | azblobfs-local | rclone)
            checked az mb "$container" >/dev/null
            rm -rf "$cache"
            "mount_w_$tool" "$container" "$mp" "$cache" "$log"
            dir="$mp" ;;
    esac
}

# Unmounts (azblobfs unmount waits for every upload) and deletes what open_target made.
close_target() {
    case "$tool" in
        local) rm -rf "$dir" ;;
        raw) delete_container "$container" ;;
        azblobfs | azblobfs-local)
            checked "$azblobfs" unmount "$mp" >/dev/null
            is_mounted "$mp" && fail "$mp is still mounted after azblobfs unmount"
            rm -rf "$cache"
            delete_container "$container" ;;
        rclone)
            unmount_rclone "$mp"
            rm -rf "$cache"
            delete_container "$container" ;;
    esac
}

# After a failed workload (in the parent shell): unmounts by every means and deletes the container.
recover_target() {
    local tool="$1" wl="$2" run="$3" mp="$work/mnt/$1"
    if is_mounted "$mp"; then
        [[ "$tool" == azblobfs* ]] && timeout 60 "$azblobfs" unmount "$mp" >/dev/null 2>&1
        force_unmount "$mp"
    fi
    [[ "$tool" == local ]] || delete_container "$(container_name "$wl" "$tool" "$run")"
    rm -rf "$work/cache/$tool" "$work/local/$wl"
}

# listed_all CONTAINER EXPECTED: true when every "name size" line of EXPECTED (sorted) is a
# blob of CONTAINER with that size.
listed_all() {
    local listed="$work/listed.$BASHPID" missing
    az ls -l -r "$1" 2>/dev/null | awk 'NF >= 3 { print $3, $1 }' | sort >"$listed" || return 1
    missing=$(comm -23 "$2" "$listed" | wc -l)
    rm -f "$listed"
    ((missing == 0))
}

# wait_for WHAT CMD...: polls CMD every 0.2 s until it succeeds and prints the time it first
# succeeded (its return, so a poll's own duration counts against the peer); fails after
# $commit_timeout seconds.
wait_for() {
    local what="$1" deadline
    shift
    deadline=$(awk -v n="$(now)" -v t="$commit_timeout" 'BEGIN { printf "%.0f", n + t }')
    while :; do
        if "$@"; then now; return 0; fi
        (($(date +%s) < deadline)) || fail "not committed after $commit_timeout s: $what"
        sleep 0.2
    done
}

# Prints the time the blobs of EXPECTED are all in $container (for local: the time `sync -f`
# of $dir returned, i.e. the data is on the local disk).
committed_at() {
    local expected="$1"
    if [[ "$tool" == local ]]; then
        checked sync -f "$dir"
        now
    else
        wait_for "$(wc -l <"$expected") blobs of $expected in container $container" \
            listed_all "$container" "$expected"
    fi
}

# curl_puts CONFIG COUNT: runs the PUTs of a curl config file, 8 in flight; fails unless all
# COUNT answered 201.
curl_puts() {
    local ok
    ok=$(curl -s -m 600 --parallel --parallel-max 8 -H 'x-ms-blob-type: BlockBlob' -H 'Expect:' \
        -w '%{http_code}\n' -K "$1" 2>/dev/null | grep -c '^201$' || true)
    [[ "$ok" == "$2" ]] || fail "curl: $ok of $2 PUTs answered 201"
}

# put_config LIST SRC_DIR: a curl config uploading each "name size" of LIST from SRC_DIR/name
# (or from the single file SRC_DIR when it is a file) to $container.
put_config() {
    local list="$1" src="$2" name size
    while read -r name size; do
        if [[ -f "$src" ]]; then
            printf 'upload-file = "%s"\n' "$src"
        else
            printf 'upload-file = "%s/%s"\n' "$src" "$name"
        fi
        printf 'url = "%s/%s/%s?%s"\noutput = "/dev/null"\n' "$endpoint" "$container" "$name" "$sas"
    done <"$list"
}
