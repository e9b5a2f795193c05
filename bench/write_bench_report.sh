# Report of bench/write_bench.sh (sourced, not run): the Markdown table from the per-run values
# in $work/res/TOOL.ROW (one number per line) and the failures in $work/failures.md. Uses the
# caller's variables work, here, runs, tools, load_at_start, azurite_bin, seq_bytes, nfiles,
# file_bytes, sql_tx, untar_files, tree_dirs, tree_mib and the function median.

# key|workload|unit (units ending in /s are rates, higher is better; "s" is seconds, lower is better)
write_report_rows() {
    local mib=$((seq_bytes / 1048576)) kib=$((file_bytes / 1024))
    echo "seq_app|sequential write of $mib MiB + fsync (\`dd bs=1M conv=fsync\`), until dd returned|MB/s"
    echo "seq_commit|the same, until the blob is committed in Azurite (local: = dd, which fsync'd)|MB/s"
    echo "seq_blocks|the same, until committed; raw HTTP: staged as azblobfs stages it (Put Block of 4 MiB, 8 in flight, Put Block List)|MB/s"
    echo "files_app|create $nfiles files of $kib KiB (one process), until the last close() returned|files/s"
    echo "files_commit|the same, until all $nfiles blobs are committed (local: after \`sync -f\`)|files/s"
    local mode
    for mode in "${sql_modes[@]}"; do
        echo "sqlite_${mode}_app|SQLite: $sql_tx transactions of one INSERT, journal_mode=$mode (sqlite3 CLI)|tx/s"
        echo "sqlite_${mode}_commit|the same, until the blob db-$mode.sqlite holds all $sql_tx rows (local: fsync'd by SQLite)|tx/s"
    done
    echo "untar_app|\`tar xf\` of $untar_files files of /usr/include ($tree_dirs dirs, $tree_mib MiB), then \`sync\`|s"
    echo "untar_commit|the same, until all $untar_files blobs are committed (local: = tar + sync)|s"
}

# Median of TOOL's values for ROW, or NaN when there is none.
med() {
    local file="$work/res/$1.$2"
    if [[ -s "$file" ]]; then median <"$file"; else echo NaN; fi
}

# Runs of TOOL's WORKLOAD that failed.
failed_runs() {
    local file="$work/res/$1.$2_failed"
    if [[ -s "$file" ]]; then wc -l <"$file"; else echo 0; fi
}

# A cell: the median with its unit, "n/a" when not measured, the count of failed runs if any.
cell() {
    local tool="$1" key="$2" unit="$3" value failed text
    value=$(med "$tool" "$key")
    failed=$(failed_runs "$tool" "${key%_*}")
    if [[ "$value" == NaN ]]; then
        text="n/a"
    elif [[ "$unit" == s ]]; then
        text=$(printf '%.2f s' "$value")
    else
        text=$(printf '%.1f %s' "$value" "$unit")
    fi
    if ((failed > 0)); then
        [[ "$value" == NaN ]] && text="FAILED" || text="$text ($failed of $runs runs FAILED)"
    fi
    echo "$text"
}

# How much faster azblobfs is than the peer: > 1 means azblobfs is faster.
ratio() {
    local az="$1" peer="$2" unit="$3"
    awk -v a="$az" -v p="$peer" -v u="$unit" 'BEGIN {
        if (a == "NaN" || p == "NaN" || a + 0 == 0 || p + 0 == 0) { print "n/a"; exit }
        printf "%.2f\n", (u == "s") ? p / a : a / p }'
}

write_report() {
    local rev key label unit az
    rev="$(source_revision)"
    echo "# Write benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), Azurite $("$azurite_bin" --version 2>/dev/null | tail -n 1)" \
        "(in memory, one Node.js process, a fresh one for each workload of each run), $(rclone version 2>/dev/null | head -n 1) (--vfs-cache-mode writes)," \
        "azblobfs at $rev with its default write options, local disk: $(df -T "$work" | awk 'NR == 2 { print $2 }')" \
        "under $work, medians of $runs runs, peers: ${tools[*]}, load average $load_at_start at the start and" \
        "$(cut -d' ' -f1-3 /proc/loadavg) at the end."
    echo
    echo "| workload | unit | azblobfs | azblobfs --fsync local | rclone | local disk | raw HTTP | azblobfs/rclone | azblobfs --fsync local/rclone | azblobfs/local | azblobfs/raw |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    while IFS='|' read -r key label unit; do
        az=$(med azblobfs "$key")
        echo "| $label | $unit | $(cell azblobfs "$key" "$unit") | $(cell azblobfs-local "$key" "$unit") |" \
            "$(cell rclone "$key" "$unit") | $(cell local "$key" "$unit") | $(cell raw "$key" "$unit") |" \
            "$(ratio "$az" "$(med rclone "$key")" "$unit") | $(ratio "$(med azblobfs-local "$key")" "$(med rclone "$key")" "$unit") |" \
            "$(ratio "$az" "$(med local "$key")" "$unit") | $(ratio "$az" "$(med raw "$key")" "$unit") |"
    done < <(write_report_rows)
    echo
    echo "A ratio > 1 means azblobfs is faster (rates: azblobfs / peer; seconds: peer / azblobfs)."
    echo "Raw HTTP is curl, 8 PUTs in flight (one Put Blob per file; the whole $((seq_bytes / 1048576)) MiB in one Put Blob):" \
        "its work is committed when curl returns, so both of its rows are the same run. No raw SQLite."
    echo "\"Committed\" is the first poll (List Blobs via \`azblobfs ls -l -r\` every 0.2 s, names and sizes;" \
        "for SQLite a download of db-MODE.sqlite holding every row) that finds everything, timed from the workload's start."
    echo "azblobfs --fsync local is measured on the SQLite rows only: its fsync waits for the local disk, and the"
    echo "upload follows in the background (the \"until the blob holds all rows\" row)."
    if [[ -s "$work/failures.md" ]]; then
        echo
        echo "## Failures"
        echo
        cat "$work/failures.md"
    fi
}
