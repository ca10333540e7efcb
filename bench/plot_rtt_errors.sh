#!/usr/bin/env bash
# Draws the distribution of the RTT errors that rtt_accuracy measured (reported − wire, µs), ours
# against iputils, idle and loaded, as a PNG: two panels of empirical distribution functions
# (the fraction of replies whose error is at most x). Each panel's x axis spans the 1st to 99th
# percentile of both pings' errors in it, so that a few outliers do not squash the rest (the p99
# of |error| is in the table).
#
#   bench/plot_rtt_errors.sh DATA_DIR OUT.png
#
# DATA_DIR is rtt_accuracy's work directory: err.{ours,ref}.{idle,loaded}, one error per line.
# Needs gnuplot (Debian: gnuplot-nox) and python3. bench/run calls it at report time.
set -euo pipefail

[ $# -eq 2 ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
data=$1 out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${BENCH_PYTHON:-/usr/bin/python3}
for f in err.ours.idle err.ref.idle err.ours.loaded err.ref.loaded; do
  [ -s "$data/$f" ] || { echo "plot_rtt_errors.sh: no samples in $data/$f" >&2; exit 1; }
done
plot_dir=$(mktemp -d /tmp/bpplot.XXXXXX)
trap 'rm -rf "$plot_dir"' EXIT

# Per condition: the CDF files and "LOW HIGH N_OURS N_REF".
read -r idle_low idle_high idle_n_ours idle_n_ref < <("$python" "$here/rtt_error_cdf.py" \
  --out-dir "$plot_dir" ours.idle="$data/err.ours.idle" ref.idle="$data/err.ref.idle")
read -r load_low load_high load_n_ours load_n_ref < <("$python" "$here/rtt_error_cdf.py" \
  --out-dir "$plot_dir" ours.loaded="$data/err.ours.loaded" ref.loaded="$data/err.ref.loaded")

# A range of at least 2 µs, so that a panel whose errors are all alike still has an x axis.
widen() { awk -v l="$1" -v h="$2" 'BEGIN { m = (l + h) / 2; if (h - l < 2) { l = m - 1; h = m + 1 } print l, h }'; }
read -r idle_low idle_high < <(widen "$idle_low" "$idle_high")
read -r load_low load_high < <(widen "$load_low" "$load_high")

timeout 60 gnuplot <<EOF
set terminal pngcairo size 1100,460 font "Sans,10"
set output "$out"
set encoding utf8
set multiplot layout 1,2 title "RTT error = reported RTT − RTT on the wire (client veth capture)"
set grid
set key bottom right
set yrange [0:1]
set ytics 0.1
set yzeroaxis lt -1 lw 1
set xlabel "error, µs (x axis: 1st–99th percentile of both)"
set ylabel "fraction of replies with error ≤ x"
set title "idle (ours: $idle_n_ours replies, iputils: $idle_n_ref)"
set xrange [$idle_low:$idle_high]
plot "$plot_dir/ours.idle.cdf" using 1:2 with steps lw 2 lc rgb "#1f77b4" title "ours", \
     "$plot_dir/ref.idle.cdf" using 1:2 with steps lw 2 lc rgb "#d62728" title "iputils"
set title "$(nproc) cores busy (ours: $load_n_ours replies, iputils: $load_n_ref)"
set xrange [$load_low:$load_high]
plot "$plot_dir/ours.loaded.cdf" using 1:2 with steps lw 2 lc rgb "#1f77b4" title "ours", \
     "$plot_dir/ref.loaded.cdf" using 1:2 with steps lw 2 lc rgb "#d62728" title "iputils"
unset multiplot
EOF
[ -s "$out" ] || { echo "plot_rtt_errors.sh: gnuplot wrote no $out" >&2; exit 1; }
