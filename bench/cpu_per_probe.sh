#!/usr/bin/env bash
# Benchmark: CPU time per probe of our ping against iputils ping, at a 1 s and at a 10 ms
# interval. Each run starts one `ping -D -n -i INTERVAL -w DEADLINE` to the target under
# probe_cost.py, which samples it over a window of PROBES intervals that starts half an interval
# after one of its replies, once it has printed 2 (start-up is left out: footprint measures it).
# CPU per probe = scheduler run time (schedstat: user + system, ns) in the window / the replies
# in the window. Ours and iputils run one after the other, never together (at 10 ms they would
# disturb each other), PAIRS pairs per interval, the first of a pair alternating.
# The CPU cost of a probe varies with the machine's state over tens of seconds (on the 2-core VM
# this was written on, a bare 1 s sleep costs 60 to 200 µs to wake from): hence more, shorter
# pairs rather than few long ones.
# Knobs: BENCH_CPP_PAIRS (pairs per interval: 5; quick 2),
#        BENCH_CPP_SLOW_PROBES (window at 1 s, in intervals: 24; quick 10),
#        BENCH_CPP_FAST_PROBES (window at 10 ms, in intervals: 1000; quick 500).
# Full run: about 2 × 5 × (24 + 2.5) s at 1 s and 2 × 5 × (10 + 1.5) s at 10 ms: 6.3 min
# (quick: 1.4 min).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"

pairs=$(knob BENCH_CPP_PAIRS 5 2)
slow_probes=$(knob BENCH_CPP_SLOW_PROBES 24 10)
fast_probes=$(knob BENCH_CPP_FAST_PROBES 1000 500)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

column() {              # column NAME FILE...: the values of one column of probe_cost.py's output
  awk -F'\t' -v name="$1" 'FNR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
                           { print $c }' "${@:2}"
}

# One run of WHO at INTERVAL for PROBES probes; appends its figures to cpu.WHO.TAG, wake.WHO.TAG
# and rate.WHO.TAG (probes per second in the window).
probe_run() {
  local who=$1 tag=$2 interval=$3 probes=$4 pair=$5 dir window limit
  dir="$BENCH_WORK/$tag.$who.$pair"
  mkdir -p "$dir"
  window=$(awk -v n="$probes" -v i="$interval" 'BEGIN { printf "%g\n", n * i }')
  limit=$(awk -v w="$window" -v i="$interval" 'BEGIN { printf "%d\n", w + 6 * i + 40 }')
  in_client "$limit" "$BENCH_PYTHON" "$here/probe_cost.py" --ping "$(bin_of "$who")" \
    --target "$BENCH_TARGET4" --interval "$interval" --window "$window" --work "$dir" \
    >"$dir/figures.tsv" 2>"$dir/log" || die "$who at -i $interval: $(cat "$dir/log")"
  column cpu_us_per_probe "$dir/figures.tsv" >>"$BENCH_WORK/cpu.$who.$tag"
  column voluntary_per_probe "$dir/figures.tsv" >>"$BENCH_WORK/wake.$who.$tag"
  awk -v w="$window" '{ printf "%.1f\n", $1 / w }' <(column probes "$dir/figures.tsv") \
    >>"$BENCH_WORK/rate.$who.$tag"
  log "cpu/probe -i $interval $who #$pair: $(tail -n 1 "$BENCH_WORK/cpu.$who.$tag") µs," \
    "$(tail -n 1 "$BENCH_WORK/wake.$who.$tag") wake-ups and" \
    "$(column probes "$dir/figures.tsv") probes in $window s$(sed 's/^/; /' "$dir/log")"
}

measure_interval() {    # measure_interval TAG INTERVAL PROBES
  local pair who
  for ((pair = 0; pair < pairs; pair++)); do
    for who in $(pair_order "$pair"); do probe_run "$who" "$1" "$2" "$3" "$pair"; done
  done
}

measure_interval slow 1 "$slow_probes"
measure_interval fast 0.01 "$fast_probes"

spread="median (min–max) of $pairs runs"
row --section cpu --paired --spread range --decimals 1 --goal 'ratio<=1' --goal-text "≤ iputils" \
  --metric "CPU time per probe at \`-i 1\` (windows of $slow_probes intervals), µs: $spread" \
  "$BENCH_WORK/cpu.ours.slow" "$BENCH_WORK/cpu.ref.slow"
row --section cpu --paired --spread range --decimals 1 --goal 'ratio<=1' --goal-text "≤ iputils" \
  --metric "CPU time per probe at \`-i 0.01\` (windows of $fast_probes intervals), µs: $spread" \
  "$BENCH_WORK/cpu.ours.fast" "$BENCH_WORK/cpu.ref.fast"

median() {
  sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
sockets() {             # sockets RUNS: "raw/ping" socket counts seen during those runs
  paste -d/ <(column raw_sockets "$BENCH_WORK"/"$1".*/figures.tsv) \
    <(column ping_sockets "$BENCH_WORK"/"$1".*/figures.tsv) | sort -u | paste -sd' ' -
}
note "CPU per probe: \`ping -D -n -i INTERVAL $BENCH_TARGET4\` alone, ours and iputils one after" \
  "the other, $pairs pairs per interval (the first of a pair alternating). Each run is sampled" \
  "over a window of whole intervals ($slow_probes at \`-i 1\`, $fast_probes at \`-i 0.01\`)" \
  "that starts half an interval after one of its replies, once it has printed 2: start-up is" \
  "left out. CPU = scheduler run time (schedstat, ns; user + system) in the window, divided by" \
  "the reply lines in it. On a veth the target's answer runs in the sender's context, so each" \
  "ping is also charged the target's side and the delivery of its reply (alike for both)." \
  "Ratio = median of the per-pair ratios. Probes per second in the window at \`-i 0.01\`," \
  "median: ours $(median "$BENCH_WORK/rate.ours.fast"), iputils $(median "$BENCH_WORK/rate.ref.fast")." \
  "Voluntary context switches per probe, median: at \`-i 1\` ours $(median "$BENCH_WORK/wake.ours.slow")," \
  "iputils $(median "$BENCH_WORK/wake.ref.slow"); at \`-i 0.01\` ours" \
  "$(median "$BENCH_WORK/wake.ours.fast"), iputils $(median "$BENCH_WORK/wake.ref.fast")." \
  "Raw/ICMP-datagram sockets open in the client namespace during a run: ours $(sockets slow.ours)," \
  "iputils $(sockets slow.ref)."
