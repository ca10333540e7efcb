#!/usr/bin/env python3
"""Steady-state CPU cost of better_ping and its watchdog against iputils ping, side by side.

usage: supervision_cost.py --ours BETTER_PING --ref PING --plain OUR_PING --floor FLOOR_PING
                           --target ADDR --interval S --window S --work DIR

Starts `BETTER_PING -D -n -i S ADDR`, `PING -D -n -i S ADDR`, the same with OUR_PING (our ping
without supervision, to tell the pinger's cost from the heartbeats'), and FLOOR_PING
(bench/floor_ping.cpp) without and with `--heartbeat`: the least any ping, and any ping sending
one TCP frame per reply, can spend here. All run at the same time (stdout to DIR/NAME.out), a
fifth of an interval apart: on a veth the target's answer is computed in the sender's context,
so pings sending at the same instant could be charged for each other's packets. Once each has printed 2 replies, each is sampled half an interval after
one of its replies and again WINDOW seconds later: each window then holds exactly WINDOW / S
requests and replies of that ping, whatever its phase. Then they get SIGINT.
  - CPU time in the window (lib/proc_stats.py: scheduler run time, user + system), summed over
    better_ping and its child, the watchdog; of iputils ping; of our ping; of the two floors.
  - Wake-ups of the watchdog in its window, against heartbeats: better_ping's reply lines whose
    -D time stamp falls in the window (it sends one heartbeat per valid reply).

stdout: a header line and one line of tab-separated figures (see COLUMNS).
Exit status 1 if a ping did not start, printed too few replies or had no watchdog.
"""
import argparse
import os
import re
import select
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import proc_stats  # noqa: E402

COLUMNS = ("ours_cpu_ms", "ref_cpu_ms", "pinger_cpu_ms", "watchdog_cpu_ms", "watchdog_wakeups",
           "heartbeats", "ref_replies", "pinger_wakeups", "ref_wakeups", "plain_cpu_ms",
           "plain_wakeups", "floor_cpu_ms", "floor_heartbeat_cpu_ms")
REPLY_LINE = re.compile(r"^\[(\d+\.\d+)\] \d+ bytes from .*\bicmp_seq=\d+")
WARM_REPLIES = 2


def reply_times(text):
    """The -D time stamps (s) of the reply lines, duplicates left out."""
    return [float(m.group(1)) for m in map(REPLY_LINE.match, text.splitlines())
            if m and "(DUP!)" not in m.string]


def window_start(last_reply, interval, not_before):
    """The first time after not_before that lies half an interval after a reply time."""
    start = last_reply + interval / 2
    if start < not_before:
        start += -(-(not_before - start) // interval) * interval
    return start


def count_in(times, start, end):
    return sum(1 for t in times if start <= t < end)


class Ping:
    def __init__(self, name, command, out_path):
        self.name, self.out_path = name, out_path
        with open(out_path, "wb") as out:
            self.pid = os.posix_spawn(command[0], command, os.environ,
                                      file_actions=[(os.POSIX_SPAWN_DUP2, out.fileno(), 1)])
        self.pidfd = os.pidfd_open(self.pid)
        self.watchdog = None
        self.samples = []           # (cpu_ns, pinger_wakeups, watchdog_wakeups, watchdog_cpu_ns)

    def replies(self):
        with open(self.out_path, errors="replace") as f:
            return reply_times(f.read())

    def sample(self):
        wd = self.watchdog
        self.samples.append((proc_stats.cpu_ns(self.pid), proc_stats.context_switches(self.pid),
                             proc_stats.context_switches(wd) if wd else 0,
                             proc_stats.cpu_ns(wd) if wd else 0))
        if None in self.samples[-1]:
            raise SystemExit(f"supervision_cost.py: {self.name} (or its watchdog) ended early")

    def delta(self, field):
        return self.samples[1][field] - self.samples[0][field]

    def stop(self):
        """SIGINT, then SIGKILL if it is still running 5 s later; returns the exit code."""
        signal.pidfd_send_signal(self.pidfd, signal.SIGINT)
        if not select.select([self.pidfd], [], [], 5.0)[0]:
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        os.close(self.pidfd)
        return os.waitstatus_to_exitcode(status)


def wait_until(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"supervision_cost.py: {what} within {seconds} s")
        time.sleep(0.05)


def measure(pings, interval, window):
    """Samples each ping at the start and end of its own window; returns {name: (start, end)}."""
    for p in pings:
        wait_until(lambda p=p: len(p.replies()) >= WARM_REPLIES, 10 + 3 * interval,
                   f"{p.name} printed no {WARM_REPLIES} replies")
    not_before = time.time() + 0.1
    windows = {}
    for p in pings:
        start = window_start(p.replies()[-1], interval, not_before)
        windows[p.name] = (start, start + window)
    events = sorted(((t, p) for p in pings for t in windows[p.name]), key=lambda e: e[0])
    for when, p in events:
        time.sleep(max(0.0, when - time.time()))
        p.sample()
    return windows


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    for name in ("ours", "ref", "plain", "floor", "target", "work"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--interval", type=float, required=True)
    parser.add_argument("--window", type=float, required=True)
    args = parser.parse_args()

    def command(binary):
        return [binary, "-D", "-n", "-i", f"{args.interval:g}", args.target]
    commands = (("ours", command(args.ours)), ("ref", command(args.ref)),
                ("plain", command(args.plain)),
                ("floor", [args.floor, f"{args.interval:g}", args.target]),
                ("floor_heartbeat", [args.floor, "--heartbeat", f"{args.interval:g}", args.target]))
    pings = []
    try:
        for name, argv in commands:
            if pings:
                time.sleep(args.interval / len(commands))
            pings.append(Ping(name, argv, os.path.join(args.work, name + ".out")))
        ours, ref, plain, floor, floor_heartbeat = pings
        wait_until(lambda: proc_stats.children(ours.pid), 5, "better_ping started no watchdog")
        ours.watchdog = proc_stats.children(ours.pid)[0]
        windows = measure(pings, args.interval, args.window)
    finally:
        codes = ", ".join(f"{p.name} {p.stop()}" for p in pings)
    print(f"exit codes: {codes}", file=sys.stderr)

    heartbeats = count_in(ours.replies(), *windows["ours"])
    figures = (
        (ours.delta(0) + ours.delta(3)) / 1e6, ref.delta(0) / 1e6, ours.delta(0) / 1e6,
        ours.delta(3) / 1e6, ours.delta(2), heartbeats, count_in(ref.replies(), *windows["ref"]),
        ours.delta(1), ref.delta(1), plain.delta(0) / 1e6, plain.delta(1), floor.delta(0) / 1e6,
        floor_heartbeat.delta(0) / 1e6)
    print("\t".join(COLUMNS))
    print("\t".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
