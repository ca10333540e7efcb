#!/usr/bin/env bash
# Benchmark: what supervision costs while pinging. better_ping (with its watchdog) and iputils
# ping run at the same time, both `-D -n -i INTERVAL` to the target, RUNS times; each is sampled
# over a window of WINDOW seconds that starts half an interval after one of its replies, so that
# both windows hold the same number of requests and replies (supervision_cost.py).
#  - CPU time in the window: scheduler run time (user + system, ns) of better_ping + watchdog,
#    against iputils ping alone. Start-up is left out (footprint measures it).
#  - Watchdog wake-ups (context switches) in the window, next to the heartbeats better_ping sent
#    in it (one per reply): the watchdog should wake on heartbeats only, and reading them lazily
#    (SO_RCVLOWAT, frames stamped with their time) it wakes about once per timeout, far less.
# Our ping without supervision runs alongside too: its figures (in the notes) tell the pinger's
# cost from the supervision's. So do two floors (bench/floor_ping.cpp): a bare ping that does only
# what any ping must, and the same sending one TCP frame per reply on a channel set up as
# better_ping's, to a peer that never wakes. The second is the least any ping that heartbeats
# per reply over loopback TCP can cost here, before its watchdog's own cost: a row of its own.
# Running all at once exposes them to the same machine load; started a fifth of an interval
# apart, they never send at the same instant.
# Knobs: BENCH_COST_RUNS (3; quick 1), BENCH_COST_WINDOW (seconds: 60; quick 20),
#        BENCH_COST_INTERVAL (1).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"

runs=$(knob BENCH_COST_RUNS 3 1)
window=$(knob BENCH_COST_WINDOW 60 20)
interval=$(knob BENCH_COST_INTERVAL 1 1)
limit=$(awk -v w="$window" -v i="$interval" 'BEGIN { printf "%d\n", w + 6 * i + 30 }')
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

column() {              # column NAME FILE...: the values of one column of supervision_cost.py's output
  awk -F'\t' -v name="$1" 'FNR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
                           { print $c }' "${@:2}"
}

for ((run = 0; run < runs; run++)); do
  dir="$BENCH_WORK/run.$run"
  mkdir -p "$dir"
  in_client "$limit" "$BENCH_PYTHON" "$here/supervision_cost.py" --ours "$BENCH_BETTER_PING" \
    --ref "$BENCH_REF" --plain "$BENCH_OURS" --floor "$BENCH_FLOOR" --target "$BENCH_TARGET4" --interval "$interval" \
    --window "$window" --work "$dir" >"$dir/figures.tsv" 2>"$dir/log" || die "run $run: $(cat "$dir/log")"
  log "cost run $run: CPU ms better_ping + watchdog $(column ours_cpu_ms "$dir/figures.tsv")," \
    "iputils $(column ref_cpu_ms "$dir/figures.tsv"); watchdog wake-ups" \
    "$(column watchdog_wakeups "$dir/figures.tsv") for $(column heartbeats "$dir/figures.tsv")" \
    "heartbeats; $(tail -n 1 "$dir/log")"
done

figures=("$BENCH_WORK"/run.*/figures.tsv)
column ours_cpu_ms "${figures[@]}" >"$BENCH_WORK/cpu.ours"
column ref_cpu_ms "${figures[@]}" >"$BENCH_WORK/cpu.ref"
column watchdog_wakeups "${figures[@]}" >"$BENCH_WORK/watchdog_wakeups"
column heartbeats "${figures[@]}" >"$BENCH_WORK/heartbeats"
column floor_heartbeat_cpu_ms "${figures[@]}" >"$BENCH_WORK/cpu.floor_heartbeat"

spread="median (min–max) of $runs runs"
row --section supervision --paired --spread range --decimals 2 --goal 'ratio<=1' \
  --goal-text "≤ iputils alone" \
  --metric "CPU time over ${window} s at \`-i $interval\`, ms: better_ping + watchdog vs iputils, $spread" \
  "$BENCH_WORK/cpu.ours" "$BENCH_WORK/cpu.ref"
row --section supervision --paired --spread range --decimals 0 --goal 'ratio<=1' \
  --goal-text "wake-ups ≤ heartbeats" \
  --metric "Watchdog wake-ups over ${window} s, next to the heartbeats it received (in the iputils column; ratio = wake-ups per heartbeat, median of the runs): $spread" \
  "$BENCH_WORK/watchdog_wakeups" "$BENCH_WORK/heartbeats"
row --section supervision --paired --spread range --decimals 2 \
  --metric "Floor: CPU time over ${window} s of a bare ping sending one TCP frame per reply (bench/floor_ping.cpp --heartbeat: no watchdog process, no checks, no statistics, no transmit time stamp) vs iputils, ms, $spread" \
  "$BENCH_WORK/cpu.floor_heartbeat" "$BENCH_WORK/cpu.ref"

sum() { column "$1" "${figures[@]}" | awk '{ s += $1 } END { printf "%g", s }'; }
note "Supervision cost: better_ping, iputils ping, our ping and the floors side by side (\`-D -n -i $interval" \
  "$BENCH_TARGET4\`), started a fifth of an interval apart, $runs run(s); each sampled over" \
  "${window} s starting half an interval after one of its replies. CPU = scheduler run time (schedstat, ns; user + system) of the processes;" \
  "ratio = median of the per-run ratios. Totals over all runs, ms: better_ping $(sum pinger_cpu_ms)," \
  "watchdog $(sum watchdog_cpu_ms), iputils $(sum ref_cpu_ms). Watchdog wake-ups = voluntary +" \
  "involuntary context switches: $(sum watchdog_wakeups) for $(sum heartbeats) heartbeats (better_ping's" \
  "reply lines in the window); wake-ups of better_ping itself $(sum pinger_wakeups), of iputils" \
  "$(sum ref_wakeups) for $(sum ref_replies) replies. Our ping without supervision, alongside:" \
  "$(sum plain_cpu_ms) ms, $(sum plain_wakeups) wake-ups. The floors (bench/floor_ping.cpp), alongside:" \
  "bare $(sum floor_cpu_ms) ms, with one TCP frame per reply $(sum floor_heartbeat_cpu_ms) ms."
