#!/usr/bin/env bash
# Benchmark (issue 14): our exporter (`ping --metrics-listen`) against Debian's
# prometheus-smokeping-prober 0.6.1, side by side in one run, on the target host of
# lib/many_targets.sh (every address of 198.19.0.0/16 answers). Each prober runs alone in the
# client namespace, listens on 127.0.0.1 and is scraped every second by lib/prometheus.py
# (urllib; each scrape's latency and size recorded) for SECONDS s after a warm-up without
# scrapes, over which the CPU is measured too (the probing's own share).
#  1. TARGETS targets at 1 s, ours (`-q`) then smokeping_prober: CPU of the prober over the
#     scraped window (utime + stime of /proc/PID/stat, all its threads) and the ratio; probes
#     answered but not counted: at the cut-off the target stops answering
#     (net.ipv4.icmp_echo_ignore_all=1 in its namespace), SETTLE s later (longer than -W) a final
#     scrape is taken; answered = the target's OutEchoReps since before the prober started,
#     counted = the sum of the RTT histograms' _count in that scrape. Nothing is in flight then:
#     no probe answered before the cut-off can still be on its way, none after it is answered.
#  2. BIG targets, ours only: CPU as % of one core, scrape latency (median/p99/max) and size.
#  3. RTT error against the wire at TARGETS targets: ours scraped every second against ours
#     without --metrics-listen (`-c RTT_SECONDS`), both with reply lines (JSON lines when ours
#     takes --json with --metrics-listen), the first 63 targets captured (tcpdump, nanosecond
#     stamps, on the client veth) as bench/many_targets.sh does.
# Knobs: BENCH_PROM_SECONDS (scraped window: 30; quick 10), BENCH_PROM_RTT_SECONDS (20; quick 10),
#        BENCH_PROM_TARGETS (1000), BENCH_PROM_BIG (10000), BENCH_SMOKEPING (the prober's path).
# Full run: smokeping_prober's start-up (5 to 45 s at 1 000 targets on 2 cores: it starts one
# pinger per ms and listens only then) + 3 × (30 + 7) s + 2 × 25 s: about 3.7 min (quick 1.7).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$BENCH_LIB/common.sh"
# shellcheck source=lib/many_targets.sh
source "$BENCH_LIB/many_targets.sh"

seconds=$(knob BENCH_PROM_SECONDS 30 10)
rtt_seconds=$(knob BENCH_PROM_RTT_SECONDS 20 10)
targets=$(knob BENCH_PROM_TARGETS 1000 1000)
big=$(knob BENCH_PROM_BIG 10000 10000)
smokeping=${BENCH_SMOKEPING:-/usr/bin/prometheus-smokeping-prober}
smokeping_port=19374      # not 9374, its default: nothing else of ours may answer there
warmup=3 settle=3 start_limit=120
ours_exporter=1 ours_why="" output=text

prom_py() { py "$BENCH_LIB/prometheus.py" "$@"; }
prom_client() {           # prom_client SECONDS ARGS...: lib/prometheus.py in the client namespace
  local limit=$1
  shift
  in_client "$limit" "$BENCH_PYTHON" "$BENCH_LIB/prometheus.py" "$@"
}
echo_ignore() { in_target sysctl -qw "net.ipv4.icmp_echo_ignore_all=$1"; }

[ -x "$smokeping" ] || die "$smokeping not found: run scripts/install-deps (or set BENCH_SMOKEPING)"
mt_range_up
old_ignore=$(in_target sysctl -n net.ipv4.icmp_echo_ignore_all)
at_exit "echo_ignore '$old_ignore'"
echo_ignore 0

# Ours as an exporter, before anything is measured: one probe with --metrics-listen must exit 0
# and print the "metrics at" line. If not (the exporter has not landed), ours' cells stay empty
# and a note says why; smokeping_prober is measured all the same. Then whether --json combines
# with it: the RTT error uses JSON lines if so, text reply lines otherwise (same 1 µs steps).
check_ours() {
  local out="$BENCH_WORK/check" rc=0
  in_client 20 "$BENCH_OURS" -n -q -c 1 -W 2 --metrics-listen 127.0.0.1:0 198.19.0.1 \
    >"$out.out" 2>"$out.err" || rc=$?
  if [ "$rc" -ne 0 ] || ! prom_py port "$out.err" >/dev/null; then
    ours_exporter=0
    ours_why="\`ping -n -q -c 1 -W 2 --metrics-listen 127.0.0.1:0 198.19.0.1\` exited $rc:"
    ours_why+=" $(head -n 1 "$out.err")"
    log "ours is skipped: $ours_why"
    note "Exporter: ours was not measured: $ours_why."
    return
  fi
  rc=0
  in_client 20 "$BENCH_OURS" -n --json -c 1 -W 2 --metrics-listen 127.0.0.1:0 198.19.0.1 \
    >"$out.json" 2>"$out.json.err" || rc=$?
  if [ "$rc" -eq 0 ] && grep -q '"type":"reply"' "$out.json"; then output=json; fi
  log "ours' reply lines for the RTT error: $output"
}

prober_pid() {            # prober_pid PID: the child of timeout(1) running as PID, bounded wait
  local i kids
  for ((i = 0; i < 100; i++)); do
    kids=$(cat /proc/"$1"/task/*/children 2>/dev/null || true)
    if [ -n "$kids" ]; then
      printf '%s' "${kids%% *}"
      return 0
    fi
    sleep 0.05
  done
  return 1
}

# The first 63 targets' echoes, as mt_run records them (lib/many_targets.sh); pid in BG_PID.
capture_start() {         # capture_start DIR LIMIT
  bg_start ip netns exec "$BENCH_NS_CLIENT" timeout -k 2 "$2" \
    tcpdump -i "$BENCH_CLIENT_IF" -j host --time-stamp-precision=nano --immediate-mode -p -n -U \
    -Z root -s 128 -w "$1/capture.pcap" "$MT_CAPTURED" 2>"$1/tcpdump"
  wait_for_line "$1/tcpdump" "listening on" 5 || die "tcpdump did not start: $(cat "$1/tcpdump")"
}

# prom_run DIR ours|smokeping SECONDS CAPTURE(0|1) CMD...: runs the prober CMD in the client
# namespace, waits until it answers scrapes, scrapes it every second for SECONDS s after a
# warm-up without scrapes (CPU sampled over both), stops the target's answers (the cut-off),
# takes the final scrape SETTLE s later, then stops the prober with SIGTERM. Files: see
# lib/prometheus.py.
prom_run() {
  local dir=$1 kind=$2 span=$3 capture=$4 runner pid port url limit capture_pid="" rc=0
  local requests answered arrived
  shift 4
  mkdir -p "$dir"
  printf '%s\n' "$*" >"$dir/cmd"
  limit=$((start_limit + span + 30))
  if [ "$capture" = 1 ]; then
    capture_start "$dir" $((limit + 10))
    capture_pid=$BG_PID
  fi
  mt_counters "$dir" before
  bg_start ip netns exec "$BENCH_NS_CLIENT" timeout -k 2 "$limit" "$@" >"$dir/out" 2>"$dir/err"
  runner=$BG_PID
  pid=$(prober_pid "$runner") || die "$kind: no prober process under pid $runner"
  if [ "$kind" = ours ]; then
    wait_for_line "$dir/err" "metrics at http" 10 ||
      die "ours printed no \"metrics at\" line: $(head -n 3 "$dir/err")"
    port=$(prom_py port "$dir/err")
  else
    port=$smokeping_port
  fi
  url="http://127.0.0.1:$port/metrics"
  prom_client $((start_limit + 10)) wait --url "$url" --timeout "$start_limit" ||
    die "$kind did not answer $url within $start_limit s: $(tail -n 2 "$dir/err")"
  prom_client $((span + warmup + 60)) scrape --url "$url" --seconds "$span" --pid "$pid" \
    --out "$dir" --lead-in "$warmup" || die "$kind: the scrapes failed"
  echo_ignore 1
  mt_counters "$dir" cut
  sleep "$settle"
  prom_client 20 once --url "$url" --out "$dir/final.prom" || log "$kind: the final scrape failed"
  mt_counters "$dir" after
  echo_ignore 0
  kill "$runner" 2>/dev/null || true
  bg_wait "$runner" || rc=$?
  echo "$rc" >"$dir/exit"
  if [ -n "$capture_pid" ]; then
    sleep 0.5
    bg_stop "$capture_pid"
  fi
  read -r requests answered arrived < <(mt_py counters "$dir")
  log "$(basename "$dir"): exit $rc after SIGTERM; the target received $requests requests," \
    "answered $answered; $arrived replies arrived"
}

skip() {                  # skip DIR: a run of ours that was not made
  mkdir -p "$1"
  echo "not run: $ours_why" >"$1/skipped"
}

check_ours
w=$BENCH_WORK
list=$(mt_targets "$targets")
ours_q=(-n -q -i 1 -W 2 --metrics-listen 127.0.0.1:0 --targets)
output_flag=()
[ "$output" = text ] || output_flag=(--json)

# 1. side by side: ours, then smokeping_prober (an empty config file: its default one pings a name)
if [ "$ours_exporter" = 1 ]; then
  prom_run "$w/ours.$targets" ours "$seconds" 0 "$BENCH_OURS" "${ours_q[@]}" "$list"
else skip "$w/ours.$targets"; fi
printf 'targets: []\n' >"$w/smokeping.yml"
mapfile -t hosts <"$list"
prom_run "$w/smokeping.$targets" smokeping "$seconds" 0 "$smokeping" \
  --config.file="$w/smokeping.yml" --web.listen-address="127.0.0.1:$smokeping_port" --privileged \
  --ping.interval=1s "${hosts[@]}"
prom_py compare --results "$BENCH_RESULTS" --targets "$targets" --seconds "$seconds" \
  --ours "$w/ours.$targets" --smokeping "$w/smokeping.$targets"

# 2. ours alone at BIG targets
if [ "$ours_exporter" = 1 ]; then
  prom_run "$w/ours.$big" ours "$seconds" 0 "$BENCH_OURS" "${ours_q[@]}" "$(mt_targets "$big")"
else skip "$w/ours.$big"; fi
prom_py scale --results "$BENCH_RESULTS" --targets "$big" --seconds "$seconds" --ours "$w/ours.$big"

# 3. RTT error, scraped every second and without the exporter
if [ "$ours_exporter" = 1 ]; then
  prom_run "$w/rtt.exporter" ours "$rtt_seconds" 1 "$BENCH_OURS" -n "${output_flag[@]}" -i 1 -W 2 \
    --metrics-listen 127.0.0.1:0 --targets "$list"
  # As many rounds as the exporter run answers: the warm-up and the scraped window.
  mt_run "$w/rtt.plain" $((rtt_seconds + warmup + 30)) 1 "$BENCH_OURS" -n "${output_flag[@]}" \
    -i 1 -c $((rtt_seconds + warmup)) -W 2 --targets "$list"
  log "rtt.plain: $(mt_summary "$w/rtt.plain")"
  prom_py rtt --results "$BENCH_RESULTS" --targets "$targets" --output "$output" \
    --exporter "$w/rtt.exporter" --plain "$w/rtt.plain"
fi

smokeping_version=$("$smokeping" --version 2>&1 | awk 'NR == 1 {print $3}')
note "Exporter (issue 14): the iputils column of these rows is **prometheus-smokeping-prober" \
  "$smokeping_version** (Debian), or ours without \`--metrics-listen\` where the row says so." \
  "Target host of the many-targets rows (every address of 198.19.0.0/16 answers); the lists are" \
  "198.19.0.1 upwards. Ours: \`ping -n -q -i 1 -W 2 --metrics-listen 127.0.0.1:0 --targets" \
  "FILE\` (the port from its \"metrics at\" line); smokeping_prober: \`--config.file=EMPTY" \
  "--web.listen-address=127.0.0.1:$smokeping_port --privileged --ping.interval=1s HOST...\`." \
  "One prober at a time, each scraped every second by lib/prometheus.py (urllib, plain text" \
  "0.0.4, no compression; latency = request to last byte) for $seconds s, starting $warmup s" \
  "after its first answered scrape (smokeping_prober listens only once all its pingers have" \
  "started). CPU = utime + stime of /proc/PID/stat (the whole process, all threads) over that" \
  "window / its wall time; \"unscraped\": the same over the $warmup s warm-up just before the" \
  "window, with no scrape (what the probing alone costs); user: utime alone (on a veth the" \
  "target's answers are computed in the sender's context and charged to it as system time)." \
  "Answered but not counted: at the end of the window the target stops answering" \
  "(\`net.ipv4.icmp_echo_ignore_all=1\` in its namespace: the cut-off); $settle s later" \
  "(beyond -W 2) the final scrape is taken, so no answered probe is still in flight and none" \
  "is answered after it; answered = the target's Icmp OutEchoReps from before the" \
  "prober started to after that scrape (read with \`ip netns exec\`); counted = the sum over" \
  "targets of better_ping_rtt_seconds_count / smokeping_response_duration_seconds_count in it." \
  "RTT error: $targets targets, ours scraped every second (ended by SIGTERM) against" \
  "\`-c $((rtt_seconds + warmup))\` without \`--metrics-listen\`, reply lines ($output) of the" \
  "first 63 targets paired by icmp_seq with a tcpdump capture on the client veth (nanosecond" \
  "stamps). smokeping_prober takes whatever CPU it is left (400–500 % at 1 000 targets on 8" \
  "vCPU, its issue #21): its CPU here, and so the ratio, are bounded by the machine's free" \
  "cores, which the scraper (Python) and the target's answers (softirq) share."
