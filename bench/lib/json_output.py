#!/usr/bin/env python3
"""Analysis for bench/json_output.sh (issue 13): ours with `--json` against ours without it, at
10 000 and 100 000 targets, on the target host of lib/many_targets.sh. The reference ("iputils")
column of these rows holds ours WITHOUT --json.

usage: json_output.py cpu --results FILE --targets N --count C --json DIR... --plain DIR...
       json_output.py memory --results FILE --json SIZE=DIR... --plain SIZE=DIR...
       json_output.py received FILE        the received count of a run's last output bytes

Run directories are those of lib/many_targets.sh (mt_run): rusage, time, the ICMP counters;
their stdout went to a pipe, and out.wc holds what `wc -lc` counted on it ("lines bytes").
--json and --plain runs are given in the order they were paired: the i-th of each is one pair.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import many_targets as mt  # noqa: E402
import stats  # noqa: E402

SECTION = "json_output"
# Text: "100000 packets transmitted, 100000 received, ..."; JSON: ..."received":100000,...
RECEIVED = (re.compile(r"\b(\d+) received\b"), re.compile(r'"received":(\d+)'))


def received_count(text):
    """The last received count in TEXT (the tail of a text or JSON run), or None."""
    found = [m for pattern in RECEIVED for m in pattern.finditer(text)]
    if not found:
        return None
    return int(max(found, key=lambda m: m.start()).group(1))


def per_probe_us(figures, requests):
    """(user + sys, user) µs per probe of one run, or None if the run has no figures."""
    if figures is None or requests <= 0:
        return None
    return ((figures["user_s"] + figures["sys_s"]) * 1e6 / requests,
            figures["user_s"] * 1e6 / requests)


def paired_ratio(ours, ref):
    """The median of ours_i / ref_i over the pairs where both are known; None if none is."""
    ratios = [o / r for o, r in zip(ours, ref) if o is not None and r]
    return stats.median(ratios) if ratios else None


def median_by_size(samples):
    """{size: median} of (size, value) pairs, values None left out."""
    by_size = {}
    for size, value in samples:
        if value is not None:
            by_size.setdefault(size, []).append(value)
    return {size: stats.median(values) for size, values in by_size.items()}


def per_target_bytes(rss_kib):
    """{N: (RSS(N) − RSS(1)) × 1024 / N} for every N > 1, from {size: peak RSS KiB}."""
    one = rss_kib.get(1)
    if one is None:
        return {}
    return {n: (kib - one) * 1024 / n for n, kib in rss_kib.items() if n > 1}


def added_bytes(json_kib, plain_kib):
    """{N: (RSS_json(N) − RSS_plain(N)) × 1024 / N}: what --json adds per target."""
    return {n: (json_kib[n] - plain_kib[n]) * 1024 / n
            for n in json_kib if n > 1 and n in plain_kib}


def output_volume(run_dir):
    """(lines, bytes) that the run wrote, from out.wc, or None."""
    try:
        with open(os.path.join(run_dir, "out.wc")) as f:
            fields = f.read().split()
    except FileNotFoundError:
        return None
    return (int(fields[0]), int(fields[1])) if len(fields) == 2 else None


def row(results, metric, ours, ref, goal="—", met=None, ratio=None, values=None):
    mt.row(results, metric, ours, ref, goal, met, ratio, values, section=SECTION)


def cpu_cell(values):
    known = [v for v in values if v is not None]
    if not known:
        return "—", None
    cpu = [c for c, _ in known]
    return (f"{stats.median(cpu):.2f} ({min(cpu):.2f}–{max(cpu):.2f}); user "
            f"{stats.median([u for _, u in known]):.2f}"), stats.median(cpu)


def rows_cpu(args):
    def figures(run_dir):
        run = mt.Run(run_dir, "ours")
        return per_probe_us(run.time, run.requests)

    json_runs = [figures(d) for d in args.json]
    plain_runs = [figures(d) for d in args.plain]
    (json_text, _), (plain_text, _) = cpu_cell(json_runs), cpu_cell(plain_runs)
    ratio = paired_ratio([r and r[0] for r in json_runs], [r and r[0] for r in plain_runs])
    row(args.results,
        f"`--json`: CPU per probe at {mt.grouped(args.targets)} targets, `-i 1`, {args.count} "
        f"probes each, a line per reply to a pipe: (user + sys) / probes sent, µs: median "
        f"(min–max) of {len(args.json)} runs; user alone, median. **iputils column: ours "
        f"without `--json`**", json_text, plain_text,
        f"≤ {args.max_ratio:g}× without `--json`",
        None if ratio is None else ratio <= args.max_ratio, ratio,
        values={"json": json_runs, "plain": plain_runs})
    volumes = {kind: [output_volume(d) for d in dirs]
               for kind, dirs in (("--json", args.json), ("text", args.plain))}
    print("; ".join(f"{kind}: " + ", ".join("?" if v is None else f"{mt.grouped(v[0])} lines "
                                              f"{v[1] / 1e6:.1f} MB" for v in runs)
                    for kind, runs in volumes.items()))


def sized_runs(specs):
    """[(size, Run)] from SIZE=DIR strings."""
    runs = []
    for spec in specs:
        size, _, run_dir = spec.partition("=")
        runs.append((int(size), mt.Run(run_dir, "ours")))
    return runs


def peak_rss(run):
    return None if run.skipped is not None or run.time is None else run.time["maxrss_kib"]


def rows_memory(args):
    json_kib = median_by_size((n, peak_rss(r)) for n, r in sized_runs(args.json))
    plain_kib = median_by_size((n, peak_rss(r)) for n, r in sized_runs(args.plain))
    sizes = sorted(set(json_kib) | set(plain_kib))
    big = [n for n in sizes if n > 1]

    def join(by_size, wanted, fmt):
        return " / ".join("—" if by_size.get(n) is None else fmt(by_size[n]) for n in wanted)

    def rounded(v):
        return mt.grouped(round(v))

    row(args.results,
        f"`--json`: peak RSS at {' / '.join(mt.grouped(n) for n in sizes)} targets, KiB (median "
        f"of the runs). **iputils column: ours without `--json`**",
        join(json_kib, sizes, rounded), join(plain_kib, sizes, rounded))
    json_per, plain_per = per_target_bytes(json_kib), per_target_bytes(plain_kib)
    known = [json_per[n] for n in big if n in json_per]
    top = big[-1] if big else None
    ratio = (json_per[top] / plain_per[top]
             if top in json_per and plain_per.get(top) else None)
    row(args.results,
        f"`--json`: memory per target above one target, (RSS(N) − RSS(1)) / N, bytes, at N = "
        f"{' / '.join(mt.grouped(n) for n in big)}. **iputils column: ours without `--json`**",
        join(json_per, big, rounded), join(plain_per, big, rounded),
        f"≤ {mt.grouped(round(args.max_bytes))} B per target (1 KiB + 2 KiB)",
        (max(known) <= args.max_bytes) if known else None, ratio,
        values={"json_kib": json_kib, "plain_kib": plain_kib, "json": json_per,
                "plain": plain_per})
    added = added_bytes(json_kib, plain_kib)
    row(args.results,
        f"`--json`: memory it adds per target, (RSS with − RSS without) / N, bytes, at N = "
        f"{' / '.join(mt.grouped(n) for n in big)}", join(added, big, rounded), "—",
        values={"added": added})


def main(argv=None):
    parser = argparse.ArgumentParser(usage=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("received")
    p.add_argument("file")
    p = sub.add_parser("cpu")
    p.add_argument("--results", required=True)
    p.add_argument("--targets", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--json", action="append", required=True)
    p.add_argument("--plain", action="append", required=True)
    p.add_argument("--max-ratio", type=float, default=1.2)
    p = sub.add_parser("memory")
    p.add_argument("--results", required=True)
    p.add_argument("--json", action="append", required=True)
    p.add_argument("--plain", action="append", required=True)
    p.add_argument("--max-bytes", type=float, default=3072.0)
    args = parser.parse_args(argv)

    if args.command == "received":
        with open(args.file, errors="replace") as f:
            count = received_count(f.read())
        print("?" if count is None else count)
    elif args.command == "cpu":
        rows_cpu(args)
    else:
        rows_memory(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
