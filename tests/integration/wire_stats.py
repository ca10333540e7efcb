#!/usr/bin/env python3
"""RTT statistics of one ping run, computed from a packet capture of the pinger's interface.

usage: wire_stats.py SOURCE_DIR CAPTURE [ADDRESS]

SOURCE_DIR is the better_ping source tree (the pcap reader is bench/lib/pcap_icmp.py);
CAPTURE a classic pcap file; ADDRESS, if given, keeps only echo requests to it and replies
from it. Prints one JSON object, times in milliseconds:

  {"requests": N, "replies": N, "p50": .., "p90": .., "p99": .., "mean": .., "jitter": ..,
   "jitter_skipped": N}

The definitions (stats_wire_it_test.cpp compares them with ping's --json summary):
  pairing    each echo request with the FIRST reply that carries its (identifier, sequence);
             RTT = reply capture time - request capture time. Later copies are duplicates.
  p50/90/99  nearest rank: the sorted RTTs' element number ceil(p * n), counting from 1.
  mean       the arithmetic mean of the RTTs.
  jitter     RFC 3550 section 6.4.1's estimator J += (|D| - J) / 16, J starting at 0, with
             D = RTT(i) - RTT(i-1) between consecutive USED replies, walked in arrival order.
             A reply is not used when it arrives after the reply to a later sequence number
             (it was overtaken: reordered), as ping skips it; jitter_skipped counts those.
Exit status: 0, or 1 (with a message on stderr) if no reply matched a request.
"""
import json
import os
import sys


def _later(a, b):
    """Whether 16-bit sequence number a comes after b (RFC 1982 serial arithmetic)."""
    return a != b and ((a - b) & 0xFFFF) < 0x8000


def _nearest_rank(sorted_values, percent):
    """Element ceil(percent / 100 * n) (1-based), in integers: 0.99 * 300 is not exact."""
    rank = max(1, -(-percent * len(sorted_values) // 100))
    return sorted_values[rank - 1]


def first_replies(packets, address=None):
    """(seq, rtt_ns) of each request's first reply, in the replies' arrival order."""
    sent = {}        # (ident, seq) -> request capture time
    answered = set()
    replies = []
    for p in packets:
        key = (p.ident, p.seq)
        if p.kind == "request" and (address is None or p.dst == address):
            sent.setdefault(key, p.time_ns)
        elif p.kind == "reply" and (address is None or p.src == address):
            if key in sent and key not in answered:
                answered.add(key)
                replies.append((p.seq, p.time_ns - sent[key]))
    return len(sent), replies


def jitter_ns(replies):
    """RFC 3550 estimator over the replies not overtaken by a later sequence's reply."""
    jitter, previous, highest, skipped = 0.0, None, None, 0
    for seq, rtt in replies:
        if highest is not None and _later(highest, seq):
            skipped += 1
            continue
        highest = seq
        if previous is not None:
            jitter += (abs(rtt - previous) - jitter) / 16
        previous = rtt
    return jitter, skipped


def wire_stats(packets, address=None):
    requests, replies = first_replies(packets, address)
    if not replies:
        return None
    rtts = sorted(rtt for _, rtt in replies)
    jitter, skipped = jitter_ns(replies)
    ms = 1e-6
    return {
        "requests": requests,
        "replies": len(replies),
        "p50": _nearest_rank(rtts, 50) * ms,
        "p90": _nearest_rank(rtts, 90) * ms,
        "p99": _nearest_rank(rtts, 99) * ms,
        "mean": sum(rtts) / len(rtts) * ms,
        "jitter": jitter * ms,
        "jitter_skipped": skipped,
    }


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    sys.path.insert(0, os.path.join(argv[1], "bench", "lib"))
    import pcap_icmp  # pylint: disable=import-outside-toplevel

    address = argv[3] if len(argv) == 4 else None
    # Capture order is arrival order: tcpdump writes the records as the interface sees them.
    stats = wire_stats(list(pcap_icmp.echo_packets(argv[2])), address)
    if stats is None:
        sys.stderr.write(f"wire_stats: no reply matched a request in {argv[2]}\n")
        return 1
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
