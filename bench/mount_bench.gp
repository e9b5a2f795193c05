# Bar chart of bench/mount_bench.sh. Inputs (gnuplot -e): rates, times (data files: "label"
# azblobfs rclone raw, NaN for a peer not measured), out (PNG path), runs.
# Both panels use a log scale: warm reads are memory-speed, cold ones network-speed. Each bar
# carries its value. In a cluster of 3 bars with gap 1, bar k is centred at x + (k - 1) / 4.
set terminal pngcairo size 1500,650 font "sans,11"
set output out
set datafile missing "NaN"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top left
set logscale y
set multiplot layout 1,2 title sprintf("azblobfs vs rclone mount (--vfs-cache-mode full) vs raw HTTP on Azurite, medians of %s runs", runs)

set title "sequential read of 256 MiB (MB/s, higher is better, log scale)"
set ylabel "MB/s"
set yrange [1:*]
plot rates using 2:xtic(1) title "azblobfs" lc rgb "#1f77b4", \
     '' using 3 title "rclone" lc rgb "#ff7f0e", \
     '' using 4 title "raw HTTP" lc rgb "#2ca02c", \
     '' using ($0 - 0.25):2:(sprintf("%.0f", $2)) with labels offset 0,0.7 notitle, \
     '' using ($0):3:(sprintf("%.0f", $3)) with labels offset 0,0.7 notitle, \
     '' using ($0 + 0.25):4:(sprintf("%.0f", $4)) with labels offset 0,0.7 notitle

set title "metadata and small reads (seconds, lower is better, log scale)"
set ylabel "seconds"
set yrange [0.001:*]
set xtics rotate by -20
plot times using 2:xtic(1) title "azblobfs" lc rgb "#1f77b4", \
     '' using 3 title "rclone" lc rgb "#ff7f0e", \
     '' using 4 title "raw HTTP" lc rgb "#2ca02c", \
     '' using ($0 - 0.25):2:(sprintf("%.2f", $2)) with labels offset 0,0.7 font ",9" notitle, \
     '' using ($0):3:(sprintf("%.2f", $3)) with labels offset 0,0.7 font ",9" notitle, \
     '' using ($0 + 0.25):4:(sprintf("%.2f", $4)) with labels offset 0,0.7 font ",9" notitle
unset multiplot
