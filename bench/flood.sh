#!/usr/bin/env bash
# Benchmark: flood rate. `ping -f -q -n -c COUNT` to the target, ours and iputils alternately,
# PAIRS times each. Rate = COUNT / wall time of the ping process, from its spawn to its reaping
# (lib/measure.py, started inside the client namespace so that `ip netns exec` is not timed).
# Knobs: BENCH_FLOOD_PAIRS (10; quick 3), BENCH_FLOOD_COUNT (100000),
#        BENCH_FLOOD_TIMEOUT (seconds per ping run, 120).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"

pairs=$(knob BENCH_FLOOD_PAIRS 10 3)
count=$(knob BENCH_FLOOD_COUNT 100000 100000)
limit=$(knob BENCH_FLOOD_TIMEOUT 120 120)

# One flood run of ours|ref; appends its rate to pps.WHO and its raw figures to runs.tsv.
flood_once() {
  local who=$1 pair=$2 bin out line wall user sys rc received
  bin=$(bin_of "$who")
  out="$BENCH_WORK/$who.$pair.out"
  line=$(in_client $((limit + 10)) "$BENCH_PYTHON" "$BENCH_LIB/measure.py" \
    --timeout "$limit" --stdout "$out" -- "$bin" -f -q -n -c "$count" "$BENCH_TARGET4") ||
    die "$who: measure.py failed"
  read -r wall user sys rc <<<"$line"
  [ "$rc" != 124 ] || die "$who: $bin -f -q -c $count still running after $limit s"
  [ "$rc" = 0 ] || die "$who: $bin -f -q -c $count exited $rc"
  received=$(sed -n 's/.*, \([0-9]*\) received.*/\1/p' "$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$who" "$pair" "$wall" "$user" "$sys" "${received:-?}" \
    >>"$BENCH_WORK/runs.tsv"
  awk -v n="$count" -v s="$wall" 'BEGIN { printf "%.1f\n", n / s }' >>"$BENCH_WORK/pps.$who"
  log "flood $who #$pair: $(tail -n 1 "$BENCH_WORK/pps.$who") pps, ${received:-?}/$count replies"
}

printf 'who\tpair\twall_s\tuser_s\tsys_s\treceived\n' >"$BENCH_WORK/runs.tsv"
for ((pair = 0; pair < pairs; pair++)); do
  for who in $(pair_order "$pair"); do flood_once "$who" "$pair"; done
done

row --section flood --paired --spread range --goal 'ratio>=1.05' \
  --metric "Flood rate \`-f -q -c $count\`, packets/s: median (min–max) of $pairs runs" \
  "$BENCH_WORK/pps.ours" "$BENCH_WORK/pps.ref"

lost=$(awk -F'\t' -v n="$count" 'NR > 1 && $6 != n { printf "%s#%s: %s; ", $1, $2, $6 }' "$BENCH_WORK/runs.tsv")
note "Flood: \`ping -f -q -n -c $count $BENCH_TARGET4\`, $pairs pairs run alternately (ours first in" \
  "even pairs, iputils first in odd ones); rate = $count / wall time of the ping process, spawn" \
  "to reap; ratio = median of the per-pair ratios.${lost:+ Runs with fewer than $count replies: $lost}"
