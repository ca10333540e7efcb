#!/usr/bin/env python3
"""Scraper and analysis for bench/prometheus.sh (issue 14): our exporter (`ping --metrics-listen`)
against Debian's prometheus-smokeping-prober 0.6.1, on the target host of lib/many_targets.sh.
Standard library only.

usage: prometheus.py wait --url URL --timeout S      exit 0 once a GET of URL answers 200
       prometheus.py scrape --url URL --seconds D --pid PID --out DIR
                                    scrape every second for D s; DIR/scrapes.tsv, DIR/cpu.tsv
       prometheus.py once --url URL --out FILE       one scrape, its body to FILE
       prometheus.py port FILE                       the port of ours' "metrics at" line
       prometheus.py compare --results F --targets N --seconds D --ours DIR --smokeping DIR
       prometheus.py scale --results F --targets N --seconds D --ours DIR
       prometheus.py rtt --results F --targets N --exporter DIR --plain DIR --output text|json

A run directory (bench/prometheus.sh's prom_run) holds:
  cmd, out, err          the prober's command line, stdout and stderr
  target.before, target.cut, target.after
                         the target namespace's /proc/net/snmp (+ snmp6) before the prober
                         started, when the target stopped answering (the cut-off), and after the
                         settling time, just after the final scrape
  scrapes.tsv            one line per scrape: t_s latency_s ttfb_s status bytes wall_s error
                         (t_s from the window's start; wall_s: Unix time when it was sent)
  cpu.tsv                "clk_tck N", then "t_s ticks user_ticks": utime + stime, and utime, of
                         the prober (/proc/PID/stat, every thread of the process) at the start of
                         the window, at each scrape and at its end; before them "quiet t_s ticks
                         user_ticks" at the start and the end of the lead-in, a few seconds
                         without scrapes just before the window
  final.prom             the final scrape, taken after the cut-off and the settling time
  capture.pcap           optional: the first 63 targets' echoes (nanosecond stamps)
The run for the RTT error without the exporter is one of lib/many_targets.sh's mt_run.
"""
import argparse
import collections
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import many_targets as mt  # noqa: E402
import pcap_icmp  # noqa: E402
import stats  # noqa: E402

SECTION = "prometheus"
# Names of the two probers' metrics: the RTT histogram's _count is what each counted.
SCHEMES = {
    "ours": {"count": "better_ping_rtt_seconds_count", "requests": "better_ping_requests_total",
             "label": "target"},
    "smokeping": {"count": "smokeping_response_duration_seconds_count",
                  "requests": "smokeping_requests_total", "label": "host"},
}
SNMP_ANSWERED = mt.SNMP_REPLIES
SNMP_RECEIVED = mt.SNMP_REQUESTS
METRICS_LINE = re.compile(r"metrics at http://(?:\[[0-9A-Fa-f:.]+\]|[0-9.]+):(\d+)/metrics")

# --- the exposition text --------------------------------------------------------------------

# name{labels} value [timestamp]; a label value may hold '}' and spaces, the value never does.
SAMPLE = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+\S+)?$")
LABEL = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')
ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}


def unescape(value):
    return re.sub(r'\\[\\"n]', lambda m: ESCAPES[m.group(0)], value)


def parse_labels(text):
    """{name: value} of a label set's inside ('a="1",b="x\\"y"'); ValueError if malformed."""
    labels, pos = {}, 0
    while pos < len(text):
        match = LABEL.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(f"bad label set {text!r}")
        labels[match.group(1)] = unescape(match.group(2))
        pos = match.end()
    return labels


def parse_exposition(text):
    """[(name, labels, value)] of every sample of a Prometheus text 0.0.4 or OpenMetrics body;
    comments, blank lines and `# EOF` are skipped."""
    samples = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        if not match:
            raise ValueError(f"bad sample line {line!r}")
        samples.append((match.group(1), parse_labels(match.group(2) or ""),
                        float(match.group(3))))
    return samples


def metric_sum(samples, name):
    """(sum of the values, number of series) of the samples named NAME."""
    values = [value for sample_name, _, value in samples if sample_name == name]
    return sum(values), len(values)


# --- /proc and the ICMP counters ------------------------------------------------------------

def stat_user_sys(text):
    """(utime, stime) in clock ticks from /proc/PID/stat. The process's line counts every thread,
    those that have ended included. comm (field 2) may hold spaces and parentheses: the fields
    are counted from its closing parenthesis, the last one of the line."""
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[11]), int(fields[12])           # fields 14 and 15 of proc(5)


def stat_ticks(text):
    """utime + stime in clock ticks from /proc/PID/stat."""
    return sum(stat_user_sys(text))


# cores = cpu_s / wall_s; user_cores: utime alone (stime holds the target's answers too: on a
# veth they are computed in the sender's context, softirq, and charged to it as system time).
CpuWindow = collections.namedtuple("CpuWindow", "cores cpu_s wall_s user_cores")


def cpu_window(lines, quiet=False):
    """CpuWindow from cpu.tsv's lines ("t_s ticks user_ticks"): CPU time / wall time between the
    first and the last sample of the scraped window (quiet: of the lead-in without scrapes,
    lines "quiet t_s ticks user_ticks"); None with fewer than two samples."""
    tck, samples = 100, []
    for line in lines:
        fields = line.split()
        if len(fields) == 2 and fields[0] == "clk_tck":
            tck = int(fields[1])
        elif fields and (fields[0] == "quiet") == quiet:
            values = fields[1:] if quiet else fields
            if len(values) == 3:
                samples.append((float(values[0]), int(values[1]), int(values[2])))
    if len(samples) < 2 or samples[-1][0] <= samples[0][0]:
        return None
    (t0, ticks0, user0), (t1, ticks1, user1) = samples[0], samples[-1]
    wall_s, cpu_s = t1 - t0, (ticks1 - ticks0) / tck
    return CpuWindow(cpu_s / wall_s, cpu_s, wall_s, (user1 - user0) / tck / wall_s)


def snmp_delta(run_dir, first, last, names):
    """Sum over NAMES of the target's counter at LAST minus at FIRST (target.before/cut/after)."""
    def read(stage):
        path = os.path.join(run_dir, f"target.{stage}")
        with open(path) as f:
            return mt.snmp_counters(f.read())
    a, b = read(first), read(last)
    return sum(b.get(n, 0) - a.get(n, 0) for n in names)


# --- scrapes --------------------------------------------------------------------------------

Scrape = collections.namedtuple("Scrape", "t_s latency_s ttfb_s status bytes wall_s error")


def read_scrapes(lines):
    """[Scrape] from scrapes.tsv (header skipped)."""
    scrapes = []
    for line in lines:
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 6 or fields[0] == "t_s":
            continue
        scrapes.append(Scrape(float(fields[0]), float(fields[1]), float(fields[2]),
                              int(fields[3]), int(fields[4]), float(fields[5]),
                              fields[6] if len(fields) > 6 else ""))
    return scrapes


def scrape_figures(scrapes):
    """{n, failed, median_ms, p99_ms, max_ms, ttfb_ms (median), bytes (median)} of the scrapes;
    latency of the successful ones only (a failed scrape is counted in `failed`). ttfb: until
    the response's headers were in, which an exporter that renders the whole body before it
    answers spends rendering."""
    good = [s for s in scrapes if s.status == 200]
    figures = {"n": len(scrapes), "failed": len(scrapes) - len(good)}
    if good:
        latencies = [s.latency_s * 1000 for s in good]
        figures.update(median_ms=stats.median(latencies),
                       p99_ms=stats.percentile(latencies, 99), max_ms=max(latencies),
                       ttfb_ms=stats.median([s.ttfb_s * 1000 for s in good]),
                       bytes=stats.median([s.bytes for s in good]))
    return figures


def read_body(response):
    """The body as a list of chunks, read a MiB at a time: read() would copy tens of MB more
    than once, which at 10 000 targets took this scraper as long as the exporter's answer."""
    chunks = []
    while True:
        chunk = response.read1(1 << 20)
        if not chunk:
            return chunks
        chunks.append(chunk)


def fetch(url, timeout):
    """(latency_s, ttfb_s, status, body, error): one GET; status 0 if no HTTP answer came.
    body is a list of chunks (b"".join them to keep it)."""
    start = time.perf_counter()
    ttfb, status, body, error = 0.0, 0, [], ""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            ttfb = time.perf_counter() - start
            status = response.status
            body = read_body(response)
    except urllib.error.HTTPError as e:
        status, error = e.code, str(e)
    except (OSError, ValueError) as e:
        error = str(e) or type(e).__name__
    return time.perf_counter() - start, ttfb, status, body, error


def read_ticks(pid):
    """(utime, stime) of the process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return stat_user_sys(f.read())
    except (FileNotFoundError, ProcessLookupError):
        return None


def sample_cpu(cpu, pid, now, prefix=""):
    ticks = read_ticks(pid)
    if ticks is None:
        raise SystemExit(f"prometheus.py: the prober (pid {pid}) ended during the scrapes")
    cpu.write(f"{prefix}{now:.6f} {sum(ticks)} {ticks[0]}\n")


def scrape_loop(url, seconds, interval, pid, out_dir, lead_in=0.0):
    """Samples the prober's CPU over LEAD_IN seconds without scrapes (to tell the probing's
    share from the scrapes'), then scrapes URL at start + k × interval while that is before
    start + seconds, and samples the CPU at the start, before each scrape and at the end of the
    window (or after the last scrape if it ran late). A scrape that takes longer than the
    interval delays the next one, as Prometheus does not overlap its scrapes of a target; each
    is given the rest of the window and at most 10 s (Prometheus' default scrape_timeout). The
    last body is kept."""
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "scrapes.tsv"), "w", buffering=1) as log, \
            open(os.path.join(out_dir, "cpu.tsv"), "w", buffering=1) as cpu:
        log.write("t_s\tlatency_s\tttfb_s\tstatus\tbytes\twall_s\terror\n")
        cpu.write(f"clk_tck {os.sysconf('SC_CLK_TCK')}\n")
        if lead_in > 0:
            quiet_start = time.monotonic()
            sample_cpu(cpu, pid, 0.0, "quiet ")
            time.sleep(lead_in)
            sample_cpu(cpu, pid, time.monotonic() - quiet_start, "quiet ")
        start, body, k = time.monotonic(), [], 0
        while True:
            due = max(start + k * interval, time.monotonic())
            last = due >= start + seconds
            if last:
                due = max(start + seconds, time.monotonic())
            time.sleep(max(0.0, due - time.monotonic()))
            now = time.monotonic() - start
            sample_cpu(cpu, pid, now)
            if last:
                break
            k += 1
            wall = time.time()
            latency, ttfb, status, data, error = fetch(url, min(10.0, max(1.0, seconds - now)))
            body = data or body
            size = sum(len(chunk) for chunk in data)
            log.write(f"{now:.6f}\t{latency:.6f}\t{ttfb:.6f}\t{status}\t{size}\t{wall:.6f}\t"
                      f"{error.replace(chr(9), ' ')}\n")
    with open(os.path.join(out_dir, "last.prom"), "wb") as f:
        f.writelines(body)


def wait_up(url, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if fetch(url, 5)[2] == 200:
            return True
        time.sleep(0.1)
    return False


def port_of(text):
    """The port of ours' `ping: metrics at http://ADDR:PORT/metrics` line, or None."""
    match = METRICS_LINE.search(text)
    return int(match.group(1)) if match else None


# --- one run --------------------------------------------------------------------------------

def _lines(run_dir, name):
    try:
        with open(os.path.join(run_dir, name), errors="replace") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def counting(answered, counted):
    """(not counted, its share of the answered probes in %) — None share if nothing answered."""
    missed = answered - counted
    return missed, (100.0 * missed / answered if answered > 0 else None)


class Run:
    """What one prom_run directory says; kind: "ours" or "smokeping"."""

    def __init__(self, run_dir, kind):
        self.dir, self.kind = run_dir, kind
        self.cpu = cpu_window(_lines(run_dir, "cpu.tsv"))
        self.quiet_cpu = cpu_window(_lines(run_dir, "cpu.tsv"), quiet=True)
        self.scrapes = scrape_figures(read_scrapes(_lines(run_dir, "scrapes.tsv")))
        final = "\n".join(_lines(run_dir, "final.prom"))
        samples = parse_exposition(final) if final else []
        scheme = SCHEMES[kind]
        counted, self.series = metric_sum(samples, scheme["count"])
        self.counted = round(counted)
        self.requests = round(metric_sum(samples, scheme["requests"])[0])
        self.has_final = bool(samples)
        self.answered = snmp_delta(run_dir, "before", "after", SNMP_ANSWERED)
        self.answered_after_cut = snmp_delta(run_dir, "cut", "after", SNMP_ANSWERED)
        self.received = snmp_delta(run_dir, "before", "after", SNMP_RECEIVED)
        self.missed, self.missed_percent = counting(self.answered, self.counted)


# --- rows -----------------------------------------------------------------------------------

def row(results, metric, ours, ref, goal="—", met=None, ratio=None, values=None):
    mt.row(results, metric, ours, ref, goal, met, ratio, values, section=SECTION)


def cpu_text(run):
    if run is None or run.cpu is None:
        return "—"
    cpu = run.cpu
    text = f"{cpu.cores:.4f} ({cpu.cpu_s:.2f} s in {cpu.wall_s:.1f} s), user {cpu.user_cores:.4f}"
    if run.quiet_cpu:
        text += f"; unscraped {run.quiet_cpu.cores:.4f}, user {run.quiet_cpu.user_cores:.4f}"
    return text


def counted_text(run):
    if run is None:
        return "—"
    if not run.has_final:
        return "— (no final scrape)"
    share = "—" if run.missed_percent is None else f"{run.missed_percent:.3f} %"
    text = (f"{share}: {mt.grouped(run.missed)} of {mt.grouped(run.answered)} answered not "
            f"counted ({mt.grouped(run.counted)} counted in {run.series} series)")
    if run.answered_after_cut:
        text += f"; **{mt.grouped(run.answered_after_cut)} answered after the cut-off**"
    return text


def scrape_text(run):
    if run is None:
        return "—"
    f = run.scrapes
    if "median_ms" not in f:
        return f"— ({f['failed']} of {f['n']} scrapes failed)"
    text = (f"{f['median_ms']:.1f} / {f['p99_ms']:.1f} / {f['max_ms']:.1f} (to the headers "
            f"{f['ttfb_ms']:.1f}); {mt.grouped(round(f['bytes']))} B")
    if f["failed"]:
        text += f"; **{f['failed']} of {f['n']} failed**"
    return text


def load(run_dir, kind):
    """A Run, or None if the directory says the run was not made (a `skipped` file)."""
    if run_dir is None or os.path.exists(os.path.join(run_dir, "skipped")):
        return None
    return Run(run_dir, kind)


def rows_compare(args):
    ours, smokeping = load(args.ours, "ours"), load(args.smokeping, "smokeping")
    n = mt.grouped(args.targets)
    ratio = None
    if ours and smokeping and ours.cpu and smokeping.cpu and smokeping.cpu.cores > 0:
        ratio = ours.cpu.cores / smokeping.cpu.cores
    row(args.results,
        f"Exporter, {n} targets at 1 s, scraped every second for {args.seconds} s: CPU of the "
        f"prober (user + sys of every thread, /proc/PID/stat) / wall time, cores; user alone; "
        f"the same over the warm-up without scrapes. **iputils "
        f"column: prometheus-smokeping-prober 0.6.1**", cpu_text(ours), cpu_text(smokeping),
        f"≤ {args.max_cpu_ratio:g}× smokeping_prober",
        None if ratio is None else ratio <= args.max_cpu_ratio, ratio,
        values={"ours": ours and ours.cpu, "ref": smokeping and smokeping.cpu})
    met = None
    if ours and ours.has_final and ours.missed_percent is not None:
        met = 0 <= ours.missed_percent <= args.max_missed_percent and not ours.answered_after_cut
    row(args.results,
        f"Exporter, {n} targets: probes answered (the target's echo replies) but not counted "
        f"(the RTT histograms' _count in a scrape taken after the cut-off). **iputils column: "
        f"smokeping_prober**", counted_text(ours), counted_text(smokeping),
        f"≤ {args.max_missed_percent:g} %", met,
        values={kind: run and {"answered": run.answered, "counted": run.counted,
                               "requests": run.requests, "received": run.received}
                for kind, run in (("ours", ours), ("ref", smokeping))})
    row(args.results,
        f"Exporter, {n} targets: scrape latency median / p99 / max, ms (request to last byte; "
        f"to the response headers, median); body size, median. **iputils column: "
        f"smokeping_prober**", scrape_text(ours),
        scrape_text(smokeping), values={"ours": ours and ours.scrapes,
                                        "ref": smokeping and smokeping.scrapes})


def quiet_percent(run):
    if not run.quiet_cpu:
        return ""
    quiet = run.quiet_cpu
    return (f"; unscraped {100.0 * quiet.cores:.2f} % ({quiet.wall_s:.1f} s), user "
            f"{100.0 * quiet.user_cores:.2f} %")


def rows_scale(args):
    ours = load(args.ours, "ours")
    n = mt.grouped(args.targets)
    percent = None if ours is None or ours.cpu is None else 100.0 * ours.cpu.cores
    row(args.results,
        f"Exporter, {n} targets at 1 s, scraped every second for {args.seconds} s: CPU, % of "
        f"one core (user + sys, /proc/PID/stat); user alone; the same over the warm-up without "
        f"scrapes",
        "—" if percent is None else f"{percent:.2f} % ({ours.cpu.cpu_s:.2f} s in "
                                    f"{ours.cpu.wall_s:.1f} s), user "
                                    f"{100.0 * ours.cpu.user_cores:.2f} %" + quiet_percent(ours),
        "—",
        f"≤ {args.max_cpu_percent:g} % of one core",
        None if percent is None else percent <= args.max_cpu_percent,
        values={"ours": ours and ours.cpu})
    scrapes = ours.scrapes if ours else {}
    met = None
    if "max_ms" in scrapes:
        met = scrapes["max_ms"] <= args.max_scrape_ms and not scrapes["failed"]
    row(args.results,
        f"Exporter, {n} targets: scrape latency median / p99 / max, ms (request to last byte; "
        f"to the response headers, median), of {scrapes.get('n', 0)} scrapes in "
        f"{args.seconds} s; body size, median", scrape_text(ours), "—",
        f"every scrape ≤ {args.max_scrape_ms:g} ms", met, values={"ours": scrapes})
    row(args.results,
        f"Exporter, {n} targets: probes answered but not counted", counted_text(ours), "—",
        values={"ours": ours and {"answered": ours.answered, "counted": ours.counted}})


# --- RTT error against the wire -------------------------------------------------------------

def json_replies(lines, wanted=None):
    """(address, seq, rtt_us) of every `reply` line of --json output (duplicates left out)."""
    for line in lines:
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if (obj.get("type") == "reply" and not obj.get("duplicate")
                and obj.get("rtt_ms") is not None
                and (wanted is None or obj.get("address") in wanted)):
            yield obj["address"], int(obj["seq"]), float(obj["rtt_ms"]) * 1000.0


def paired_errors(replies, wire):
    """[(send_ns, reported − wire µs)] of each reply of a captured target, paired with the wire
    by icmp_seq as lib/many_targets.py's rtt_errors does; send_ns: the request on the wire."""
    paired = []
    for target, seq, reported_us in replies:
        entry = wire.get(target)
        if entry is None:
            continue
        for send_ns, ident, wire_seq in entry.sends:
            if wire_seq == seq & 0xFFFF and (ident, wire_seq) in entry.rtts:
                paired.append((send_ns, reported_us - entry.rtts[(ident, wire_seq)]))
                break
    return paired


def run_errors(run_dir, output):
    """paired_errors of a run directory's reply lines and capture; [] without a capture."""
    path = os.path.join(run_dir, "capture.pcap")
    if not os.path.exists(path):
        return []
    wire = mt.wire_by_target(pcap_icmp.echo_packets(path))
    parse = json_replies if output == "json" else mt.ours_replies
    return paired_errors(list(parse(_lines(run_dir, "out"), set(wire))), wire)


def error_figures(paired):
    """(p50, p99, max) of |reported − wire| µs and the number of replies matched, or None."""
    errors = [abs(e) for _, e in paired]
    if not errors:
        return None
    return stats.percentile(errors, 50), stats.percentile(errors, 99), max(errors), len(errors)


def during_scrapes(paired, scrapes, above_us):
    """(n, k): n errors larger than ABOVE_US in absolute value, k of them on probes sent while a
    scrape was being answered (from its wall_s to wall_s + latency_s)."""
    windows = [(s.wall_s, s.wall_s + s.latency_s) for s in scrapes]
    large = [ns / 1e9 for ns, e in paired if abs(e) > above_us]
    inside = sum(1 for t in large if any(a <= t <= b for a, b in windows))
    return len(large), inside


def same_error(exporter_p99, plain_p99, slack_us, slack_ratio):
    """The exporter's p99 is "the same" as the plain run's: within SLACK_US or SLACK_RATIO of it,
    whichever is wider (a few µs of run-to-run noise on a veth)."""
    return exporter_p99 <= max(plain_p99 + slack_us, plain_p99 * slack_ratio)


def rows_rtt(args):
    exporter_errors = run_errors(args.exporter, args.output)
    exporter, plain = error_figures(exporter_errors), error_figures(run_errors(args.plain,
                                                                               args.output))

    def text(f):
        return ("— (no reply matched the capture)" if f is None else
                f"{f[0]:.1f} / {f[1]:.1f} / {f[2]:.1f} ({mt.grouped(f[3])} replies)")

    exporter_text = text(exporter)
    if exporter and plain:
        large, inside = during_scrapes(exporter_errors,
                                       read_scrapes(_lines(args.exporter, "scrapes.tsv")),
                                       plain[2])
        exporter_text += (f"; {large} above the other run's max, {inside} of them sent while a "
                          f"scrape was answered")

    met = ratio = None
    if exporter and plain:
        met = same_error(exporter[1], plain[1], args.slack_us, args.slack_ratio)
        ratio = exporter[1] / plain[1] if plain[1] > 0 else None
    lines = "JSON reply lines (`--json`)" if args.output == "json" else "reply lines"
    row(args.results,
        f"Exporter, {mt.grouped(args.targets)} targets scraped every second: RTT error p50 / p99 "
        f"/ max of \\|reported − wire\\|, µs (the captured targets' {lines}). **iputils column: "
        f"ours without `--metrics-listen`**", exporter_text, text(plain),
        f"the same as without the exporter (p99 within {args.slack_us:g} µs or "
        f"{args.slack_ratio:g}×)", met, ratio, values={"ours": exporter, "ref": plain})


def main(argv=None):
    parser = argparse.ArgumentParser(usage=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("wait")
    p.add_argument("--url", required=True)
    p.add_argument("--timeout", type=float, default=60.0)
    p = sub.add_parser("scrape")
    p.add_argument("--url", required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--interval", type=float, default=1.0)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--lead-in", type=float, default=0.0)
    p = sub.add_parser("once")
    p.add_argument("--url", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("port")
    p.add_argument("file")
    p = sub.add_parser("compare")
    p.add_argument("--ours")
    p.add_argument("--smokeping")
    p.add_argument("--max-cpu-ratio", type=float, default=0.02)
    p.add_argument("--max-missed-percent", type=float, default=0.1)
    p = sub.add_parser("scale")
    p.add_argument("--ours")
    p.add_argument("--max-cpu-percent", type=float, default=10.0)
    p.add_argument("--max-scrape-ms", type=float, default=100.0)
    p = sub.add_parser("rtt")
    p.add_argument("--exporter", required=True)
    p.add_argument("--plain", required=True)
    p.add_argument("--output", choices=["text", "json"], default="text")
    p.add_argument("--slack-us", type=float, default=2.0)
    p.add_argument("--slack-ratio", type=float, default=1.25)
    for name in ("compare", "scale", "rtt"):
        p = sub.choices[name]
        p.add_argument("--results", required=True)
        p.add_argument("--targets", type=int, required=True)
        p.add_argument("--seconds", type=int, default=0)
    args = parser.parse_args(argv)

    if args.command == "wait":
        return 0 if wait_up(args.url, args.timeout) else 1
    if args.command == "scrape":
        scrape_loop(args.url, args.seconds, args.interval, args.pid, args.out, args.lead_in)
    elif args.command == "once":
        _, _, status, body, error = fetch(args.url, 10)
        with open(args.out, "wb") as f:
            f.writelines(body)
        if status != 200:
            print(f"prometheus.py: {args.url}: {status or error}", file=sys.stderr)
            return 1
    elif args.command == "port":
        with open(args.file, errors="replace") as f:
            port = port_of(f.read())
        if port is None:
            return 1
        print(port)
    else:
        {"compare": rows_compare, "scale": rows_scale, "rtt": rows_rtt}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
