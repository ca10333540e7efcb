#!/usr/bin/env python3
"""Stop latency of one silence run: how late better_ping exited after its silence timeout.

usage: stop_latency.py CAPTURE.pcap EXIT_REALTIME_NS TIMEOUT_S

latency = exit time - capture time of the last echo reply - timeout. The capture is taken on the
client's veth (pcap, nanosecond time stamps, CLOCK_REALTIME); the exit time is the wall-clock time
at which the parent reaped better_ping (lib/measure.py --exit-realtime), on the same clock. The
last reply is the latest one of the identifier most captured replies carry (one ping ran).

stdout: the latency in milliseconds.
stderr: one line "last reply icmp_seq S of ident I; N replies captured".
"""
import collections
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import pcap_icmp  # noqa: E402


def last_reply(packets):
    """The latest echo reply of the most frequent identifier, and how many replies it has."""
    replies = [p for p in packets if p.kind == "reply"]
    if not replies:
        return None, 0
    ident = collections.Counter(p.ident for p in replies).most_common(1)[0][0]
    ours = [p for p in replies if p.ident == ident]
    return max(ours, key=lambda p: p.time_ns), len(ours)


def stop_latency_ms(last_reply_ns, exit_ns, timeout_s):
    return (exit_ns - last_reply_ns) / 1e6 - timeout_s * 1000.0


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    last, count = last_reply(pcap_icmp.echo_packets(sys.argv[1]))
    if last is None:
        raise SystemExit(f"stop_latency.py: no echo reply in {sys.argv[1]}")
    print(f"{stop_latency_ms(last.time_ns, int(sys.argv[2]), float(sys.argv[3])):.3f}")
    print(f"last reply icmp_seq {last.seq} of ident {last.ident}; {count} replies captured",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
