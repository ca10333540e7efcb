#!/usr/bin/env bash
# Benchmark (issue 13): what `--json` costs, ours with it against ours without it, side by side in
# one run. In these rows the iputils column holds ours WITHOUT --json. Every run's stdout goes to
# a pipe whose reader only counts (wc -lc) or keeps the last bytes (tail -c), alike for both.
#  1. flood rate: `ping -f -n -c COUNT` against the same with --json (a JSON line per reply; the
#     text run prints no per-packet marks to a pipe), then both with -q, PAIRS alternating pairs
#     each; rate = COUNT / wall time, as bench/flood.sh. Goal: --json >= 0.9x.
#  2. CPU per probe at 10 000 targets at -i 1 for C seconds, reply lines on, as
#     bench/many_targets_cpu.sh: (user + sys) / requests the target received. Goal: <= 1.2x.
#  3. memory: peak RSS at 1 target, at 10 000 (the CPU runs) and at BIG targets (-q), with and
#     without --json; per target above one target. Goal: with --json <= 1 KiB + 2 KiB.
# Knobs: BENCH_JSON_FLOOD_PAIRS (8; quick 3), BENCH_JSON_FLOOD_COUNT (100000),
#        BENCH_JSON_COUNT (probes per target at 10 000 targets, = seconds: 20; quick 10),
#        BENCH_JSON_PAIRS (pairs at 10 000 targets: 3; quick 1),
#        BENCH_JSON_BIG (100000; 0 leaves it out), BENCH_JSON_BIG_COUNT (10; quick 5).
# Full run: about 0.7 min of floods, 3 × 2 × 22 s at 10 000 targets, 2 × 25 s at 100 000:
# 4 min (quick 1.5 min).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"
# shellcheck source=lib/many_targets.sh
source "$BENCH_LIB/many_targets.sh"

flood_pairs=$(knob BENCH_JSON_FLOOD_PAIRS 8 3)
flood_count=$(knob BENCH_JSON_FLOOD_COUNT 100000 100000)
mid=10000
count=$(knob BENCH_JSON_COUNT 20 10)
pairs=$(knob BENCH_JSON_PAIRS 3 1)
big=$(knob BENCH_JSON_BIG 100000 100000)
big_count=$(knob BENCH_JSON_BIG_COUNT 10 5)

jo_py() { py "$BENCH_LIB/json_output.py" "$@"; }
# The two variants in the order pair number $1 runs them: plain first in even pairs.
variant_order() { if (($1 % 2 == 0)); then echo "plain json"; else echo "json plain"; fi; }

# A FIFO at $1 read in the background by `$2 >$3` (wc -lc or tail -c N), for a run's stdout;
# its pid is left in READER_PID.
reader_start() {
  local fifo=$1 reader=$2 sink=$3
  rm -f "$fifo"
  mkfifo "$fifo"
  bg_start bash -c "$reader <\"\$1\" >\"\$2\"" _ "$fifo" "$sink"
  READER_PID=$BG_PID
}
# Waits (bounded: a writer that never opened the FIFO would leave the reader blocked) for the
# reader, then removes the FIFO so that nothing reads it as a file afterwards.
reader_end() {
  local fifo=$1 i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$READER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$READER_PID" 2>/dev/null; then
    bg_stop "$READER_PID"
  else
    bg_wait "$READER_PID" || true
  fi
  rm -f "$fifo"
}

# --- 1. flood rate ---------------------------------------------------------------------------

# flood_once QUIET(0|1) plain|json PAIR: one flood run; its rate goes to pps.q$QUIET.$VARIANT.
flood_once() {
  local quiet=$1 variant=$2 pair=$3 name line wall user sys rc received extra=()
  name="flood.q$quiet.$variant.$pair"
  [ "$quiet" = 0 ] || extra+=(-q)
  [ "$variant" = plain ] || extra+=(--json)
  reader_start "$BENCH_WORK/$name.fifo" "tail -c 4096" "$BENCH_WORK/$name.tail"
  line=$(in_client 130 "$BENCH_PYTHON" "$BENCH_LIB/measure.py" --timeout 120 \
    --stdout "$BENCH_WORK/$name.fifo" -- "$BENCH_OURS" -f -n "${extra[@]}" -c "$flood_count" \
    "$BENCH_TARGET4") || die "$name: measure.py failed"
  reader_end "$BENCH_WORK/$name.fifo"
  read -r wall user sys rc <<<"$line"
  [ "$rc" = 0 ] || die "$name: ping -f ${extra[*]} -c $flood_count exited $rc"
  received=$(jo_py received "$BENCH_WORK/$name.tail")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$quiet" "$variant" "$pair" "$wall" "$user" "$sys" \
    "$received" >>"$BENCH_WORK/flood.tsv"
  awk -v n="$flood_count" -v s="$wall" 'BEGIN { printf "%.1f\n", n / s }' \
    >>"$BENCH_WORK/pps.q$quiet.$variant"
  log "$name: $(tail -n 1 "$BENCH_WORK/pps.q$quiet.$variant") pps, $received/$flood_count replies"
}

printf 'quiet\tvariant\tpair\twall_s\tuser_s\tsys_s\treceived\n' >"$BENCH_WORK/flood.tsv"
for quiet in 0 1; do
  for ((pair = 0; pair < flood_pairs; pair++)); do
    for variant in $(variant_order "$pair"); do flood_once "$quiet" "$variant" "$pair"; done
  done
done
metric="\`--json\`: flood rate \`-f -c $flood_count --json\` (a line per reply, to a pipe),"
metric+=" packets/s: median (min–max) of $flood_pairs runs. **iputils column: ours"
metric+=" \`-f -c $flood_count\` without \`--json\`**"
row --section json_output --paired --spread range --goal 'ratio>=0.9' \
  --goal-text "≥ 0.9× without \`--json\`" --metric "$metric" \
  "$BENCH_WORK/pps.q0.json" "$BENCH_WORK/pps.q0.plain"
metric="\`--json\`: flood rate \`-f -q -c $flood_count --json\` (statistics kept, no line per"
metric+=" reply), packets/s: median (min–max) of $flood_pairs runs. **iputils column: ours \`-f -q\`"
metric+=" without \`--json\`**"
row --section json_output --paired --spread range --metric "$metric" \
  "$BENCH_WORK/pps.q1.json" "$BENCH_WORK/pps.q1.plain"
short=$(awk -F'\t' -v n="$flood_count" \
  'NR > 1 && $7 != n { printf "%s#%s (-q: %s): %s; ", $2, $3, $1, $7 }' "$BENCH_WORK/flood.tsv")
[ -z "$short" ] || short=" Runs with fewer than $flood_count replies: ${short%; }."
note "JSON output, flood: ours \`ping -f -n [-q] -c $flood_count $BENCH_TARGET4\` with and without" \
  "\`--json\`, $flood_pairs pairs each without -q and then with -q (without --json first in even" \
  "pairs); stdout is a pipe read by \`tail -c 4096\` for both (to a pipe the text run prints no" \
  "flood marks, the JSON run a line per reply); rate = $flood_count / wall time of the ping" \
  "process, spawn to reap; ratio = median of the per-pair ratios.$short"

# --- 2. and 3. many targets ------------------------------------------------------------------

mt_range_up
mt_check_ours
[ "$MT_OURS_MULTI" = 1 ] || die "ours does not take several targets: $MT_OURS_WHY"

# mt_once DIR LIMIT plain|json ARGS...: one run of ours (mt_run), stdout to a pipe read by wc -lc.
mt_once() {
  local dir=$1 limit=$2 variant=$3 extra=()
  shift 3
  [ "$variant" = plain ] || extra+=(--json)
  mkdir -p "$dir"
  reader_start "$dir/out" "wc -lc" "$dir/out.wc"
  mt_run "$dir" "$limit" 0 "$BENCH_OURS" -n "${extra[@]}" "$@"
  reader_end "$dir/out"
  log "$(basename "$dir"): $(mt_summary "$dir"); stdout lines/bytes $(cat "$dir/out.wc")"
}

file=$(mt_targets "$mid")
cpu_json=() cpu_plain=() mem_json=() mem_plain=()
for ((pair = 0; pair < pairs; pair++)); do
  for variant in $(variant_order "$pair"); do
    dir="$BENCH_WORK/$variant.$mid.$pair"
    mt_once "$dir" $((count + 30)) "$variant" -i 1 -c "$count" -W 2 --targets "$file"
    if [ "$variant" = json ]; then cpu_json+=(--json "$dir") mem_json+=(--json "$mid=$dir")
    else cpu_plain+=(--plain "$dir") mem_plain+=(--plain "$mid=$dir"); fi
  done
done
volume=$(jo_py cpu --results "$BENCH_RESULTS" --targets "$mid" --count "$count" \
  "${cpu_json[@]}" "${cpu_plain[@]}")

sizes=(1) big_text=""
if [ "$big" -gt 0 ]; then
  sizes+=("$big")
  big_text="at $big targets \`-q -c $big_count\` (IPv6 beyond 50 000),"
fi
for n in "${sizes[@]}"; do
  hosts=(198.19.0.1) c=3
  if [ "$n" -gt 1 ]; then hosts=(--targets "$(mt_targets "$n")") c=$big_count; fi
  for variant in plain json; do
    dir="$BENCH_WORK/$variant.$n"
    mt_once "$dir" $((c + 30 + n / 5000)) "$variant" -q -i 1 -c "$c" -W 2 "${hosts[@]}"
    if [ "$variant" = json ]; then mem_json+=(--json "$n=$dir")
    else mem_plain+=(--plain "$n=$dir"); fi
  done
done
jo_py memory --results "$BENCH_RESULTS" "${mem_json[@]}" "${mem_plain[@]}"

note "JSON output, many targets (target host of the many-targets rows; iputils column: ours" \
  "without \`--json\`): CPU, $mid targets, \`ping -n [--json] -i 1 -c $count -W 2 --targets" \
  "FILE\` with a line per reply, stdout a pipe read by \`wc -lc\`, $pairs pair(s) (the first of a" \
  "pair alternating); CPU = user + sys of the run (wait4's rusage) / echo requests the target" \
  "received; ratio = median of the per-pair ratios. Output per run: $volume." \
  "Memory: GNU time's peak RSS of ours with and without \`--json\`: at 1 target \`-q -c 3\`, at" \
  "$mid the CPU runs (reply lines on; median), $big_text" \
  "per target = (RSS(N) − RSS(1)) / N. The percentile sketch grows with the spread of a target's" \
  "RTTs (at most 2 032 bytes by its design, a static_assert): on this veth the RTTs are close" \
  "together, so these runs show the sketch small, not at its bound."
