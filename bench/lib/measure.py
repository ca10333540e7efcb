#!/usr/bin/env python3
"""Runs one command, bounded in time, and prints what it cost as one tab-separated line:

    wall_s  user_s  sys_s  exit_code  [exit_realtime_ns]

usage: measure.py [--timeout SECONDS] [--stdout FILE] [--exit-realtime] -- COMMAND [ARG...]

wall_s runs from just before the spawn to the reaping of the process (a monotonic clock), so it
leaves out the start-up of this script and of whatever launched it (ip netns exec, timeout).
user_s and sys_s come from the rusage that wait4() returns for the process. Its ru_maxrss is
deliberately not printed: the kernel records the spawning process's RSS in it at exec (this
Python's ~10 MB with vfork), so peak RSS is measured with GNU time, a small C parent, instead.
The command's stdout goes to FILE (default /dev/null), its stderr is passed through. A command
still running after the timeout is killed through its pidfd (no risk of hitting a recycled pid)
and exit_code is then 124, as with timeout(1).
With --exit-realtime a fifth column gives the wall-clock time (CLOCK_REALTIME, nanoseconds since
1970, the clock of ping -D and of packet captures) read right after wait4() reaped the process.
"""
import argparse
import os
import select
import signal
import sys
import time


def run(command, timeout_s, stdout_path):
    with open(stdout_path, "wb") as out:
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1)]
        start_ns = time.perf_counter_ns()
        pid = os.posix_spawnp(command[0], command, os.environ, file_actions=actions)
    pidfd = os.pidfd_open(pid)
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        timed_out = not poller.poll(int(timeout_s * 1000))
        if timed_out:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        _, status, usage = os.wait4(pid, 0)
        end_ns = time.perf_counter_ns()
        end_realtime_ns = time.time_ns()
    finally:
        os.close(pidfd)
    code = 124 if timed_out else os.waitstatus_to_exitcode(status)
    if code < 0:
        code = 128 - code
    return (end_ns - start_ns) / 1e9, usage, code, end_realtime_ns


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--stdout", default=os.devnull)
    parser.add_argument("--exit-realtime", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")
    wall_s, usage, code, end_realtime_ns = run(command, args.timeout, args.stdout)
    extra = f"\t{end_realtime_ns}" if args.exit_realtime else ""
    print(f"{wall_s:.6f}\t{usage.ru_utime:.6f}\t{usage.ru_stime:.6f}\t{code}{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
