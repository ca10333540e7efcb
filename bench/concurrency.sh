#!/usr/bin/env bash
# Benchmark: many pings at once. 1 and then INSTANCES instances of `ping -D -n -i 0.2` run to the
# target at the same time (probe_cost.py starts them spread evenly over one interval), ours and
# iputils in turn, never together: per round, 1 ours and 1 iputils, then INSTANCES ours at once,
# then INSTANCES iputils at once (the first of each pair alternating between rounds). Each
# instance is sampled over its own window of WINDOW seconds, which starts half an interval after
# one of its replies, once every instance has printed 2 (start-up left out).
#  - CPU per probe of an instance: scheduler run time (schedstat, user + system) in its window /
#    its replies in the window; per run, the median over the instances, and the CPU of all of
#    them together as a percentage of one core.
#  - Wake-ups: voluntary context switches per probe (median over the instances). A raw socket
#    receives every ICMP message of the namespace: without a kernel filter on the identifier
#    each instance would also wake up for the others' replies (INSTANCES times per interval).
#  - Scaling: per-instance CPU per probe with INSTANCES at once / with 1 alone, per round.
# -i 0.2, the shortest interval an ordinary user may ask for: 250 replies/s among 50 instances,
# enough traffic that waking for the others' replies would show.
# Every instance has its own -w deadline and the whole run its timeout; probe_cost.py stops all
# instances (SIGINT, then SIGKILL) however it ends.
# Knobs: BENCH_CONC_ROUNDS (3; quick 1), BENCH_CONC_WINDOW (seconds: 15; quick 6),
#        BENCH_CONC_INSTANCES (50).
# Full run: about 3 rounds × 4 runs × (15 + 2) s: 3.4 min.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"

rounds=$(knob BENCH_CONC_ROUNDS 3 1)
window=$(knob BENCH_CONC_WINDOW 15 6)
many=$(knob BENCH_CONC_INSTANCES 50 50)
interval=0.2
limit=$(awk -v w="$window" -v i="$interval" 'BEGIN { printf "%d\n", w + 6 * i + 60 }')
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

column() {              # column NAME FILE...: the values of one column of probe_cost.py's output
  awk -F'\t' -v name="$1" 'FNR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
                           { print $c }' "${@:2}"
}

# One run of N instances of WHO; appends its figures to cpu.WHO.N, total.WHO.N, wake.WHO.N.
conc_run() {
  local who=$1 n=$2 round=$3 dir
  dir="$BENCH_WORK/$who.$n.$round"
  mkdir -p "$dir"
  in_client "$limit" "$BENCH_PYTHON" "$here/probe_cost.py" --ping "$(bin_of "$who")" \
    --target "$BENCH_TARGET4" --interval "$interval" --window "$window" --instances "$n" \
    --work "$dir" >"$dir/figures.tsv" 2>"$dir/log" || die "$n × $who: $(cat "$dir/log")"
  column cpu_us_per_probe "$dir/figures.tsv" >>"$BENCH_WORK/cpu.$who.$n"
  column total_cpu_percent "$dir/figures.tsv" >>"$BENCH_WORK/total.$who.$n"
  column voluntary_per_probe "$dir/figures.tsv" >>"$BENCH_WORK/wake.$who.$n"
  log "concurrency $n × $who #$round: $(tail -n 1 "$BENCH_WORK/cpu.$who.$n") µs/probe" \
    "(instances $(column cpu_us_per_probe_min "$dir/figures.tsv")–$(column cpu_us_per_probe_max "$dir/figures.tsv")," \
    "all $(tail -n 1 "$BENCH_WORK/total.$who.$n") % of a core), $(tail -n 1 "$BENCH_WORK/wake.$who.$n")" \
    "wake-ups/probe$(sed 's/^/; /' "$dir/log")"
}

for ((round = 0; round < rounds; round++)); do
  for n in 1 "$many"; do
    for who in $(pair_order "$round"); do conc_run "$who" "$n" "$round"; done
  done
done
for who in ours ref; do
  paste "$BENCH_WORK/cpu.$who.$many" "$BENCH_WORK/cpu.$who.1" |
    awk '{ printf "%.4f\n", $1 / $2 }' >"$BENCH_WORK/scale.$who"
done

spread="median (min–max) of $rounds rounds"
at="at \`-i $interval\`"
row --section concurrency --paired --spread range --decimals 1 --goal 'ratio<=1' --goal-text "≤ iputils" \
  --metric "1 instance $at: CPU time per probe, µs: $spread" \
  "$BENCH_WORK/cpu.ours.1" "$BENCH_WORK/cpu.ref.1"
row --section concurrency --paired --spread range --decimals 1 --goal 'ratio<=1' --goal-text "≤ iputils" \
  --metric "$many instances at once $at: CPU time per probe of an instance (median of the $many), µs: $spread" \
  "$BENCH_WORK/cpu.ours.$many" "$BENCH_WORK/cpu.ref.$many"
row --section concurrency --paired --spread range --decimals 2 --goal 'ratio<=1' --goal-text "≤ iputils" \
  --metric "$many instances at once: CPU time of all $many together, % of one core: $spread" \
  "$BENCH_WORK/total.ours.$many" "$BENCH_WORK/total.ref.$many"
row --section concurrency --paired --spread range --decimals 2 --goal 'ours<=1.25' \
  --goal-text "≤ 1.25 (close to alone)" \
  --metric "$many instances at once: per-instance CPU per probe ÷ that of 1 alone: $spread" \
  "$BENCH_WORK/scale.ours" "$BENCH_WORK/scale.ref"
row --section concurrency --paired --spread range --decimals 2 --goal 'ours<=1.1' \
  --goal-text "≤ 1.1 (no wake-up for others' replies)" \
  --metric "$many instances at once: wake-ups (voluntary context switches) per probe of an instance (median of the $many): $spread" \
  "$BENCH_WORK/wake.ours.$many" "$BENCH_WORK/wake.ref.$many"

median() {
  sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
instance_range() {      # instance_range WHO: min–max CPU per probe over every instance of every round
  awk -F'\t' 'FNR > 1 { v = $6 + 0; if (n++ == 0 || v < lo) lo = v; if (v > hi) hi = v }
              END { printf "%.1f–%.1f µs over %d instances", lo, hi, n }' \
    "$BENCH_WORK"/"$1"."$many".*/instances.tsv
}
sockets() {             # sockets WHO N: "raw/ping" socket counts seen during those runs
  paste -d/ <(column raw_sockets "$BENCH_WORK"/"$1"."$2".*/figures.tsv) \
    <(column ping_sockets "$BENCH_WORK"/"$1"."$2".*/figures.tsv) | sort -u | paste -sd' ' -
}
note "Concurrency: \`ping -D -n -i $interval $BENCH_TARGET4\`, 1 instance and then $many at" \
  "once (started spread evenly over one interval), ours and iputils in turn, never together;" \
  "$rounds round(s). Each instance is sampled over its own ${window} s window, starting half an" \
  "interval after one of its replies once all have printed 2 (start-up left out). CPU per probe" \
  "= scheduler run time (schedstat, user + system) in the window / the instance's replies in it;" \
  "per run the median over the instances. On a veth the reply reaches the client's raw sockets in" \
  "the sender's context: the sender pays for offering it to all $many sockets. Every row's ratio" \
  "is the median of the per-round ratios. CPU per probe of the individual instances among $many:" \
  "ours $(instance_range ours), iputils $(instance_range ref). Voluntary context switches per" \
  "probe of 1 instance alone, median: ours $(median "$BENCH_WORK/wake.ours.1"), iputils" \
  "$(median "$BENCH_WORK/wake.ref.1"). Raw/ICMP-datagram sockets open in the client namespace" \
  "with $many instances: ours $(sockets ours "$many"), iputils $(sockets ref "$many")."
