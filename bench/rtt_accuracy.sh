#!/usr/bin/env bash
# Benchmark: RTT accuracy. Each reply line's RTT is compared with the RTT on the wire, taken from a
# packet capture on the client's veth (tcpdump, nanosecond time stamps; rtt_errors.py pairs
# requests and replies by identifier and sequence). Error = reported - wire. Measured idle and
# with every core busy (one bounded busy loop per core, killed afterwards).
# `-3` (three decimals) is passed to a binary that accepts it; otherwise its printed decimals are
# parsed (iputils 20221126 has no -3 but prints 3 decimals below 1 ms).
# Knobs: BENCH_RTT_COUNT (200; quick 100), BENCH_RTT_INTERVAL (0.01),
#        BENCH_RTT_RUNS (runs per binary and condition: 3; quick 1).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"

count=$(knob BENCH_RTT_COUNT 200 100)
interval=$(knob BENCH_RTT_INTERVAL 0.01 0.01)
runs=$(knob BENCH_RTT_RUNS 3 1)
run_limit=$(awk -v n="$count" -v i="$interval" 'BEGIN { printf "%d\n", n * i + 10 }')
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# A veth has no hardware clock: tcpdump -J lists only "host". Use an adapter type if one exists.
stamp_types=$(in_client 10 tcpdump -J -i "$BENCH_CLIENT_IF" 2>&1 | sed -n 's/^ *\([a-z_]*\) (.*/\1/p')
stamp_type=host
for t in adapter_unsynced adapter; do
  grep -qx "$t" <<<"$stamp_types" && { stamp_type=$t; break; }
done

# The RTT precision flag a binary accepts: -3 if it answers a ping with it, none otherwise.
precision_flag() {
  if in_client 10 "$1" -3 -n -c 1 -W 2 "$BENCH_TARGET4" >/dev/null 2>&1; then echo -3; fi
}
declare -A flag=([ours]=$(precision_flag "$BENCH_OURS") [ref]=$(precision_flag "$BENCH_REF"))

# One captured run: ping COUNT times while tcpdump records the wire; appends the errors (µs) to
# err.WHO.CONDITION. tcpdump stops by itself after 2*COUNT packets (or at its time limit).
capture_run() {
  local who=$1 condition=$2 run=$3 bin base capture_pid
  bin=$(bin_of "$who")
  base="$BENCH_WORK/$who.$condition.$run"
  bg_start ip netns exec "$BENCH_NS_CLIENT" timeout -k 2 "$run_limit" \
    tcpdump -i "$BENCH_CLIENT_IF" -j "$stamp_type" --time-stamp-precision=nano --immediate-mode \
    -p -n -U -Z root -s 128 -c $((2 * count)) -w "$base.pcap" icmp 2>"$base.tcpdump"
  capture_pid=$BG_PID
  wait_for_line "$base.tcpdump" "listening on" 5 || die "tcpdump did not start: $(cat "$base.tcpdump")"
  # shellcheck disable=SC2086 # the flag is empty or one word
  in_client "$run_limit" "$bin" ${flag[$who]} -n -c "$count" -i "$interval" "$BENCH_TARGET4" \
    >"$base.out" || die "$who: $bin -c $count -i $interval failed: $(tail -n 3 "$base.out")"
  bg_wait "$capture_pid" || true
  py "$here/rtt_errors.py" "$base.pcap" "$base.out" >>"$BENCH_WORK/err.$who.$condition" \
    2>>"$BENCH_WORK/matched.$who.$condition" || die "$who: no reply matched in $base.pcap"
  log "rtt $condition $who #$run: $(tail -n 1 "$BENCH_WORK/matched.$who.$condition")"
}

measure_condition() {
  local condition=$1 run who
  for ((run = 0; run < runs; run++)); do
    for who in $(pair_order "$run"); do capture_run "$who" "$condition" "$run"; done
  done
}

rows_for() {
  local condition=$1 label=$2 n
  local files=("$BENCH_WORK/err.ours.$condition" "$BENCH_WORK/err.ref.$condition")
  n=$(wc -l <"${files[0]}")
  row --section rtt --stat median --signed --decimals 1 --goal 'ours<=2' --goal-text "\|median\| ≤ 2 µs" \
    --metric "RTT error, $label: median of reported − wire, µs ($n replies)" "${files[@]}"
  row --section rtt --stat p99-abs --decimals 1 --goal 'ours<=5' --unit µs \
    --metric "RTT error, $label: p99 of \|reported − wire\|, µs" "${files[@]}"
}

measure_condition idle
cores=$(nproc)
start_cpu_load "$cores" $((runs * 2 * (run_limit + 10) + 30))
measure_condition loaded
stop_cpu_load

rows_for idle idle
rows_for loaded "$cores cores busy"

without_flag() {
  local names=""
  [ -n "${flag[ours]}" ] || names="ours"
  [ -n "${flag[ref]}" ] || names="${names:+$names and }iputils"
  [ -z "$names" ] ||
    echo "No -3 in $names: the printed decimals are parsed (iputils prints 3 below 1 ms: 1 µs steps)."
}
matched() { awk '{ m += $2; n += $4 } END { printf "%d of %d", m, n }' "$BENCH_WORK"/matched."$1".*; }
note "RTT accuracy: \`ping ${flag[ours]:+${flag[ours]} }-n -c $count -i $interval\` (ours) and" \
  "\`ping ${flag[ref]:+${flag[ref]} }-n -c $count -i $interval\` (iputils), $runs run(s) each per" \
  "condition, alternating. Wire RTT from tcpdump on the client veth (time stamp type $stamp_type" \
  "of: $(echo "$stamp_types" | paste -sd' ' -), nanosecond pcap), requests and replies paired by" \
  "(identifier, sequence); error = reported − wire. Loaded: $cores busy loops, one per core." \
  "Reply lines matched to the capture: ours $(matched ours), iputils $(matched ref)." \
  "$(without_flag)"
