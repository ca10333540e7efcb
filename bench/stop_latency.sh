#!/usr/bin/env bash
# Benchmark: how late better_ping stops after the target falls silent. Each run starts
# `better_ping -D -n -i 0.2 --watchdog-timeout T` to the target; after WARM replies an iptables
# DROP of echo requests in the target namespace makes the target silent (the rule is removed after
# the run). latency = exit time - time of the last reply - T, where
#  - the last reply's time is its capture time on the client's veth (tcpdump, nanosecond pcap),
#  - the exit time is CLOCK_REALTIME read by the parent right after reaping better_ping
#    (lib/measure.py --exit-realtime), the clock of the capture.
# Each run must end with exit code 124 (stopped by the watchdog); the rows are written either way,
# then the benchmark fails if a run ended otherwise. iputils has no watchdog: no comparison.
# Knobs: BENCH_STOP_RUNS (10; quick 5), BENCH_STOP_TIMEOUT (watchdog timeout, s: 10),
#        BENCH_STOP_WARM (replies before the silence: 3).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"

runs=$(knob BENCH_STOP_RUNS 10 5)
timeout_s=$(knob BENCH_STOP_TIMEOUT 10 10)
warm=$(knob BENCH_STOP_WARM 3 3)
interval=0.2
limit=$(awk -v t="$timeout_s" 'BEGIN { printf "%d\n", t + 20 }')
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v iptables >/dev/null || die "iptables not found: run scripts/install-deps"

drop=(INPUT -p icmp --icmp-type echo-request -j DROP)
in_target() { ip netns exec "$BENCH_NS_TARGET" timeout -k 2 10 "$@"; }
silence_on() { in_target iptables -w 5 -I "${drop[@]}"; }
silence_off() {         # deletes every copy of the rule (at most a few: one per run)
  local i
  for ((i = 0; i < 5; i++)); do in_target iptables -w 5 -D "${drop[@]}" 2>/dev/null || return 0; done
}
at_exit silence_off

# One run: appends the latency (ms) to latency.ms when better_ping exited 124, and its exit code
# to codes.
stop_run() {
  local run=$1 base="$BENCH_WORK/run.$1" capture_pid ping_pid rc exit_ns
  bg_start ip netns exec "$BENCH_NS_CLIENT" timeout -k 2 "$limit" \
    tcpdump -i "$BENCH_CLIENT_IF" --time-stamp-precision=nano --immediate-mode -p -n -U -Z root \
    -s 128 -w "$base.pcap" 'icmp[icmptype] == icmp-echoreply' 2>"$base.tcpdump"
  capture_pid=$BG_PID
  wait_for_line "$base.tcpdump" "listening on" 5 || die "tcpdump did not start: $(cat "$base.tcpdump")"

  bg_start in_client "$limit" "$BENCH_PYTHON" "$BENCH_LIB/measure.py" --exit-realtime \
    --timeout $((limit - 5)) --stdout "$base.out" -- "$BENCH_BETTER_PING" -D -n -i "$interval" \
    --watchdog-timeout "$timeout_s" "$BENCH_TARGET4" >"$base.measure" 2>"$base.err"
  ping_pid=$BG_PID
  wait_for_line "$base.out" " bytes from " 10 "$warm" ||
    die "better_ping: fewer than $warm replies in 10 s: $(tail -n 3 "$base.out" "$base.err")"
  silence_on
  bg_wait "$ping_pid" || die "measure.py failed: $(cat "$base.err")"
  silence_off
  bg_stop "$capture_pid"

  read -r _ _ _ rc exit_ns <"$base.measure"
  echo "$rc" >>"$BENCH_WORK/codes"
  if [ "$rc" != 124 ]; then
    log "stop run $run: better_ping exited $rc, not 124: $(tail -n 2 "$base.err")"
    return 0
  fi
  grep -q "^watchdog: no reply from $BENCH_TARGET4 for " "$base.err" ||
    log "stop run $run: warning: no \"watchdog: no reply from ...\" line on stderr"
  py "$here/stop_latency.py" "$base.pcap" "$exit_ns" "$timeout_s" >>"$BENCH_WORK/latency.ms" \
    2>"$base.last" || die "run $run: $(cat "$base.last")"
  log "stop run $run: $(tail -n 1 "$BENCH_WORK/latency.ms") ms late ($(cat "$base.last"))"
}

: >"$BENCH_WORK/codes"
for ((run = 0; run < runs; run++)); do stop_run "$run"; done

stopped=$(grep -cx 124 "$BENCH_WORK/codes" || true)
what="better_ping stop latency after silence (exit − last reply − ${timeout_s} s), ms"
if [ "$stopped" -gt 0 ]; then
  row --section supervision --spread range --decimals 1 --goal 'ours<=20' --unit ms \
    --metric "$what: median (min–max) of $stopped runs" "$BENCH_WORK/latency.ms" -
  row --section supervision --stat max --decimals 1 --goal 'ours<=100' --unit ms \
    --metric "$what: max of $stopped runs" "$BENCH_WORK/latency.ms" -
fi
note "Stop latency: \`better_ping -D -n -i $interval --watchdog-timeout $timeout_s $BENCH_TARGET4\`," \
  "$runs runs; after $warm replies an iptables DROP of echo requests in the target namespace" \
  "silences the target. Latency = exit − last reply − $timeout_s s: the last reply's capture time on" \
  "the client veth (tcpdump, ns) and the exit time read (CLOCK_REALTIME) by the parent right after" \
  "reaping better_ping. It covers the heartbeat, the watchdog's timer, SIGTERM, the summary and the" \
  "exit. systemd allows its own watchdog up to 250 ms of timer slack. iputils has no watchdog." \
  "Exit codes: $(paste -sd' ' "$BENCH_WORK/codes") (124 = stopped by the watchdog)."
[ "$stopped" -eq "$runs" ] || die "$((runs - stopped)) of $runs silence runs did not end with exit code 124"
