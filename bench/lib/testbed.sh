# shellcheck shell=bash
# The benchmarks' test host: two network namespaces of our own joined by a veth pair.
#
#   client namespace  bpbench-c-PID                 target namespace  bpbench-t-PID
#   +----------------------------------+           +----------------------------------+
#   | veth0  198.18.0.1/24             |<--------->| veth1  198.18.0.2/24             |
#   |        2001:db8:be::1/64         |   veth    |        2001:db8:be::2/64         |
#   +----------------------------------+           +----------------------------------+
#
# The pings run in the client namespace, which has no route anywhere but the veth: nothing a
# benchmark starts can reach another host or the machine's resolver. The neighbour entries are
# permanent on both sides, so no probe waits for ARP/ND (the capture would not see that wait, and
# it would inflate the first RTT, iputils #623).
# Sourced by bench/run, which calls testbed_up and registers testbed_down with at_exit.

testbed_up() {
  export BENCH_NS_CLIENT="bpbench-c-$$" BENCH_NS_TARGET="bpbench-t-$$"
  export BENCH_CLIENT_IF=veth0 BENCH_TARGET_IF=veth1
  export BENCH_CLIENT4=198.18.0.1 BENCH_TARGET4=198.18.0.2
  export BENCH_CLIENT6=2001:db8:be::1 BENCH_TARGET6=2001:db8:be::2
  local c=$BENCH_NS_CLIENT t=$BENCH_NS_TARGET

  ip netns add "$c"
  ip netns add "$t"
  ip -n "$c" link add "$BENCH_CLIENT_IF" type veth peer name "$BENCH_TARGET_IF" netns "$t"
  ip -n "$c" addr add "$BENCH_CLIENT4/24" dev "$BENCH_CLIENT_IF"
  ip -n "$t" addr add "$BENCH_TARGET4/24" dev "$BENCH_TARGET_IF"
  ip -n "$c" addr add "$BENCH_CLIENT6/64" dev "$BENCH_CLIENT_IF" nodad
  ip -n "$t" addr add "$BENCH_TARGET6/64" dev "$BENCH_TARGET_IF" nodad
  ip -n "$c" link set lo up
  ip -n "$t" link set lo up
  ip -n "$c" link set "$BENCH_CLIENT_IF" up
  ip -n "$t" link set "$BENCH_TARGET_IF" up

  local mac_c mac_t
  mac_c=$(ip -n "$c" -o link show "$BENCH_CLIENT_IF" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
  mac_t=$(ip -n "$t" -o link show "$BENCH_TARGET_IF" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
  ip -n "$c" neigh replace "$BENCH_TARGET4" lladdr "$mac_t" dev "$BENCH_CLIENT_IF" nud permanent
  ip -n "$t" neigh replace "$BENCH_CLIENT4" lladdr "$mac_c" dev "$BENCH_TARGET_IF" nud permanent
  ip -n "$c" neigh replace "$BENCH_TARGET6" lladdr "$mac_t" dev "$BENCH_CLIENT_IF" nud permanent
  ip -n "$t" neigh replace "$BENCH_CLIENT6" lladdr "$mac_c" dev "$BENCH_TARGET_IF" nud permanent
}

testbed_down() {
  [ -n "${BENCH_NS_CLIENT:-}" ] && ip netns del "$BENCH_NS_CLIENT" 2>/dev/null
  [ -n "${BENCH_NS_TARGET:-}" ] && ip netns del "$BENCH_NS_TARGET" 2>/dev/null
  return 0
}

# Deletes test hosts left behind by a bench/run that was killed with SIGKILL (its pid is gone).
testbed_reap_stale() {
  local ns pid
  for ns in $(ip netns list | awk '{print $1}'); do
    [[ $ns =~ ^bpbench-[ct]-([0-9]+)$ ]] || continue
    pid=${BASH_REMATCH[1]}
    kill -0 "$pid" 2>/dev/null && continue
    log "deleting stale namespace $ns"
    ip netns del "$ns" 2>/dev/null || true
  done
}
