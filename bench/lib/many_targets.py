#!/usr/bin/env python3
"""Analysis for the many-targets benchmarks (bench/many_targets.sh, bench/many_targets_cpu.sh):
ours (`ping -q -c C --targets FILE`) against fping 5.1 (`fping -c C -p 1000 -i 0 -f FILE`).

usage: many_targets.py targets N                       the target list, one address a line
       many_targets.py summaries OUTPUT COUNT          exit 0 if OUTPUT holds COUNT summary blocks
       many_targets.py counters RUN                    requests received, answered, replies arrived
       many_targets.py ROW-KIND --results FILE ...     appends report rows (see main())

A run directory (RUN), written by bench/lib/many_targets.sh, holds:
  cmd          the command line                 out, err   its stdout and stderr
  rusage       measure.py's line: "wall_s user_s sys_s exit_code" (µs resolution)
  time         GNU time's last line: "maxrss_kib exit_code"
  client.before, client.after, target.before, target.after
               /proc/net/snmp and /proc/net/snmp6 of both namespaces before and after the run
  capture.pcap optional: the echoes of a few targets, nanosecond time stamps
  skipped      present when the run was not made; its text says why
The target's own ICMP counters are the ground truth: requests it received (InEchos) and
replies it sent (OutEchoReps), IPv4 and IPv6 summed.
"""
import argparse
import collections
import ipaddress
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcap_icmp  # noqa: E402
import stats  # noqa: E402

V4_RANGE = ipaddress.ip_network("198.19.0.0/16")
V6_RANGE = ipaddress.ip_network("2001:db8:1::/64")
V4_MAX = 50_000        # above this, the rest of a list is IPv6: a /16 has only 65 534 hosts

# ours (iputils text): "--- 198.19.0.1 ping statistics ---" then
# "5 packets transmitted, 5 received, 0% packet loss, time 4000ms"
OURS_HEAD = re.compile(r"^--- (\S+) ping statistics ---$")
OURS_COUNTS = re.compile(r"^(\d+) packets transmitted, (\d+) received\b")
# "64 bytes from 198.19.0.7: icmp_seq=3 ttl=64 time=0.051 ms" (IPv6 addresses hold colons)
OURS_REPLY = re.compile(r"^\d+ bytes from (\S+?): icmp_seq=(\d+) .*?\btime=([0-9.]+) ms")
# fping: "198.19.0.1 : xmt/rcv/%loss = 5/5/0%, min/avg/max = ..." (stderr, at the end) and
# "198.19.0.1 : [3], 64 bytes, 0.051 ms (0.049 avg, 0% loss)" ([N]: the target's N-th probe)
FPING_COUNTS = re.compile(r"^(\S+)\s*: xmt/rcv/%loss = (\d+)/(\d+)/")
FPING_REPLY = re.compile(r"^(\S+)\s*: \[(\d+)\], \d+ bytes, ([0-9.]+) ms")
FPING_STOP = "not enough sequence numbers"
SNMP_REQUESTS = ("Icmp:InEchos", "Icmp6InEchos")
SNMP_REPLIES = ("Icmp:OutEchoReps", "Icmp6OutEchoReplies")
SNMP_ARRIVED = ("Icmp:InEchoReps", "Icmp6InEchoReplies")


def target_addresses(count):
    """COUNT addresses: 198.19.0.1 upwards (at most V4_MAX), then 2001:db8:1::1 upwards."""
    v4 = min(count, V4_MAX)
    first4, first6 = int(V4_RANGE.network_address) + 1, int(V6_RANGE.network_address) + 1
    return ([str(ipaddress.IPv4Address(first4 + i)) for i in range(v4)] +
            [str(ipaddress.IPv6Address(first6 + i)) for i in range(count - v4)])


# --- the pingers' text ---------------------------------------------------------------------------

def ours_summaries(lines):
    """{target: (transmitted, received)} from iputils summary blocks."""
    counts, name = {}, None
    for line in lines:
        head = OURS_HEAD.match(line)
        if head:
            name = head.group(1)
            continue
        match = OURS_COUNTS.match(line)
        if match and name is not None:
            counts[name] = (int(match.group(1)), int(match.group(2)))
            name = None
    return counts


def fping_summaries(lines):
    """{target: (sent, received)} from fping's xmt/rcv lines."""
    counts = {}
    for line in lines:
        match = FPING_COUNTS.match(line)
        if match:
            counts[match.group(1)] = (int(match.group(2)), int(match.group(3)))
    return counts


def ours_replies(lines, wanted=None):
    """(target, icmp_seq, rtt_us) of every reply line (duplicates left out)."""
    for line in lines:
        match = OURS_REPLY.match(line)
        if match and "(DUP!)" not in line and (wanted is None or match.group(1) in wanted):
            yield match.group(1), int(match.group(2)), float(match.group(3)) * 1000.0


def fping_replies(lines, wanted=None):
    """(target, probe index from 0, rtt_us) of every reply line ("duplicate for" left out)."""
    for line in lines:
        match = FPING_REPLY.match(line)
        if match and (wanted is None or match.group(1) in wanted):
            yield match.group(1), int(match.group(2)), float(match.group(3)) * 1000.0


def snmp_counters(text):
    """{"Icmp:InEchos": n, ..., "Icmp6InEchos": n, ...} from /proc/net/snmp + /proc/net/snmp6."""
    counters, header = {}, None
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        if fields[0].endswith(":"):              # snmp: a line of names, then a line of values
            if header and header[0] == fields[0] and all(f.lstrip("-").isdigit() for f in fields[1:]):
                counters.update({fields[0] + k: int(v) for k, v in zip(header[1:], fields[1:])})
                header = None
            else:
                header = fields
        elif len(fields) == 2 and fields[1].isdigit():   # snmp6: "Name value"
            counters[fields[0]] = int(fields[1])
    return counters


def run_figures(rusage_text, time_text):
    """measure.py's "wall user sys exit" and GNU time's last line "maxrss_kib exit" as one dict,
    or None when either is missing (the run was killed before it could write them)."""
    rusage = rusage_text.split()
    lines = [line.split() for line in time_text.splitlines() if line.strip()]
    if len(rusage) != 4 or not lines or len(lines[-1]) != 2:
        return None
    return {"wall_s": float(rusage[0]), "user_s": float(rusage[1]), "sys_s": float(rusage[2]),
            "maxrss_kib": int(lines[-1][0]), "exit": int(lines[-1][1])}


# --- the wire --------------------------------------------------------------------------------

WireTarget = collections.namedtuple("WireTarget", "sends rtts")   # sends: [(ns, ident, seq)]


def wire_by_target(packets):
    """{target: WireTarget}: each target's requests in capture order and the wire RTT (µs) of
    each answered one, keyed (ident, seq); a reply is matched to its target's request."""
    sends = collections.defaultdict(list)
    sent_at, rtts = {}, collections.defaultdict(dict)
    for p in packets:
        if p.kind == "request":
            sends[p.dst].append((p.time_ns, p.ident, p.seq))
            sent_at.setdefault((p.dst, p.ident, p.seq), p.time_ns)
        else:
            key = (p.src, p.ident, p.seq)
            if key in sent_at and (p.ident, p.seq) not in rtts[p.src]:
                rtts[p.src][(p.ident, p.seq)] = (p.time_ns - sent_at[key]) / 1000.0
    return {t: WireTarget(s, rtts[t]) for t, s in sends.items()}


def rtt_errors(replies, wire, by):
    """reported − wire (µs) of each reply line of a captured target. by="seq": the line's
    icmp_seq is the wire sequence (ours, as iputils); by="index": the line's [N] is the
    target's N-th request in the capture, from 0 (fping, whose sequence space is global)."""
    errors = []
    for target, number, reported_us in replies:
        entry = wire.get(target)
        if entry is None:
            continue
        if by == "seq":
            wire_us = next((rtt for (_, seq), rtt in entry.rtts.items() if seq == number & 0xFFFF),
                           None)
        elif number < len(entry.sends):
            _, ident, seq = entry.sends[number]
            wire_us = entry.rtts.get((ident, seq))
        else:
            wire_us = None
        if wire_us is not None:
            errors.append(reported_us - wire_us)
    return errors


def schedule(wire, interval_s):
    """Send spacing of the captured targets: over every gap between two sends to one target,
    the median of gap − INTERVAL (µs: a drift shows there, jitter does not), the p99 and the
    largest |gap − INTERVAL| (ms); per target, last send − first send − (n − 1) × INTERVAL, the
    median over the targets (ms: where the run ended up); and the number of targets."""
    gaps, spans = [], []
    for entry in wire.values():
        times = [ns / 1e9 for ns, _, _ in entry.sends]
        if len(times) < 2:
            continue
        gaps += [b - a - interval_s for a, b in zip(times, times[1:])]
        spans.append(times[-1] - times[0] - (len(times) - 1) * interval_s)
    if not gaps:
        return None
    deviations = [abs(g) for g in gaps]
    return {"median_gap_us": stats.median(gaps) * 1e6,
            "p99_gap_ms": stats.percentile(deviations, 99) * 1e3,
            "max_gap_ms": max(deviations) * 1e3, "span_ms": stats.median(spans) * 1e3,
            "targets": len(spans)}


# --- one run ---------------------------------------------------------------------------------

def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _delta(run_dir, side, names):
    before = snmp_counters(_read(os.path.join(run_dir, side + ".before")) or "")
    after = snmp_counters(_read(os.path.join(run_dir, side + ".after")) or "")
    return sum(after.get(n, 0) - before.get(n, 0) for n in names)


class Run:
    """What one run directory says. kind: "ours" or "fping"."""

    def __init__(self, run_dir, kind):
        self.dir, self.kind = run_dir, kind
        self.skipped = _read(os.path.join(run_dir, "skipped"))
        if self.skipped is not None:
            self.skipped = self.skipped.strip()
            return
        self.out = (_read(os.path.join(run_dir, "out")) or "").splitlines()
        self.err = (_read(os.path.join(run_dir, "err")) or "").splitlines()
        self.time = run_figures(_read(os.path.join(run_dir, "rusage")) or "",
                                _read(os.path.join(run_dir, "time")) or "")
        self.requests = _delta(run_dir, "target", SNMP_REQUESTS)
        self.answered = _delta(run_dir, "target", SNMP_REPLIES)
        self.arrived = _delta(run_dir, "client", SNMP_ARRIVED)
        summaries = ours_summaries(self.out) if kind == "ours" else fping_summaries(self.err)
        self.summaries = summaries
        self.sent = sum(s for s, _ in summaries.values())
        if kind == "fping" and not summaries:
            # fping stopped without its summary: count its reply lines instead.
            self.counted = sum(1 for _ in fping_replies(self.out))
        else:
            self.counted = sum(r for _, r in summaries.values())
        self.stop = next((line.strip() for line in self.err if FPING_STOP in line), None)

    @property
    def cpu_s(self):
        return self.time["user_s"] + self.time["sys_s"]

    def replies(self, wanted):
        parse = ours_replies if self.kind == "ours" else fping_replies
        return list(parse(self.out, wanted))

    def wire(self):
        path = os.path.join(self.dir, "capture.pcap")
        return wire_by_target(pcap_icmp.echo_packets(path)) if os.path.exists(path) else {}


# --- rows ------------------------------------------------------------------------------------

def grouped(n):
    return f"{n:,}".replace(",", " ")


def row(results, metric, ours, ref, goal="—", met=None, ratio=None, values=None,
        section="many_targets"):
    """Appends one row in summarize.py's format (report.py reads it)."""
    line = {"section": section, "metric": metric, "ours": ours, "ref": ref,
            "ratio": "—" if ratio is None else f"{ratio:.3f}×", "goal": goal,
            "met": "—" if met is None else ("yes" if met else "**no**"), "values": values or {}}
    with open(results, "a") as f:
        f.write(json.dumps(line, ensure_ascii=False) + "\n")


def sustained_cell(run, planned):
    """'counted C of A answered, S sent; loss L %' plus how the run ended."""
    if run.skipped is not None:
        return f"— ({run.skipped})", None
    loss = 100.0 * (planned - run.counted) / planned if planned else 0.0
    text = (f"counted {grouped(run.counted)} of {grouped(run.answered)} answered "
            f"({grouped(run.requests)} of {grouped(planned)} sent); loss {loss:.3f} %")
    code = run.time["exit"] if run.time else "?"
    wall = f"{run.time['wall_s']:.1f} s" if run.time else "? s"
    if run.stop:
        text += f"; **stopped at {wall}, exit {code}**: `{FPING_STOP}`"
    else:
        text += f"; {wall}, exit {code}"
    return text, loss


def sustained_met(run, planned, loss, max_loss):
    if run.skipped is not None or run.time is None:
        return None
    return (run.counted == run.answered and run.requests == planned and not run.stop and
            (max_loss is None or loss <= max_loss))


def rows_sustained(args):
    planned = args.targets * args.count
    ours, fping = Run(args.ours, "ours"), Run(args.fping, "fping")
    ours_text, ours_loss = sustained_cell(ours, planned)
    fping_text, _ = sustained_cell(fping, planned)
    goal = "every answered probe counted, all sent"
    if args.max_loss is not None:
        goal += f"; loss ≤ {args.max_loss:g} %"
    row(args.results,
        f"Sustained load, {grouped(args.targets)} targets at `-i 1`, {args.count} probes each "
        f"({args.count} s): probes counted by the pinger / answered by the target",
        ours_text, fping_text, goal, sustained_met(ours, planned, ours_loss, args.max_loss),
        values={"ours_counted": None if ours.skipped else ours.counted,
                "ref_counted": None if fping.skipped else fping.counted, "planned": planned})
    if args.interval is None:
        return
    cells = []
    for run in (ours, fping):
        figures = None if run.skipped else schedule(run.wire(), args.interval)
        cells.append(figures)
    texts = [schedule_text(f, r) for f, r in zip(cells, (ours, fping))]
    met = None if cells[0] is None else abs(cells[0]["median_gap_us"]) <= args.max_drift_us
    row(args.results,
        f"Schedule at {grouped(args.targets)} targets, each captured target's gaps between sends: "
        f"median of gap − 1 s, µs; p99 / max of \\|gap − 1 s\\|, ms; last − first send − "
        f"(n − 1) s, ms", texts[0], texts[1],
        f"no drift: \\|median gap − 1 s\\| ≤ {args.max_drift_us:g} µs", met,
        values={"ours": cells[0], "ref": cells[1]})


def schedule_text(figures, run):
    if run.skipped is not None:
        return "—"
    if figures is None:
        return "— (fewer than 2 sends per captured target)"
    return (f"{figures['median_gap_us']:+.1f}; {figures['p99_gap_ms']:.2f} / "
            f"{figures['max_gap_ms']:.2f}; {figures['span_ms']:+.2f} ({figures['targets']} targets)")


def error_figures(run):
    """(p50, p99, max) of |reported − wire| µs and the sample count, or None."""
    if run.skipped is not None:
        return None
    wire = run.wire()
    errors = [abs(e) for e in rtt_errors(run.replies(set(wire)), wire,
                                          "seq" if run.kind == "ours" else "index")]
    if not errors:
        return None
    return (stats.percentile(errors, 50), stats.percentile(errors, 99), max(errors), len(errors))


def rows_rtt(args):
    ours, fping = Run(args.ours, "ours"), Run(args.fping, "fping")
    figures = [error_figures(ours), error_figures(fping)]

    def text(f, run):
        if run.skipped is not None:
            return "—"
        if f is None:
            return "— (no reply line matched the capture)"
        return f"{f[0]:.1f} / {f[1]:.1f} / {f[2]:.1f} ({grouped(f[3])} replies)"

    ratio = (figures[0][1] / figures[1][1]
             if figures[0] and figures[1] and figures[1][1] > 0 else None)
    row(args.results,
        f"RTT error while {grouped(args.targets)} targets run: p50 / p99 / max of "
        f"\\|reported − wire\\|, µs (the captured targets' reply lines)",
        text(figures[0], ours), text(figures[1], fping), f"p99 ≤ {args.max_p99_us:g} µs",
        None if figures[0] is None else figures[0][1] <= args.max_p99_us, ratio,
        values={"ours": figures[0], "ref": figures[1]})


def rows_memory(args):
    """Peak RSS at 1 target and at each larger run; per target above the single target."""
    sizes = args.sizes
    runs = {"ours": [Run(d, "ours") for d in args.ours], "fping": [Run(d, "fping") for d in args.fping]}

    def rss(run):
        return None if run.skipped is not None or run.time is None else run.time["maxrss_kib"]

    def per_target(kind):
        one = rss(runs[kind][0])
        return [None if one is None or rss(r) is None else (rss(r) - one) * 1024 / n
                for r, n in zip(runs[kind][1:], sizes[1:])]

    def join(values, fmt):
        return " / ".join("—" if v is None else fmt(v) for v in values)

    label = " / ".join(grouped(n) for n in sizes)
    row(args.results, f"Peak RSS at {label} targets, KiB",
        join([rss(r) for r in runs["ours"]], grouped), join([rss(r) for r in runs["fping"]], grouped))
    ours, ref = per_target("ours"), per_target("fping")
    known = [v for v in ours if v is not None]
    ratio = ours[-1] / ref[-1] if ours[-1] is not None and ref[-1] else None
    row(args.results,
        f"Memory per target above one target, (RSS(N) − RSS(1)) / N, bytes, at N = "
        f"{' / '.join(grouped(n) for n in sizes[1:])}",
        join(ours, lambda v: grouped(round(v))), join(ref, lambda v: grouped(round(v))),
        f"≤ {args.max_bytes:g} B per target", (max(known) <= args.max_bytes) if known else None,
        ratio, values={"ours": ours, "ref": ref})


def rows_cpu(args):
    """CPU per probe, paired runs: (user + sys) / requests the target received; the user time
    alone is shown too (sys holds the target's answer, computed in the sender's context)."""
    def per_probe(run_dir, kind):
        run = Run(run_dir, kind)
        if run.skipped is not None or run.time is None or run.requests <= 0:
            return None, None
        return run.cpu_s * 1e6 / run.requests, run.time["user_s"] * 1e6 / run.requests

    ours, ours_user = zip(*[per_probe(d, "ours") for d in args.ours])
    ref, ref_user = zip(*[per_probe(d, "fping") for d in args.fping])

    def cell(values, user):
        values, user = [v for v in values if v is not None], [v for v in user if v is not None]
        if not values:
            return "—", None
        mid = stats.median(values)
        return (f"{mid:.2f} ({min(values):.2f}–{max(values):.2f}); user "
                f"{stats.median(user):.2f}"), mid

    (ours_text, ours_mid), (ref_text, _) = cell(ours, ours_user), cell(ref, ref_user)
    pairs = [o / r for o, r in zip(ours, ref) if o is not None and r]
    ratio = stats.median(pairs) if pairs else None
    row(args.results,
        f"CPU per probe at {grouped(args.targets)} targets, `-i 1`, {args.count} probes each: "
        f"(user + sys) / probes sent, µs: median (min–max) of {len(args.ours)} runs; user alone, "
        f"median", ours_text, ref_text, f"≤ {args.max_ratio:g}× fping",
        None if ratio is None else ratio <= args.max_ratio, ratio,
        values={"ours": list(ours), "ref": list(ref), "ours_median": ours_mid})


def main(argv=None):
    parser = argparse.ArgumentParser(usage=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("targets")
    p.add_argument("count", type=int)
    p = sub.add_parser("summaries")
    p.add_argument("output")
    p.add_argument("count", type=int)
    p = sub.add_parser("counters")
    p.add_argument("run")
    for name in ("sustained", "rtt", "memory", "cpu"):
        p = sub.add_parser(name)
        p.add_argument("--results", required=True)
        p.add_argument("--targets", type=int)
        p.add_argument("--count", type=int)
        multiple = name in ("memory", "cpu")
        p.add_argument("--ours", required=True, action="append" if multiple else "store")
        p.add_argument("--fping", required=True, action="append" if multiple else "store")
        p.add_argument("--max-loss", type=float)
        p.add_argument("--interval", type=float)
        p.add_argument("--max-drift-us", type=float, default=100.0)   # 0.01 % of 1 s
        p.add_argument("--max-p99-us", type=float, default=10.0)
        p.add_argument("--max-bytes", type=float, default=1024.0)
        p.add_argument("--max-ratio", type=float, default=1.0)
        p.add_argument("--sizes", type=lambda s: [int(v) for v in s.split(",")])
    args = parser.parse_args(argv)

    if args.command == "targets":
        print("\n".join(target_addresses(args.count)))
    elif args.command == "summaries":
        with open(args.output, errors="replace") as f:
            found = len(ours_summaries(f.read().splitlines()))
        return 0 if found == args.count else 1
    elif args.command == "counters":
        run = Run(args.run, "ours")
        print(run.requests, run.answered, run.arrived)
    else:
        {"sustained": rows_sustained, "rtt": rows_rtt, "memory": rows_memory,
         "cpu": rows_cpu}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
