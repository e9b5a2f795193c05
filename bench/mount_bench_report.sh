# Report of bench/mount_bench.sh (sourced, not run): the Markdown table and the PNG chart, from
# the per-run values in $work/res/TOOL.ROW (one number per line). Uses the caller's variables
# work, here, runs, mode, load_at_start, azurite_bin and the functions median and die.

# key|workload (unit in the unit column)|unit|short label for the chart
report_rows=(
    "seq_cold|cold sequential read of the 256 MiB blob|MB/s|cold read 256 MiB"
    "seq_warm|warm sequential read of it (same mount, second read)|MB/s|warm read 256 MiB"
    "ls_cold|ls -l of the 10,000-entry directory, cold|s|ls -l cold"
    "ls_warm|ls -l of it, warm (same mount, second listing)|s|ls -l warm"
    "ls_remount|ls -l of it, warm after remount (same cache dir)|s|ls -l after remount"
    "stat|stat of the 10,000 files, warm mount|s|stat 10,000 warm"
    "heads|first 64 KiB of 200 images of 2 MiB, a fresh process each, cold|s|64 KiB of 200 images"
)

# Median of TOOL's values for ROW, or NaN when the tool was not measured.
med() {
    local file="$work/res/$1.$2"
    if [[ -s "$file" ]]; then median <"$file"; else echo NaN; fi
}

fmt() {
    local value="$1" unit="$2"
    if [[ "$value" == NaN ]]; then echo "n/a"; return; fi
    if [[ "$unit" == MB/s ]]; then printf '%.1f MB/s' "$value"; else printf '%.3f s' "$value"; fi
}

# How much faster azblobfs is than the peer: > 1 means azblobfs is faster.
ratio() {
    local az="$1" peer="$2" unit="$3"
    awk -v a="$az" -v p="$peer" -v u="$unit" 'BEGIN {
        if (a == "NaN" || p == "NaN" || a + 0 == 0 || p + 0 == 0) { print "n/a"; exit }
        printf "%.2f\n", (u == "MB/s") ? a / p : p / a }'
}

write_report() {
    local row key label unit short az rc raw rev
    rev="$(source_revision)"
    echo "# Mount benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), Azurite $("$azurite_bin" --version 2>/dev/null | tail -n 1)" \
        "(in memory, one Node.js process), $(rclone version 2>/dev/null | head -n 1), azblobfs at $rev," \
        "mode $mode, medians of $runs runs, load average $load_at_start at the start and" \
        "$(cut -d' ' -f1-3 /proc/loadavg) at the end. Throughput rows in MB/s (10^6 bytes/s, higher is better);" \
        "the other rows in seconds (lower is better)."
    echo
    echo "| workload | unit | azblobfs | rclone | raw HTTP | azblobfs/rclone | azblobfs/raw |"
    echo "|---|---|---|---|---|---|---|"
    for row in "${report_rows[@]}"; do
        IFS='|' read -r key label unit short <<<"$row"
        az=$(med azblobfs "$key"); rc=$(med rclone "$key"); raw=$(med raw "$key")
        echo "| $label | $unit | $(fmt "$az" "$unit") | $(fmt "$rc" "$unit") | $(fmt "$raw" "$unit") |" \
            "$(ratio "$az" "$rc" "$unit") | $(ratio "$az" "$raw" "$unit") |"
    done
    echo
    echo "A ratio > 1 means azblobfs is faster (MB/s rows: azblobfs / peer; seconds rows: peer / azblobfs)."
    echo "Raw HTTP has no cache: its warm and remount rows repeat the cold requests (see bench/README.md)."
    echo "Raw HTTP reads the 256 MiB blob with one streaming GET (curl); the azblobfs client reading it by 8 MiB" \
        "ranged GETs, 8 in flight (client_bench read-blob), got $(fmt "$(med raw seq_ranged)" MB/s) (median)."
    echo
    if [[ -s "$work/cache_report.md" ]]; then cat "$work/cache_report.md"; else echo "azblobfs cache: not measured."; fi
    if [[ -s "$work/traffic.md" ]]; then
        echo
        echo "What azblobfs fetched from Azure in the first run (status.json after unmount):"
        echo
        cat "$work/traffic.md"
    fi
}

# Writes the chart: throughput rows on the left, seconds rows (log scale) on the right.
write_plot() {
    local png="$1" row key label unit short
    : >"$work/rates.dat"
    : >"$work/times.dat"
    for row in "${report_rows[@]}"; do
        IFS='|' read -r key label unit short <<<"$row"
        local target="$work/times.dat"
        [[ "$unit" == MB/s ]] && target="$work/rates.dat"
        printf '"%s" %s %s %s\n' "$short" "$(med azblobfs "$key")" "$(med rclone "$key")" "$(med raw "$key")" >>"$target"
    done
    gnuplot -e "rates='$work/rates.dat'; times='$work/times.dat'; out='$png'; runs='$runs'" \
        "$here/mount_bench.gp" 2>"$work/logs/gnuplot.log" || {
        cat "$work/logs/gnuplot.log" >&2
        die "gnuplot failed"
    }
}
