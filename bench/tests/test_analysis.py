"""Tests of the benchmark analysis code (no root, no network), from the repository root:
    /usr/bin/python3 -B -m unittest discover -s bench/tests
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import unittest

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(BENCH, "lib"))
sys.path.insert(0, BENCH)
import pcap_icmp  # noqa: E402
import proc_stats  # noqa: E402
import stats  # noqa: E402
import stop_latency  # noqa: E402
import supervision_cost  # noqa: E402

CLIENT, TARGET = bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])


def ethernet_echo(icmp_type, ident, seq, src, dst):
    """An Ethernet frame holding an IPv4 ICMP echo with an 8-byte payload (checksums left 0)."""
    icmp = struct.pack(">BBHHH", icmp_type, 0, 0, ident, seq) + bytes(8)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0, 64, 1, 0, src, dst)
    return bytes(6) + bytes(6) + b"\x08\x00" + ip + icmp


def nanosecond_pcap(records):
    """records: (time_ns, frame). Little-endian classic pcap, magic a1b23c4d, link type 1."""
    out = struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 128, 1)
    for time_ns, frame in records:
        sec, ns = divmod(time_ns, 1_000_000_000)
        out += struct.pack("<IIII", sec, ns, len(frame), len(frame)) + frame
    return out


class PcapIcmpTest(unittest.TestCase):
    def test_reads_echo_request_and_reply_with_nanosecond_times(self):
        data = nanosecond_pcap([
            (1_700_000_000_000_000_123, ethernet_echo(8, 0x1234, 1, CLIENT, TARGET)),
            (1_700_000_000_000_033_396, ethernet_echo(0, 0x1234, 1, TARGET, CLIENT)),
        ])
        with tempfile.NamedTemporaryFile(suffix=".pcap") as f:
            f.write(data)
            f.flush()
            packets = list(pcap_icmp.echo_packets(f.name))
        self.assertEqual(packets, [
            pcap_icmp.EchoPacket(1_700_000_000_000_000_123, "request", 0x1234, 1,
                                 "198.18.0.1", "198.18.0.2"),
            pcap_icmp.EchoPacket(1_700_000_000_000_033_396, "reply", 0x1234, 1,
                                 "198.18.0.2", "198.18.0.1"),
        ])


class RttErrorsTest(unittest.TestCase):
    def test_error_is_reported_minus_wire_per_sequence_skipping_duplicates(self):
        base = 1_700_000_000_000_000_000
        data = nanosecond_pcap([
            (base, ethernet_echo(8, 7, 1, CLIENT, TARGET)),
            (base + 33_273, ethernet_echo(0, 7, 1, TARGET, CLIENT)),
            (base + 10_000_000, ethernet_echo(8, 7, 2, CLIENT, TARGET)),
            (base + 10_013_910, ethernet_echo(0, 7, 2, TARGET, CLIENT)),
            (base + 20_000_000, ethernet_echo(8, 7, 3, CLIENT, TARGET)),   # reply lost
        ])
        output = ("PING 198.18.0.2 (198.18.0.2) 56(84) bytes of data.\n"
                  "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.044 ms\n"
                  "64 bytes from 198.18.0.2: icmp_seq=2 ttl=64 time=0.026 ms\n"
                  "64 bytes from 198.18.0.2: icmp_seq=2 ttl=64 time=0.900 ms (DUP!)\n")
        with tempfile.TemporaryDirectory() as tmp:
            pcap, out = os.path.join(tmp, "c.pcap"), os.path.join(tmp, "p.out")
            with open(pcap, "wb") as f:
                f.write(data)
            with open(out, "w") as f:
                f.write(output)
            result = subprocess.run([sys.executable, os.path.join(BENCH, "rtt_errors.py"), pcap, out],
                                    capture_output=True, text=True, check=True)
        self.assertEqual(result.stdout, "10.727\n12.090\n")
        self.assertEqual(result.stderr, "matched 2 of 2 reply lines; ident 7\n")


class StatsTest(unittest.TestCase):
    def test_percentile_interpolates_between_closest_ranks(self):
        self.assertEqual(stats.percentile([4, 1, 3, 2], 50), 2.5)
        self.assertAlmostEqual(stats.percentile(list(range(101)), 99), 99.0)
        self.assertAlmostEqual(stats.percentile([0, 10], 99), 9.9)


class SummarizeTest(unittest.TestCase):
    def run_summarize(self, ours, ref, *options):
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for name, samples in (("ours", ours), ("ref", ref)):
                paths.append(os.path.join(tmp, name))
                with open(paths[-1], "w") as f:
                    f.write("".join(f"{s}\n" for s in samples))
            results = os.path.join(tmp, "results.jsonl")
            subprocess.run([sys.executable, os.path.join(BENCH, "lib", "summarize.py"),
                            "--results", results, "--section", "s", "--metric", "m", *options,
                            *paths], check=True)
            with open(results) as f:
                return json.loads(f.read())

    def test_paired_ratio_is_the_median_of_per_pair_ratios(self):
        row = self.run_summarize([110, 100, 210], [100, 100, 200], "--paired", "--spread", "range",
                                 "--goal", "ratio>=1.05")
        self.assertEqual((row["ours"], row["ref"]), ("110 (100–210)", "100 (100–200)"))
        self.assertEqual((row["ratio"], row["goal"], row["met"]), ("1.050×", "≥ 1.05× iputils", "yes"))

    def test_signed_median_is_checked_by_its_size(self):
        row = self.run_summarize([-3, -2.5, 1], [5, 6, 7], "--stat", "median", "--signed",
                                 "--decimals", "1", "--goal", "ours<=2", "--unit", "µs")
        self.assertEqual((row["ours"], row["ratio"], row["goal"], row["met"]),
                         ("−2.5", "—", "≤ 2 µs", "**no**"))

    def test_metric_without_iputils_counterpart_has_no_reference_cell_nor_ratio(self):
        with tempfile.TemporaryDirectory() as tmp:
            ours, results = os.path.join(tmp, "ours"), os.path.join(tmp, "results.jsonl")
            with open(ours, "w") as f:
                f.write("2.5\n31.25\n1.5\n")
            subprocess.run([sys.executable, os.path.join(BENCH, "lib", "summarize.py"),
                            "--results", results, "--section", "s", "--metric", "m", "--stat", "max",
                            "--decimals", "1", "--goal", "ours<=20", "--unit", "ms", ours, "-"],
                           check=True)
            with open(results) as f:
                row = json.loads(f.read())
        self.assertEqual((row["ours"], row["ref"], row["ratio"], row["goal"], row["met"]),
                         ("31.2", "—", "—", "≤ 20 ms", "**no**"))


class MeasureTest(unittest.TestCase):
    def test_exit_realtime_is_a_fifth_column_read_after_the_reaping(self):
        before = time.time_ns()
        result = subprocess.run([sys.executable, os.path.join(BENCH, "lib", "measure.py"),
                                 "--exit-realtime", "--", "sh", "-c", "exit 3"],
                                capture_output=True, text=True, check=True)
        after = time.time_ns()
        columns = result.stdout.split("\t")
        self.assertEqual(len(columns), 5)
        self.assertEqual(columns[3], "3")
        self.assertTrue(before <= int(columns[4]) <= after)


class StopLatencyTest(unittest.TestCase):
    BASE = 1_795_248_242_000_000_000

    def test_latency_is_exit_minus_last_reply_minus_timeout(self):
        self.assertAlmostEqual(stop_latency.stop_latency_ms(self.BASE, self.BASE + 10_002_174_000, 10),
                               2.174)

    def test_last_reply_is_the_latest_of_the_ping_that_sent_most(self):
        reply = "reply"
        packets = [
            pcap_icmp.EchoPacket(self.BASE + 200_000_000, reply, 7, 2, "198.18.0.2", "198.18.0.1"),
            pcap_icmp.EchoPacket(self.BASE + 400_000_000, reply, 7, 3, "198.18.0.2", "198.18.0.1"),
            pcap_icmp.EchoPacket(self.BASE + 500_000_000, "request", 7, 4, "198.18.0.1", "198.18.0.2"),
            pcap_icmp.EchoPacket(self.BASE + 900_000_000, reply, 9, 1, "198.18.0.2", "198.18.0.1"),
            pcap_icmp.EchoPacket(self.BASE, reply, 7, 1, "198.18.0.2", "198.18.0.1"),
        ]
        last, count = stop_latency.last_reply(packets)
        self.assertEqual((last.seq, last.time_ns, count), (3, self.BASE + 400_000_000, 3))

    def test_script_reads_the_capture(self):
        data = nanosecond_pcap([
            (self.BASE, ethernet_echo(0, 7, 1, TARGET, CLIENT)),
            (self.BASE + 200_019_000, ethernet_echo(0, 7, 2, TARGET, CLIENT)),
        ])
        with tempfile.NamedTemporaryFile(suffix=".pcap") as f:
            f.write(data)
            f.flush()
            result = subprocess.run(
                [sys.executable, os.path.join(BENCH, "stop_latency.py"), f.name,
                 str(self.BASE + 10_203_500_000), "10"], capture_output=True, text=True, check=True)
        self.assertEqual(result.stdout, "3.481\n")
        self.assertEqual(result.stderr, "last reply icmp_seq 2 of ident 7; 2 replies captured\n")


class SupervisionCostTest(unittest.TestCase):
    def test_reply_times_come_from_the_timestamped_reply_lines_only(self):
        output = ("PING 198.18.0.2 (198.18.0.2) 56(84) bytes of data.\n"
                  "[1795248242.118702] 64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.019 ms\n"
                  "[1795248243.118990] 64 bytes from 198.18.0.2: icmp_seq=2 ttl=64 time=0.027 ms\n"
                  "[1795248243.119400] 64 bytes from 198.18.0.2: icmp_seq=2 ttl=64 time=0.4 ms (DUP!)\n"
                  "[1795248244.120000] From 198.18.0.1 icmp_seq=3 Destination Host Unreachable\n"
                  "\n--- 198.18.0.2 ping statistics ---\n")
        self.assertEqual(supervision_cost.reply_times(output), [1795248242.118702, 1795248243.11899])

    def test_window_starts_half_an_interval_after_a_reply_and_not_before_the_given_time(self):
        self.assertAlmostEqual(supervision_cost.window_start(100.25, 1.0, 100.0), 100.75)
        self.assertAlmostEqual(supervision_cost.window_start(100.25, 1.0, 102.9), 103.75)
        self.assertAlmostEqual(supervision_cost.window_start(100.25, 0.2, 101.0), 101.15)

    def test_a_window_of_whole_intervals_holds_one_reply_per_interval(self):
        replies = [100.0 + i + 0.0004 * i for i in range(30)]    # 0.4 ms of drift per reply
        start = supervision_cost.window_start(replies[1], 1.0, 102.0)
        self.assertEqual(supervision_cost.count_in(replies, start, start + 20.0), 20)


def wait_until_asleep(pid, seconds=5.0):
    """Polls (bounded) until the process is in state S: it has gone to sleep at least once."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "S":
                return
        time.sleep(0.01)
    raise AssertionError(f"process {pid} did not go to sleep within {seconds} s")


class ProcStatsTest(unittest.TestCase):
    def test_parses_schedstat_and_status(self):
        self.assertEqual(proc_stats.parse_schedstat_ns("1016576 660309 3\n"), 1016576)
        fields = proc_stats.parse_status("Name:\twatchdog\nVmHWM:\t    1612 kB\n"
                                         "voluntary_ctxt_switches:\t61\n")
        self.assertEqual(fields["Name"], "watchdog")
        self.assertEqual(proc_stats.status_kib(fields, "VmHWM"), 1612)
        self.assertIsNone(proc_stats.status_kib(fields, "VmRSS"))

    def test_reads_a_live_child(self):
        child = subprocess.Popen(["sleep", "5"])
        try:
            wait_until_asleep(child.pid)    # until then it may not have switched out once
            self.assertEqual(proc_stats.children(os.getpid()), [child.pid])
            self.assertGreater(proc_stats.status_kib(proc_stats.status(child.pid), "VmHWM"), 0)
            self.assertGreaterEqual(proc_stats.context_switches(child.pid), 1)
            self.assertIsNotNone(proc_stats.cpu_ns(child.pid))
        finally:
            child.kill()
            child.wait()
        self.assertIsNone(proc_stats.cpu_ns(child.pid))


class SupervisionMemoryTest(unittest.TestCase):
    def test_reports_every_process_at_its_exit_and_passes_the_exit_code_on(self):
        result = subprocess.run([sys.executable, os.path.join(BENCH, "supervision_memory.py"), "--",
                                 "sh", "-c", "/bin/true; exit 3"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 3, result.stderr)
        lines = [line.split("\t") for line in result.stdout.splitlines()]
        self.assertEqual([name for name, _ in lines], ["true", "sh"])
        self.assertTrue(all(int(kib) > 100 for _, kib in lines))


if __name__ == "__main__":
    unittest.main()
