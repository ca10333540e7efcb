#!/usr/bin/env python3
"""Steady-state CPU time and wake-ups per probe of N ping instances running at once.

usage: probe_cost.py --ping BINARY [--ping BINARY...] --target ADDR --interval S --window S
                     --instances N --work DIR

Starts N instances of `BINARY -D -n -i S -w DEADLINE ADDR` (stdout to DIR/N.I.out), spread evenly
over one interval so that no two send at the same instant (on a veth the target's answer is
computed in the sender's context: pings sending together could be charged for each other's
packets). DEADLINE bounds each instance on its own, even if this script is killed. Once every
instance has printed 2 replies, each is sampled half an interval after one of its replies and
again WINDOW seconds later (supervision_cost.measure): its window leaves out its start-up and
holds WINDOW / S of its probes whatever its phase. Then all get SIGINT (SIGKILL 5 s later).
With several --ping, instance I runs the (I mod count)-th: different pings side by side, exposed
to the same machine load (DIR/instances.tsv then tells them apart; the summary mixes them).
Per instance, over its window (lib/proc_stats.py):
  - CPU time: scheduler run time (schedstat, ns; user + system), summed over its threads;
  - voluntary and involuntary context switches;
  - probes: its reply lines whose -D time stamp falls in the window (lost probes are not
    counted: on the test host none is lost).
The socket table of the namespace is read once during the windows: how many raw and ICMP
datagram ("ping") sockets are open, i.e. which kind the instances use.

stdout: a header line and one line of tab-separated figures (see SUMMARY), medians over the
instances unless named otherwise. DIR/instances.tsv: the figures of each instance.
Exit status 1 if an instance did not start, printed too few replies or ended early; 143 after
SIGTERM. However it ends, every instance it started has been stopped and reaped.
"""
import argparse
import math
import os
import signal
import select
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, HERE)
import proc_stats  # noqa: E402
import supervision_cost  # noqa: E402

INSTANCE_COLUMNS = ("instance", "cpu_ns", "voluntary", "involuntary", "probes",
                    "cpu_us_per_probe", "voluntary_per_probe", "involuntary_per_probe", "ping")
SUMMARY = ("instances", "probes", "cpu_us_per_probe", "cpu_us_per_probe_min",
           "cpu_us_per_probe_max", "total_cpu_percent", "voluntary_per_probe",
           "involuntary_per_probe", "raw_sockets", "ping_sockets")


def start_offsets(instances, interval):
    """When each instance starts, in seconds after the first: evenly over one interval."""
    return [interval * i / instances for i in range(instances)]


def deadline_s(interval, window):
    """A -w deadline no instance reaches before its window is sampled, unless something is
    already wrong: the start spread (one interval), twice what supervision_cost.measure allows
    one instance for its warm-up replies (10 s + 3 intervals), the alignment of the window (at
    most two intervals), the window and 10 s."""
    return math.ceil(interval + 2 * (10 + 3 * interval) + 2 * interval + window + 10)


def per_instance(cpu_ns, voluntary, involuntary, probes):
    """The per-probe figures of one instance's window; None if it has no probe."""
    if probes <= 0:
        return None
    return {"cpu_us_per_probe": cpu_ns / 1000.0 / probes,
            "voluntary_per_probe": voluntary / probes,
            "involuntary_per_probe": involuntary / probes}


def summarize(instances, window_s):
    """instances: dicts with cpu_ns, probes and the per_instance() figures. Medians over the
    instances, the range of their CPU per probe, and their CPU together as a percentage of one
    core over the window (every window is window_s long)."""
    def median_of(key):
        return statistics.median(i[key] for i in instances)
    cpu = [i["cpu_us_per_probe"] for i in instances]
    return {
        "instances": len(instances),
        "probes": median_of("probes"),
        "cpu_us_per_probe": median_of("cpu_us_per_probe"),
        "cpu_us_per_probe_min": min(cpu),
        "cpu_us_per_probe_max": max(cpu),
        "total_cpu_percent": sum(i["cpu_ns"] for i in instances) / (window_s * 1e9) * 100.0,
        "voluntary_per_probe": median_of("voluntary_per_probe"),
        "involuntary_per_probe": median_of("involuntary_per_probe"),
    }


def socket_count(table_text):
    """The sockets listed in a /proc/net/{raw,icmp,raw6,icmp6} table (after its header line)."""
    return max(0, sum(1 for line in table_text.splitlines() if line.strip()) - 1)


def open_sockets(*tables):
    total = 0
    for name in tables:
        try:
            with open(f"/proc/net/{name}") as f:
                total += socket_count(f.read())
        except FileNotFoundError:
            pass
    return total


class Instance:
    """One running ping, with the samples supervision_cost.measure takes of it."""

    def __init__(self, name, command, out_path):
        self.name, self.out_path, self.binary = name, out_path, command[0]
        with open(out_path, "wb") as out:
            self.pid = os.posix_spawn(command[0], command, os.environ,
                                      file_actions=[(os.POSIX_SPAWN_DUP2, out.fileno(), 1)])
        self.pidfd = os.pidfd_open(self.pid)
        self.samples = []           # (cpu_ns, voluntary, involuntary)

    def replies(self):
        with open(self.out_path, errors="replace") as f:
            return supervision_cost.reply_times(f.read())

    def sample(self):
        self.samples.append((proc_stats.cpu_ns(self.pid), proc_stats.voluntary_switches(self.pid),
                             proc_stats.involuntary_switches(self.pid)))
        if None in self.samples[-1]:
            raise SystemExit(f"probe_cost.py: instance {self.name} ended early")

    def delta(self, field):
        return self.samples[1][field] - self.samples[0][field]

    def interrupt(self):
        try:
            signal.pidfd_send_signal(self.pidfd, signal.SIGINT)
        except ProcessLookupError:
            pass

    def reap(self, seconds):
        """Waits (bounded) for the exit, SIGKILL after that; returns the exit code."""
        if not select.select([self.pidfd], [], [], seconds)[0]:
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        os.close(self.pidfd)
        return os.waitstatus_to_exitcode(status)


def stop_all(instances):
    for p in instances:
        p.interrupt()
    deadline = time.monotonic() + 5
    return [p.reap(max(0.0, deadline - time.monotonic())) for p in instances]


def run(args):
    options = ["-D", "-n", "-i", f"{args.interval:g}", "-w",
               str(deadline_s(args.interval, args.window)), args.target]
    instances, sockets = [], (0, 0)
    began = time.monotonic()
    try:
        for i, offset in enumerate(start_offsets(args.instances, args.interval)):
            time.sleep(max(0.0, began + offset - time.monotonic()))
            out = os.path.join(args.work, f"{args.instances}.{i}.out")
            binary = args.ping[i % len(args.ping)]
            instances.append(Instance(str(i), [binary] + options, out))
        windows = supervision_cost.measure(instances, args.interval, args.window)
        sockets = (open_sockets("raw", "raw6"), open_sockets("icmp", "icmp6"))
    finally:
        codes = stop_all(instances)
    failed = [f"{p.name}: {c}" for p, c in zip(instances, codes) if c not in (0, 1, -2)]
    if failed:
        print(f"probe_cost.py: instances ending with an unexpected status: {failed}",
              file=sys.stderr)
    figures = []
    for p in instances:
        probes = supervision_cost.count_in(p.replies(), *windows[p.name])
        counts = {"instance": p.name, "ping": p.binary, "cpu_ns": p.delta(0), "voluntary": p.delta(1),
                  "involuntary": p.delta(2), "probes": probes}
        per_probe = per_instance(counts["cpu_ns"], counts["voluntary"], counts["involuntary"],
                                 probes)
        if per_probe is None:
            raise SystemExit(f"probe_cost.py: instance {p.name} had no reply in its window")
        figures.append({**counts, **per_probe})
    return figures, sockets


def tsv(values):
    return "\t".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in values)


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("--ping", action="append", required=True)
    for name in ("target", "work"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--interval", type=float, required=True)
    parser.add_argument("--window", type=float, required=True)
    parser.add_argument("--instances", type=int, default=1)
    args = parser.parse_args()
    if args.instances < 1:
        parser.error("--instances must be at least 1")
    # timeout(1) ends a run with SIGTERM: exit through run()'s clean-up, which stops every instance.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    figures, (raw, ping) = run(args)
    expected = round(args.window / args.interval)
    short = [f["instance"] for f in figures if abs(f["probes"] - expected) > 1]
    if short:
        print(f"probe_cost.py: instances {short} had not {expected} ± 1 replies in their window",
              file=sys.stderr)
    with open(os.path.join(args.work, "instances.tsv"), "w") as f:
        f.write("\t".join(INSTANCE_COLUMNS) + "\n")
        f.writelines(tsv(i[c] for c in INSTANCE_COLUMNS) + "\n" for i in figures)
    summary = {**summarize(figures, args.window), "raw_sockets": raw, "ping_sockets": ping}
    print("\t".join(SUMMARY))
    print(tsv(summary[c] for c in SUMMARY))
    return 0


if __name__ == "__main__":
    sys.exit(main())
