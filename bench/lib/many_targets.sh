# shellcheck shell=bash
# Shared by bench/many_targets.sh and bench/many_targets_cpu.sh: a target host that answers whole
# ranges, target lists, fping, the check that ours takes several targets, and recorded runs.
# Sourced after lib/common.sh, never run.
#
#   client namespace                               target namespace
#   198.19.0.0/16   via 198.18.0.2  ---- veth ---> local 198.19.0.0/16 dev lo    (AnyIP: every
#   2001:db8:1::/64 via 2001:db8:be::2             local 2001:db8:1::/64 dev lo   address answers)
#
# Routed, not on-link: the client needs one neighbour entry (the target's), whatever the count.

MT_V4_NET=198.19.0.0/16 MT_V6_NET=2001:db8:1::/64
# The targets captured for the RTT error and the send spacing: the first 63 of each list (and
# the first 63 IPv6 ones when the list reaches them).
MT_CAPTURED="(icmp or icmp6) and (net 198.19.0.0/26 or net 2001:db8:1::/122)"
MT_FPING=${BENCH_FPING:-$(command -v fping || true)}
MT_OURS_MULTI=1 MT_OURS_WHY=""

mt_py() { py "$BENCH_LIB/many_targets.py" "$@"; }
in_target() { ip netns exec "$BENCH_NS_TARGET" "$@"; }

# The target answers every address of both ranges, as fast as it is asked: the ICMP rate limits
# are per namespace and only the target's are raised (echo replies are outside the default
# ratemask; set anyway so that no limit can bite). Undone at exit.
mt_range_up() {
  local key old
  [ -x "$MT_FPING" ] || die "fping not found: run scripts/install-deps (or set BENCH_FPING)"
  for key in net.ipv4.icmp_ratelimit net.ipv4.icmp_msgs_per_sec net.ipv4.icmp_msgs_burst \
    net.ipv6.icmp.ratelimit; do
    old=$(in_target sysctl -n "$key") || continue
    at_exit "in_target sysctl -qw '$key=$old'"
  done
  in_target sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
  in_target sysctl -qw net.ipv4.icmp_msgs_per_sec=10000000 net.ipv4.icmp_msgs_burst=10000000 ||
    log "could not raise icmp_msgs_per_sec in the target namespace (not namespaced here?)"
  ip -n "$BENCH_NS_TARGET" route add local "$MT_V4_NET" dev lo
  ip -n "$BENCH_NS_TARGET" -6 route add local "$MT_V6_NET" dev lo
  ip -n "$BENCH_NS_CLIENT" route add "$MT_V4_NET" via "$BENCH_TARGET4"
  ip -n "$BENCH_NS_CLIENT" -6 route add "$MT_V6_NET" via "$BENCH_TARGET6"
  at_exit "ip -n '$BENCH_NS_TARGET' route del local '$MT_V4_NET' dev lo"
  at_exit "ip -n '$BENCH_NS_TARGET' -6 route del local '$MT_V6_NET' dev lo"
  at_exit "ip -n '$BENCH_NS_CLIENT' route del '$MT_V4_NET'"
  at_exit "ip -n '$BENCH_NS_CLIENT' -6 route del '$MT_V6_NET'"
}

mt_targets() {          # mt_targets N: the path of a list of N targets (written once)
  local file="$BENCH_WORK/targets.$1"
  [ -s "$file" ] || mt_py targets "$1" >"$file"
  printf '%s' "$file"
}

# Ours with several targets, before anything is measured: three targets, from a file, must each
# get a summary block. If not (the multi-target ping has not landed), ours' cells stay empty and
# a note says why; fping is measured all the same.
# shellcheck disable=SC2034 # MT_OURS_MULTI is read by the scripts that source this file
mt_check_ours() {
  local file out="$BENCH_WORK/check.out" rc=0
  file=$(mt_targets 3)
  in_client 20 "$BENCH_OURS" -n -q -c 1 -W 2 --targets "$file" >"$out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] || ! mt_py summaries "$out" 3; then
    MT_OURS_MULTI=0
    MT_OURS_WHY="\`ping -n -q -c 1 -W 2 --targets FILE\` (3 targets) exited $rc: $(head -n 1 "$out")"
    log "ours is skipped: $MT_OURS_WHY"
    note "Many targets: ours was not measured, it does not take several targets yet: $MT_OURS_WHY."
  fi
}

mt_counters() {         # mt_counters FILE_PREFIX: both namespaces' ICMP counters
  ip netns exec "$BENCH_NS_CLIENT" cat /proc/net/snmp /proc/net/snmp6 >"$1/client.$2"
  in_target cat /proc/net/snmp /proc/net/snmp6 >"$1/target.$2"
}

# mt_run DIR LIMIT CAPTURE(0|1) CMD...: runs CMD in the client namespace, bounded by LIMIT
# seconds, between two readings of the ICMP counters, optionally with the captured targets'
# packets recorded (nanosecond time stamps). DIR/rusage: wall, user, sys, exit; DIR/time: peak
# RSS (KiB) and exit code.
mt_run() {
  local dir=$1 limit=$2 capture=$3 capture_pid=""
  shift 3
  mkdir -p "$dir"
  printf '%s\n' "$*" >"$dir/cmd"
  if [ "$capture" = 1 ]; then
    bg_start ip netns exec "$BENCH_NS_CLIENT" timeout -k 2 $((limit + 10)) \
      tcpdump -i "$BENCH_CLIENT_IF" -j host --time-stamp-precision=nano --immediate-mode -p -n -U \
      -Z root -s 128 -w "$dir/capture.pcap" "$MT_CAPTURED" 2>"$dir/tcpdump"
    capture_pid=$BG_PID
    wait_for_line "$dir/tcpdump" "listening on" 5 || die "tcpdump did not start: $(cat "$dir/tcpdump")"
  fi
  mt_counters "$dir" before
  # measure.py: user and sys from wait4 in µs (GNU time prints 10 ms steps), of GNU time and
  # the ping it waits for; GNU time, a small C parent: the ping's own peak RSS and exit code.
  in_client "$limit" "$BENCH_PYTHON" "$BENCH_LIB/measure.py" --timeout $((limit + 5)) \
    --stdout "$dir/out" -- /usr/bin/time -f '%M %x' -o "$dir/time" "$@" >"$dir/rusage" \
    2>"$dir/err" || true
  mt_counters "$dir" after
  if [ -n "$capture_pid" ]; then
    sleep 0.5
    bg_stop "$capture_pid"
  fi
}

# fping's command for TARGETS... at 1 s for C rounds: `fping -l -p 1000 -i 0` as in the issue
# (with -c fping keeps an array of C response times per target, which would inflate its memory),
# ended by SIGINT, on which it prints its summary, half a second after its C-th round began.
mt_fping_cmd() {        # mt_fping_cmd C [-q] TARGET_ARGS...
  local c=$1
  shift
  printf '%s\0' timeout --preserve-status -s INT "$((c - 1)).5" "$MT_FPING" -l -p 1000 -i 0 "$@"
}

mt_skip() {             # mt_skip DIR: a run of ours that was not made
  mkdir -p "$1"
  echo "not run: ours takes one target" >"$1/skipped"
}

mt_summary() {          # mt_summary DIR: one line for the log
  local requests answered arrived
  read -r requests answered arrived < <(mt_py counters "$1")
  printf 'wall/user/sys/exit %s; peak RSS/exit %s; the target received %s requests, answered %s; %s replies arrived' \
    "$(tr '\t' ' ' <"$1/rusage")" "$(tail -n 1 "$1/time" 2>/dev/null)" "$requests" "$answered" "$arrived"
  grep -m1 -h "not enough sequence" "$1/err" | sed 's/^/; /' || true
}
