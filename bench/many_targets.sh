#!/usr/bin/env bash
# Benchmark: many targets from one process, ours (`ping -n -i 1 -c C -W 2 --targets FILE`)
# against fping 5.1 (`fping -l -p 1000 -i 0 -f FILE`, the issue's command: each target every
# second, ended by SIGINT once its C-th round is sent), one after the other in one run, on a
# target that answers every address of 198.19.0.0/16 and 2001:db8:1::/64 (lib/many_targets.sh).
# From the runs:
#  - sustained load at 10 000 targets for C1 seconds, then 100 000 (50 000 IPv4 + 50 000 IPv6)
#    for C2 seconds: probes the pinger counted against those the target answered (its own ICMP
#    counters); fping stops when its global sequence space runs out, and the row says when;
#  - the RTT error at 10 000 targets: reply lines (no -q) of 63 captured targets against the
#    wire (tcpdump on the client veth, nanosecond stamps);
#  - the send spacing at 100 000 targets, from the same kind of capture (drift);
#  - peak RSS at 1, 10 000 and 100 000 targets (GNU time), and per target above one target.
# Knobs: BENCH_MT_COUNT (probes per target at 10 000 targets, = seconds: 60; quick 15),
#        BENCH_MT_BIG_COUNT (at 100 000: 60; quick 15), BENCH_MT_BIG (100000).
# Full run: about 2 × 60 s + 20 s of fping and start-up: 2.5 min (quick 1 min).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"
# shellcheck source=lib/many_targets.sh
source "$BENCH_LIB/many_targets.sh"

count=$(knob BENCH_MT_COUNT 60 15)
big_count=$(knob BENCH_MT_BIG_COUNT 60 15)
big=$(knob BENCH_MT_BIG 100000 100000)
mid=10000

mt_range_up
mt_check_ours

# run WHO NAME TARGETS COUNT CAPTURE [-q]: one bounded run of ours or fping into $BENCH_WORK/NAME
run() {
  local who=$1 name=$2 n=$3 c=$4 capture=$5 dir limit hosts=(198.19.0.1) quiet=("${@:6}") command
  dir="$BENCH_WORK/$name"
  limit=$((c + 30 + n / 5000))
  if [ "$who" = ours ]; then
    if [ "$MT_OURS_MULTI" = 0 ] && [ "$n" -gt 1 ]; then mt_skip "$dir"; return; fi
    [ "$n" -eq 1 ] || hosts=(--targets "$(mt_targets "$n")")
    mt_run "$dir" "$limit" "$capture" "$BENCH_OURS" -n "${quiet[@]}" -i 1 -c "$c" -W 2 "${hosts[@]}"
  else
    [ "$n" -eq 1 ] || hosts=(-f "$(mt_targets "$n")")
    mapfile -d '' -t command < <(mt_fping_cmd "$c" "${quiet[@]}" "${hosts[@]}")
    mt_run "$dir" "$limit" "$capture" "${command[@]}"
  fi
  log "$name: $(mt_summary "$dir")"
}

run fping fping.1 1 3 0 -q
run ours ours.1 1 3 0 -q
run fping fping.mid "$mid" "$count" 1
run ours ours.mid "$mid" "$count" 1
run fping fping.big "$big" "$big_count" 1
run ours ours.big "$big" "$big_count" 1 -q

w=$BENCH_WORK
mt_py sustained --results "$BENCH_RESULTS" --targets "$mid" --count "$count" \
  --ours "$w/ours.mid" --fping "$w/fping.mid"
mt_py rtt --results "$BENCH_RESULTS" --targets "$mid" --ours "$w/ours.mid" --fping "$w/fping.mid"
mt_py sustained --results "$BENCH_RESULTS" --targets "$big" --count "$big_count" --max-loss 0.01 \
  --interval 1 --ours "$w/ours.big" --fping "$w/fping.big"
mt_py memory --results "$BENCH_RESULTS" --sizes "1,$mid,$big" \
  --ours "$w/ours.1" --ours "$w/ours.mid" --ours "$w/ours.big" \
  --fping "$w/fping.1" --fping "$w/fping.mid" --fping "$w/fping.big"

fping_version=$("$MT_FPING" -v 2>&1 | awk '{print $NF}')
note "Many targets: in these rows the iputils column is **fping $fping_version** (iputils ping" \
  "takes one target). Target host: in the target namespace \`ip route add local 198.19.0.0/16" \
  "dev lo\` (and 2001:db8:1::/64) answers every address; the client routes both ranges via the" \
  "target's veth address (one neighbour entry); the target's ICMP rate limits are lifted." \
  "Lists: 198.19.0.1 upwards, IPv6 (2001:db8:1::1 upwards) beyond 50 000 targets." \
  "Ours: \`ping -n [-q] -i 1 -c C -W 2 --targets FILE\`; fping: \`fping [-q] -l -p 1000 -i 0" \
  "-f FILE\` (the issue's command; \`-c\` would make it keep C response times per target)," \
  "under \`timeout --preserve-status -s INT C-0.5\`: SIGINT half a second after its C-th round." \
  "Runs one after the other: 1 target, C = 3 (-q); $mid targets, C = $count (reply lines on);" \
  "$big targets, C = $big_count (ours -q; fping's reply lines on, it stops before its summary)." \
  "Answered = echo replies the target sent, sent = echo requests it received (its" \
  "/proc/net/snmp and snmp6), counted = the pinger's summaries (fping: its reply lines when it" \
  "stopped before its summary); loss = 1 − counted / (targets × C). RTT error and send" \
  "spacing: tcpdump on the client veth (nanosecond stamps) records the first 63 IPv4 (and IPv6)" \
  "targets; ours' reply lines are paired with the wire by icmp_seq, fping's by [N] = the" \
  "target's N-th request (its sequence numbers are global); both print 3 decimals below 1 ms" \
  "(1 µs steps). Drift: the median, over the captured targets' gaps between two sends, of" \
  "gap − 1 s (a scheduler that adds its own delay to each interval shifts it; jitter does not)," \
  "with 0.01 % of the interval as the bar (the issue's loss bar); the p99 and largest gap" \
  "deviations show the jitter; last − first send − (n − 1) s, whether the run kept time." \
  "Peak RSS: GNU time's %M; fping's at $big is that of its stopped run (it reads its whole" \
  "list before sending), and so is its RSS at $mid if it stopped there."
