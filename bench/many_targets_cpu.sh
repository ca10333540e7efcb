#!/usr/bin/env bash
# Benchmark: CPU time per probe with many targets, ours (`ping -n -q -i 1 -c C -W 2 --targets
# FILE`) against fping 5.1 (`fping -q -l -p 1000 -i 0 -f FILE`, the issue's command, ended by
# SIGINT once its C-th round is sent), 5 000 targets at 1 s, on the target host of
# lib/many_targets.sh.
# CPU = user + sys of the whole run (wait4's rusage, µs, through lib/measure.py) / the echo
# requests the target received in it. Start-up (reading the list) is included: at 5 000 targets
# it is small next to C × 5 000 probes. PAIRS pairs, the first of a pair alternating.
# Knobs: BENCH_MTC_TARGETS (5000), BENCH_MTC_COUNT (probes per target, = seconds: 20; quick 10),
#        BENCH_MTC_PAIRS (3; quick 1).
# Full run: about 3 × 2 × 22 s = 2.2 min (quick 0.4 min).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"
# shellcheck source=lib/many_targets.sh
source "$BENCH_LIB/many_targets.sh"

targets=$(knob BENCH_MTC_TARGETS 5000 5000)
count=$(knob BENCH_MTC_COUNT 20 10)
pairs=$(knob BENCH_MTC_PAIRS 3 1)

mt_range_up
mt_check_ours
file=$(mt_targets "$targets")
limit=$((count + 30))

ours_dirs=() fping_dirs=()
for ((pair = 0; pair < pairs; pair++)); do
  for who in $(pair_order "$pair"); do
    dir="$BENCH_WORK/$who.$pair"
    if [ "$who" = ours ]; then
      ours_dirs+=(--ours "$dir")
      if [ "$MT_OURS_MULTI" = 0 ]; then mt_skip "$dir"; continue; fi
      mt_run "$dir" "$limit" 0 "$BENCH_OURS" -n -q -i 1 -c "$count" -W 2 --targets "$file"
    else
      fping_dirs+=(--fping "$dir")
      mapfile -d '' -t command < <(mt_fping_cmd "$count" -q -f "$file")
      mt_run "$dir" "$limit" 0 "${command[@]}"
    fi
    log "cpu $who #$pair: $(mt_summary "$dir")"
  done
done

mt_py cpu --results "$BENCH_RESULTS" --targets "$targets" --count "$count" \
  "${ours_dirs[@]}" "${fping_dirs[@]}"
note "Many-targets CPU: $targets targets at 1 s, $count probes each, ours \`ping -n -q -i 1 -c" \
  "$count -W 2 --targets FILE\` and fping \`fping -q -l -p 1000 -i 0 -f FILE\` (SIGINT at" \
  "$((count - 1)).5 s, after its $count-th round) one after the other, $pairs pair(s), the first of a pair alternating; the iputils column is fping." \
  "CPU = user + sys of the run (wait4's rusage) / echo requests the target received;" \
  "ratio = median of the per-pair ratios. On a veth the target's answer and the delivery of" \
  "its reply run in the sender's context (softirq), so both are charged for them alike, as" \
  "sys time; the user time alone is shown after the range."
