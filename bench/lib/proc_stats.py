"""Reads what the benchmarks measure about a running process from /proc (Linux).

Every reader sums over the process's threads (/proc/PID/task/TID/...) and returns None once the
process is gone (or a zombie: its memory figures have no value then).
  - CPU time: the first field of schedstat, the on-CPU time the scheduler accounted in
    nanoseconds (user + system). /proc/PID/stat's utime and stime count clock ticks (10 ms):
    too coarse for a process that runs a few milliseconds a minute.
  - Wake-ups: voluntary + involuntary context switches (status), or each kind alone. A sleeping
    process that wakes and sleeps again adds one voluntary switch; one preempted while running,
    an involuntary one.
  - Peak RSS: VmHWM of status (KiB), the high-water mark of the process's memory since its exec.
"""
import os


def parse_schedstat_ns(text):
    """The on-CPU time in ns from a schedstat line "RUN_NS WAIT_NS TIMESLICES"."""
    return int(text.split()[0])


def parse_status(text):
    """The "Key:\\tvalue" lines of /proc/PID/status as a dict of strings (units kept)."""
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key] = value.strip()
    return fields


def status_kib(fields, key):
    """A "1234 kB" field as an int, or None if absent."""
    value = fields.get(key)
    return int(value.split()[0]) if value else None


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None


def _tasks(pid):
    try:
        return os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return []


def _sum_over_tasks(pid, name, parse):
    values = [parse(text) for text in
              (_read(f"/proc/{pid}/task/{tid}/{name}") for tid in _tasks(pid)) if text]
    return sum(values) if values else None


def cpu_ns(pid):
    return _sum_over_tasks(pid, "schedstat", parse_schedstat_ns)


def context_switches(pid):
    def both(text):
        fields = parse_status(text)
        return int(fields["voluntary_ctxt_switches"]) + int(fields["nonvoluntary_ctxt_switches"])
    return _sum_over_tasks(pid, "status", both)


def voluntary_switches(pid):
    """Voluntary context switches only: the times the process went to sleep (to wait)."""
    return _sum_over_tasks(pid, "status",
                           lambda text: int(parse_status(text)["voluntary_ctxt_switches"]))


def involuntary_switches(pid):
    return _sum_over_tasks(pid, "status",
                           lambda text: int(parse_status(text)["nonvoluntary_ctxt_switches"]))


def status(pid):
    """The parsed /proc/PID/status (of the thread-group leader), or None."""
    text = _read(f"/proc/{pid}/status")
    return parse_status(text) if text else None


def children(pid):
    """The pids of the process's children (/proc/PID/task/*/children)."""
    found = []
    for tid in _tasks(pid):
        text = _read(f"/proc/{pid}/task/{tid}/children")
        found += [int(p) for p in text.split()] if text else []
    return found
