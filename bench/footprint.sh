#!/usr/bin/env bash
# Benchmark: footprint of `ping -n -c 1` to the target (one echo, then exit).
#  - Peak RSS: GNU time's %M (the process's ru_maxrss), ours and iputils alternately, PAIRS times.
#    The method's floor is the RSS of a trivial program; it is measured too (/bin/true).
#  - Start-up time: wall time of the whole `-c 1` run, measured by hyperfine in ROUNDS short rounds
#    of RUNS runs per binary (after 2 warm-up runs); the order of the binaries alternates between
#    rounds. Each round gives one median per binary; the ratio is the median of the per-round
#    ratios. Short rounds keep the two binaries close in time, so that load from other processes
#    (it comes and goes) hits both alike.
# "No worse than iputils" allows 3 % for noise: two runs of the same binary differ that much.
# Knobs: BENCH_RSS_PAIRS (10; quick 3), BENCH_STARTUP_ROUNDS (20; quick 4),
#        BENCH_STARTUP_RUNS (5).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"

rss_pairs=$(knob BENCH_RSS_PAIRS 10 3)
rounds=$(knob BENCH_STARTUP_ROUNDS 20 4)
runs=$(knob BENCH_STARTUP_RUNS 5 5)

# GNU time forks the ping from a small C process, so the ru_maxrss it prints as %M is the ping's.
rss_once() {
  local who=$1 bin
  bin=$(bin_of "$who")
  in_client 20 /usr/bin/time -f %M -a -o "$BENCH_WORK/rss.$who" "$bin" -n -c 1 "$BENCH_TARGET4" \
    >/dev/null || die "$who: $bin -n -c 1 failed"
}

startup_round() {
  local round=$1 json="$BENCH_WORK/startup.$1.json" who commands=()
  for who in $(pair_order "$round"); do
    commands+=(-n "$who" "$(bin_of "$who") -n -c 1 $BENCH_TARGET4")
  done
  in_client 300 hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$json" \
    "${commands[@]}" >/dev/null 2>"$json.log" || die "hyperfine failed (round $round): $(cat "$json.log")"
  for who in ours ref; do
    py "$BENCH_LIB/hyperfine_median.py" "$json" "$who" >>"$BENCH_WORK/startup.$who"
  done
  log "startup round $round: ours $(tail -n 1 "$BENCH_WORK/startup.ours") s," \
    "iputils $(tail -n 1 "$BENCH_WORK/startup.ref") s"
}

floor_kb=$(/usr/bin/time -f %M /bin/true 2>&1)
for ((pair = 0; pair < rss_pairs; pair++)); do
  for who in $(pair_order "$pair"); do rss_once "$who"; done
done
for ((round = 0; round < rounds; round++)); do startup_round "$round"; done

row --section footprint --paired --spread range --goal 'ratio<=1.03' --goal-text "≤ iputils (+3 %)" \
  --metric "Peak RSS of \`-c 1\`, KiB: median (min–max) of $rss_pairs runs" \
  "$BENCH_WORK/rss.ours" "$BENCH_WORK/rss.ref"
row --section footprint --paired --spread iqr --scale 1000 --decimals 3 --goal 'ratio<=1.03' \
  --goal-text "≤ iputils (+3 %)" \
  --metric "Start-up, wall time of \`-c 1\`, ms: median (IQR) of $rounds round medians" \
  "$BENCH_WORK/startup.ours" "$BENCH_WORK/startup.ref"

note "Footprint: \`ping -n -c 1 $BENCH_TARGET4\`. Peak RSS = \`/usr/bin/time -f %M\`, $rss_pairs" \
  "alternating pairs (\`/bin/true\` measures $floor_kb KiB this way). Start-up = wall time of the" \
  "whole run (exec, set-up, one echo, exit) by \`hyperfine -N\`: $rounds rounds of $runs runs per" \
  "binary after 2 warm-ups, order alternating between rounds; ratio = median of the per-round" \
  "ratios. \"≤ iputils (+3 %)\": the ratio may exceed 1 by 3 %, the difference between two runs" \
  "of one binary."
