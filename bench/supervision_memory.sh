#!/usr/bin/env bash
# Benchmark: peak RSS of each process of better_ping, against iputils ping. better_ping,
# iputils ping and our ping run `-n -c 3 -i 0.2` to the target one after the other, in an order
# that rotates between rounds, ROUNDS times each, under supervision_memory.py: it traces each
# process and reads its VmHWM (/proc/PID/status, KiB) when the process is about to exit. That
# gives better_ping and its watchdog apart (GNU time's ru_maxrss of better_ping would include the
# watchdog it reaps) and the watchdog without the better_ping copy it ran as before its exec.
# Each of better_ping's processes is compared with iputils ping of the same round; our ping is
# measured the same way, for the notes.
# Knobs: BENCH_SUPMEM_ROUNDS (10; quick 3).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"

rounds=$(knob BENCH_SUPMEM_ROUNDS 10 3)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
declare -A bin=([better_ping]=$BENCH_BETTER_PING [ref]=$BENCH_REF [plain]=$BENCH_OURS)
orders=("better_ping ref plain" "ref plain better_ping" "plain better_ping ref")

# One traced run; appends each process's peak to peak.WHO.NAME (NAME as in /proc: better_ping,
# watchdog, ping).
traced_run() {
  local who=$1 round=$2 base="$BENCH_WORK/$1.$2" name kib
  in_client 30 "$BENCH_PYTHON" "$here/supervision_memory.py" --stdout "$base.out" -- \
    "${bin[$who]}" -n -c 3 -i 0.2 "$BENCH_TARGET4" >"$base.peaks" ||
    die "$who: ${bin[$who]} -n -c 3 -i 0.2 exited $?: $(tail -n 3 "$base.out")"
  while IFS=$'\t' read -r name kib; do
    echo "$kib" >>"$BENCH_WORK/peak.$who.$name"
  done <"$base.peaks"
}

for ((round = 0; round < rounds; round++)); do
  for who in ${orders[round % 3]}; do traced_run "$who" "$round"; done
  log "rss round $round (KiB):" "$(for f in "$BENCH_WORK"/peak.*; do
    printf '%s %s; ' "${f##*/peak.}" "$(tail -n 1 "$f")"; done)"
done
for f in peak.better_ping.better_ping peak.better_ping.watchdog peak.ref.ping; do
  [ "$(wc -l <"$BENCH_WORK/$f")" -eq "$rounds" ] || die "$f: not one peak per round"
done

spread="median (min–max) of $rounds runs"
row --section supervision --paired --spread range --goal 'ratio<=1' --goal-text "≤ iputils" \
  --metric "Peak RSS of better_ping's main process (\`-c 3 -i 0.2\`), KiB: $spread" \
  "$BENCH_WORK/peak.better_ping.better_ping" "$BENCH_WORK/peak.ref.ping"
row --section supervision --paired --spread range --goal 'ratio<=1' --goal-text "≤ iputils" \
  --metric "Peak RSS of better_ping's watchdog process, KiB: $spread" \
  "$BENCH_WORK/peak.better_ping.watchdog" "$BENCH_WORK/peak.ref.ping"

median() {
  sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
note "Supervision memory: \`-n -c 3 -i 0.2 $BENCH_TARGET4\` by better_ping, iputils ping and our" \
  "ping, $rounds rounds, order rotating. Peak RSS = VmHWM of /proc/PID/status read at each" \
  "process's ptrace exit stop (PTRACE_O_TRACEEXIT; the watchdog followed with TRACEFORK): the" \
  "peak since exec. For one process it reads 50–120 KiB above the ru_maxrss that GNU time prints" \
  "as %M (footprint): on this kernel ru_maxrss seems to miss RSS counts still held per CPU." \
  "Our ping alone, same method: median" \
  "$(median "$BENCH_WORK/peak.plain.ping") KiB. Each row's ratio is the median of the per-round ratios."
