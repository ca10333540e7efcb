#!/usr/bin/env python3
"""Peak RSS of every process of a command, read as each one exits.

usage: supervision_memory.py [--stdout FILE] -- COMMAND [ARG...]

COMMAND runs under ptrace (PTRACE_O_TRACEEXIT, and TRACEFORK so that the processes it forks are
followed too, such as better_ping's watchdog). When a process is about to exit, after its last
instruction and before its memory is released, the kernel stops it and VmHWM is read from its
/proc/PID/status: the high-water mark of its resident memory since its exec. Unlike ru_maxrss
it leaves out what the process held before its exec (for the watchdog: a copy of better_ping).
Tracing changes the timing of the process, not its memory.

stdout: "NAME<TAB>VmHWM_KiB" for each process, in the order they exit. The command's own stdout
goes to FILE (default /dev/null).
Exit status: the command's (128 + signal if killed).
"""
import argparse
import ctypes
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import proc_stats  # noqa: E402

PTRACE_TRACEME, PTRACE_CONT, PTRACE_SETOPTIONS = 0, 7, 0x4200
PTRACE_O_TRACEFORK, PTRACE_O_TRACEVFORK, PTRACE_O_TRACECLONE = 0x2, 0x4, 0x8
PTRACE_O_TRACEEXEC, PTRACE_O_TRACEEXIT, PTRACE_O_EXITKILL = 0x10, 0x40, 0x100000
PTRACE_EVENT_EXIT = 6
WALL = 0x40000000               # __WALL: wait for every traced process, child or not
OPTIONS = (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC
           | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long


def ptrace(request, pid, data=0):
    if libc.ptrace(request, pid, None, data) == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"ptrace({request:#x}, {pid}): {os.strerror(err)}")


def start_traced(command, stdout_path):
    """Forks; the child stops itself, traced, before it execs COMMAND."""
    out = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(out, 1)
            libc.ptrace(PTRACE_TRACEME, 0, None, None)
            os.kill(os.getpid(), signal.SIGSTOP)
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    os.close(out)
    _, status = os.waitpid(pid, 0)
    if not os.WIFSTOPPED(status):
        raise SystemExit(f"supervision_memory.py: {command[0]} did not start")
    ptrace(PTRACE_SETOPTIONS, pid, OPTIONS)
    ptrace(PTRACE_CONT, pid)
    return pid


def trace(root):
    """Resumes every stop until ROOT ends; prints each process's peak at its exit stop."""
    while True:
        pid, status = os.waitpid(-1, WALL)
        if os.WIFEXITED(status) or os.WIFSIGNALED(status):
            if pid == root:
                return os.waitstatus_to_exitcode(status)
            continue
        if not os.WIFSTOPPED(status):
            continue
        event, sig, deliver = status >> 16, os.WSTOPSIG(status), 0
        if event == PTRACE_EVENT_EXIT:
            fields = proc_stats.status(pid) or {}
            print(f"{fields.get('Name', '?')}\t{proc_stats.status_kib(fields, 'VmHWM')}", flush=True)
        elif event == 0 and sig not in (signal.SIGSTOP, signal.SIGTRAP):
            deliver = sig           # a real signal: pass it on
        try:
            ptrace(PTRACE_CONT, pid, deliver)
        except ProcessLookupError:
            pass                    # killed meanwhile (SIGKILL)


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("--stdout", default=os.devnull)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")
    code = trace(start_traced(command, args.stdout))
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main())
