"""Tests of the many-targets benchmarks' analysis (bench/lib/many_targets.py; no root, no
network), from the repository root:
    /usr/bin/python3 -B -m unittest discover -s bench/tests
"""
import json
import os
import struct
import sys
import tempfile
import textwrap
import unittest

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(BENCH, "lib"))
import many_targets as mt  # noqa: E402
from pcap_icmp import EchoPacket  # noqa: E402

OURS_OUTPUT = textwrap.dedent("""\
    PING 198.19.0.1 (198.19.0.1) 56(84) bytes of data.
    PING 2001:db8:1::5(2001:db8:1::5) 56 data bytes
    64 bytes from 198.19.0.1: icmp_seq=1 ttl=64 time=0.051 ms
    64 bytes from 2001:db8:1::5: icmp_seq=1 ttl=64 time=0.060 ms
    64 bytes from 198.19.0.1: icmp_seq=2 ttl=64 time=0.045 ms
    64 bytes from 198.19.0.1: icmp_seq=2 ttl=64 time=0.090 ms (DUP!)

    --- 198.19.0.1 ping statistics ---
    2 packets transmitted, 2 received, +1 duplicates, 0% packet loss, time 1000ms
    rtt min/avg/max/mdev = 0.045/0.048/0.051/0.003 ms

    --- 2001:db8:1::5 ping statistics ---
    2 packets transmitted, 1 received, 50% packet loss, time 1001ms
    rtt min/avg/max/mdev = 0.060/0.060/0.060/0.000 ms
    """).splitlines()

FPING_STDOUT = textwrap.dedent("""\
    198.19.0.1    : [0], 64 bytes, 0.073 ms (0.073 avg, 0% loss)
    198.19.0.2    : [0], 64 bytes, 0.009 ms (0.009 avg, 0% loss)
    198.19.0.1    : duplicate for [0], 64 bytes, 0.100 ms
    198.19.0.1    : [1], 64 bytes, 1.25 ms (0.66 avg, 0% loss)
    """).splitlines()
FPING_STDERR = textwrap.dedent("""\
    198.19.0.1    : xmt/rcv/%loss = 2/2/0%, min/avg/max = 0.073/0.66/1.25
    198.19.0.2    : xmt/rcv/%loss = 2/1/50%, min/avg/max = 0.009/0.009/0.009
    198.19.0.3    : xmt/rcv/%loss = 2/0/100%
    """).splitlines()

SNMP = textwrap.dedent("""\
    Ip: Forwarding DefaultTTL
    Ip: 1 64
    Icmp: InMsgs InErrors InEchos InEchoReps OutMsgs OutEchos OutEchoReps
    Icmp: 12 0 7 5 12 5 7
    IcmpMsg: InType0 OutType8
    IcmpMsg: 5 5
    Icmp6InMsgs                     \t3
    Icmp6InEchos                    \t2
    Icmp6OutEchoReplies             \t2
    """)


def request(ns, target, ident, seq):
    return EchoPacket(ns, "request", ident, seq, "198.18.0.1", target)


def reply(ns, target, ident, seq):
    return EchoPacket(ns, "reply", ident, seq, target, "198.18.0.1")


class TargetListTest(unittest.TestCase):
    def test_ipv4_first_then_ipv6_beyond_the_ipv4_share(self):
        self.assertEqual(mt.target_addresses(2), ["198.19.0.1", "198.19.0.2"])
        addresses = mt.target_addresses(mt.V4_MAX + 2)
        self.assertEqual(addresses[mt.V4_MAX - 1], "198.19.195.80")   # 1 + 49 999 = 195 × 256 + 80
        self.assertEqual(addresses[-2:], ["2001:db8:1::1", "2001:db8:1::2"])
        self.assertEqual(len(set(addresses)), mt.V4_MAX + 2)


class PingerTextTest(unittest.TestCase):
    def test_ours_summary_blocks_give_each_targets_counts(self):
        self.assertEqual(mt.ours_summaries(OURS_OUTPUT),
                         {"198.19.0.1": (2, 2), "2001:db8:1::5": (2, 1)})

    def test_ours_reply_lines_skip_duplicates_and_read_ipv6_sources(self):
        self.assertEqual(list(mt.ours_replies(OURS_OUTPUT)),
                         [("198.19.0.1", 1, 51.0), ("2001:db8:1::5", 1, 60.0),
                          ("198.19.0.1", 2, 45.0)])
        self.assertEqual([r[0] for r in mt.ours_replies(OURS_OUTPUT, {"2001:db8:1::5"})],
                         ["2001:db8:1::5"])

    def test_fping_reply_lines_give_the_probe_index_and_skip_duplicates(self):
        replies = list(mt.fping_replies(FPING_STDOUT))
        self.assertEqual([(t, i) for t, i, _ in replies],
                         [("198.19.0.1", 0), ("198.19.0.2", 0), ("198.19.0.1", 1)])
        self.assertAlmostEqual(replies[2][2], 1250.0)

    def test_fping_summaries_include_targets_that_never_answered(self):
        self.assertEqual(mt.fping_summaries(FPING_STDERR),
                         {"198.19.0.1": (2, 2), "198.19.0.2": (2, 1), "198.19.0.3": (2, 0)})

    def test_snmp_and_snmp6_counters(self):
        counters = mt.snmp_counters(SNMP)
        self.assertEqual((counters["Icmp:InEchos"], counters["Icmp:OutEchoReps"]), (7, 7))
        self.assertEqual(counters["Icmp6InEchos"], 2)
        self.assertEqual(counters["IcmpMsg:OutType8"], 5)

    def test_run_figures_join_measure_and_gnu_time(self):
        figures = mt.run_figures("6.180000\t0.330120\t0.661000\t4\n",
                                 "Command exited with non-zero status 4\n8180 4\n")
        self.assertEqual(figures, {"wall_s": 6.18, "user_s": 0.33012, "sys_s": 0.661,
                                   "maxrss_kib": 8180, "exit": 4})
        self.assertIsNone(mt.run_figures("", "8180 0\n"))
        self.assertIsNone(mt.run_figures("1\t2\t3\t0\n", "Command terminated by signal 9\n"))


class WireTest(unittest.TestCase):
    PACKETS = [request(1_000_000_000, "198.19.0.1", 7, 1), reply(1_000_020_000, "198.19.0.1", 7, 1),
               request(1_000_500_000, "198.19.0.2", 7, 2), reply(1_000_505_000, "198.19.0.2", 7, 2),
               request(2_000_000_000, "198.19.0.1", 7, 3),                 # lost
               request(3_000_000_000, "198.19.0.1", 7, 4), reply(3_000_010_000, "198.19.0.1", 7, 4),
               reply(3_000_090_000, "198.19.0.1", 7, 4),                   # duplicate
               reply(3_000_100_000, "198.19.0.9", 7, 4)]                   # not ours

    def test_requests_in_order_and_rtts_per_target(self):
        wire = mt.wire_by_target(self.PACKETS)
        self.assertEqual(sorted(wire), ["198.19.0.1", "198.19.0.2"])
        self.assertEqual([seq for _, _, seq in wire["198.19.0.1"].sends], [1, 3, 4])
        self.assertEqual(wire["198.19.0.1"].rtts, {(7, 1): 20.0, (7, 4): 10.0})
        self.assertEqual(wire["198.19.0.2"].rtts, {(7, 2): 5.0})

    def test_ours_lines_pair_by_sequence_fpings_by_index(self):
        wire = mt.wire_by_target(self.PACKETS)
        ours = [("198.19.0.1", 1, 23.0), ("198.19.0.1", 4, 9.0), ("198.19.0.2", 2, 5.0),
                ("198.19.0.3", 1, 5.0)]
        self.assertEqual(mt.rtt_errors(ours, wire, "seq"), [3.0, -1.0, 0.0])
        # fping's [0] and [2] of 198.19.0.1 are its 1st and 3rd requests; [1] was lost
        fping = [("198.19.0.1", 0, 21.0), ("198.19.0.1", 2, 12.0), ("198.19.0.1", 9, 1.0)]
        self.assertEqual(mt.rtt_errors(fping, wire, "index"), [1.0, 2.0])

    def test_schedule_median_gap_shows_drift_not_jitter(self):
        second = 1_000_000_000
        # 198.19.0.1: one send 3 ms late (two gaps off by 3 ms); 198.19.0.2: 100 µs per gap
        steady = [request(k * second + 3_000_000 * (k == 2), "198.19.0.1", 1, k) for k in range(5)]
        drifting = [request(k * (second + 100_000), "198.19.0.2", 1, k) for k in range(5)]
        figures = mt.schedule(mt.wire_by_target(steady + drifting), 1.0)
        self.assertEqual(figures["targets"], 2)
        # gaps − 1 s, µs: 0, 3000, −3000, 0 and 100 × 4: the median is 100
        self.assertAlmostEqual(figures["median_gap_us"], 100.0, places=3)
        self.assertAlmostEqual(figures["max_gap_ms"], 3.0, places=6)
        # spans: 0 and +0.4 ms, median 0.2
        self.assertAlmostEqual(figures["span_ms"], 0.2, places=6)
        self.assertIsNone(mt.schedule(mt.wire_by_target(steady[:1]), 1.0))


class RowsTest(unittest.TestCase):
    """Rows from run directories as lib/many_targets.sh writes them."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.results = os.path.join(self.tmp.name, "results.jsonl")

    def tearDown(self):
        self.tmp.cleanup()

    def run_dir(self, name, out, err, requests, answered, wall=61.0, cpu=(0.5, 1.0), rss=3000,
                code=0):
        path = os.path.join(self.tmp.name, name)
        os.mkdir(path)
        files = {"out": "\n".join(out) + "\n", "err": "\n".join(err) + "\n",
                 "rusage": f"{wall}\t{cpu[0]}\t{cpu[1]}\t{code}\n", "time": f"{rss} {code}\n",
                 "target.before": "Icmp: InEchos OutEchoReps\nIcmp: 100 100\n",
                 "target.after": f"Icmp: InEchos OutEchoReps\nIcmp: {100 + requests} {100 + answered}\n"}
        for name, text in files.items():
            with open(os.path.join(path, name), "w") as f:
                f.write(text)
        return path

    def rows(self):
        with open(self.results) as f:
            return [json.loads(line) for line in f]

    def test_sustained_row_counts_answered_probes_and_shows_fpings_stop(self):
        ours = self.run_dir("ours", OURS_OUTPUT, [], requests=4, answered=3)
        stop = ("fping error: not enough sequence numbers available! (expire_timeout=10000000000,"
                " host_nr=5535, ping_count=6, seqmap_next_id=0)")
        fping = self.run_dir("fping", FPING_STDOUT, [stop], requests=3, answered=3, wall=6.2,
                             code=4)
        mt.main(["sustained", "--results", self.results, "--targets", "2", "--count", "2",
                 "--ours", ours, "--fping", fping])
        (row,) = self.rows()
        self.assertEqual(row["met"], "yes")
        self.assertIn("counted 3 of 3 answered (4 of 4 sent); loss 25.000 %", row["ours"])
        # fping printed no summary: its 3 reply lines (not the duplicate) are what it counted
        self.assertIn("counted 3 of 3 answered", row["ref"])
        self.assertIn("**stopped at 6.2 s, exit 4**", row["ref"])

    def test_sustained_row_fails_on_uncounted_replies_and_loss(self):
        ours = self.run_dir("ours", OURS_OUTPUT, [], requests=4, answered=4)
        fping = self.run_dir("fping", [], FPING_STDERR, requests=6, answered=3)
        mt.main(["sustained", "--results", self.results, "--targets", "2", "--count", "2",
                 "--ours", ours, "--fping", fping])
        self.assertEqual(self.rows()[0]["met"], "**no**")
        self.assertIn("counted 3 of 3 answered (6 of 4 sent)", self.rows()[0]["ref"])

    def test_skipped_ours_leaves_its_cells_empty(self):
        ours = os.path.join(self.tmp.name, "ours")
        os.mkdir(ours)
        with open(os.path.join(ours, "skipped"), "w") as f:
            f.write("not run: ours takes one target\n")
        fping = self.run_dir("fping", [], FPING_STDERR, requests=6, answered=3)
        mt.main(["sustained", "--results", self.results, "--targets", "3", "--count", "2",
                 "--max-loss", "0.01", "--interval", "1", "--ours", ours, "--fping", fping])
        sustained, spacing = self.rows()
        self.assertEqual((sustained["ours"], sustained["met"]),
                         ("— (not run: ours takes one target)", "—"))
        self.assertEqual((spacing["ours"], spacing["met"]), ("—", "—"))
        self.assertIn("fewer than 2 sends", spacing["ref"])

    def test_memory_rows_give_bytes_per_target_above_one(self):
        ours = [self.run_dir(f"o{n}", [], [], 0, 0, rss=rss) for n, rss in ((1, 3000), (10, 3005))]
        fping = [self.run_dir(f"f{n}", [], [], 0, 0, rss=rss) for n, rss in ((1, 2000), (10, 2011))]
        mt.main(["memory", "--results", self.results, "--sizes", "1,10", "--ours", ours[0],
                 "--ours", ours[1], "--fping", fping[0], "--fping", fping[1]])
        rss, per_target = self.rows()
        self.assertEqual((rss["ours"], rss["ref"]), ("3 000 / 3 005", "2 000 / 2 011"))
        self.assertEqual((per_target["ours"], per_target["ref"]), ("512", "1 126"))
        self.assertEqual(per_target["met"], "yes")

    def test_cpu_row_divides_cpu_by_requests_and_pairs_the_ratio(self):
        ours = [self.run_dir(f"o{i}", [], [], 100_000, 100_000, cpu=(0.1, 0.2 + i / 10))
                for i in range(2)]
        fping = [self.run_dir(f"f{i}", [], [], 100_000, 100_000, cpu=(0.2, 0.2)) for i in range(2)]
        mt.main(["cpu", "--results", self.results, "--targets", "5000", "--count", "20",
                 "--ours", ours[0], "--ours", ours[1], "--fping", fping[0], "--fping", fping[1]])
        (row,) = self.rows()
        self.assertEqual((row["ours"], row["ref"]),
                         ("3.50 (3.00–4.00); user 1.00", "4.00 (4.00–4.00); user 2.00"))
        self.assertEqual((row["ratio"], row["met"]), ("0.875×", "yes"))


if __name__ == "__main__":
    unittest.main()
