#!/usr/bin/env python3
"""RTT error of one ping run: the RTT each reply line reports minus the RTT on the wire.

usage: rtt_errors.py CAPTURE.pcap PING_OUTPUT

The wire RTT of sequence number s is the capture time of the echo reply minus the capture time of
the echo request, both taken on the client's veth (pcap with nanosecond time stamps). Requests and
replies are paired by (identifier, sequence); the identifier is the one most of the captured
requests carry (one ping ran during the capture). The reported RTT is the `time=X ms` of the reply
line with `icmp_seq=s` (duplicates skipped).

stdout: one signed error per matched reply line, in microseconds, in sequence order.
stderr: one line "matched N of M reply lines; ident I" (N < M means lost or uncaptured packets).
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import pcap_icmp  # noqa: E402

REPLY_LINE = re.compile(r"\bicmp_seq=(\d+)\b.*?\btime=([0-9]+(?:\.[0-9]+)?) ms")


def reported_rtts_us(path):
    rtts = {}
    with open(path, errors="replace") as f:
        for line in f:
            match = REPLY_LINE.search(line)
            if match and "(DUP!)" not in line:
                rtts.setdefault(int(match.group(1)), float(match.group(2)) * 1000.0)
    return rtts


def wire_rtts_us(path):
    packets = list(pcap_icmp.echo_packets(path))
    idents = collections.Counter(p.ident for p in packets if p.kind == "request")
    if not idents:
        return None, {}
    ident = idents.most_common(1)[0][0]
    sent, rtts = {}, {}
    for p in packets:
        if p.ident != ident:
            continue
        if p.kind == "request":
            sent.setdefault(p.seq, p.time_ns)
        elif p.seq in sent and p.seq not in rtts:
            rtts[p.seq] = (p.time_ns - sent[p.seq]) / 1000.0
    return ident, rtts


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    reported = reported_rtts_us(sys.argv[2])
    ident, wire = wire_rtts_us(sys.argv[1])
    matched = 0
    for seq in sorted(reported):
        # The printed icmp_seq is the 16-bit wire sequence number (iputils format).
        wire_us = wire.get(seq & 0xFFFF)
        if wire_us is not None:
            print(f"{reported[seq] - wire_us:.3f}")
            matched += 1
    print(f"matched {matched} of {len(reported)} reply lines; ident {ident}", file=sys.stderr)
    return 0 if matched else 1


if __name__ == "__main__":
    sys.exit(main())
