"""Tests of the --json benchmark's analysis (bench/lib/json_output.py; no root, no network),
from the repository root:
    /usr/bin/python3 -B -m unittest discover -s bench/tests
"""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(BENCH, "lib"))
import json_output as jo  # noqa: E402

SNMP_BEFORE = "Icmp: InEchos OutEchoReps InEchoReps\nIcmp: 100 100 100\n"


def snmp_after(requests):
    n = 100 + requests
    return f"Icmp: InEchos OutEchoReps InEchoReps\nIcmp: {n} {n} {n}\n"


def write_run(root, name, wall, user, sys_s, rss_kib, requests, wc="3 120"):
    """A run directory as lib/many_targets.sh's mt_run leaves it (stdout piped, so no out)."""
    run_dir = os.path.join(root, name)
    os.makedirs(run_dir)
    files = {"rusage": f"{wall} {user} {sys_s} 0\n", "time": f"{rss_kib} 0\n",
             "target.before": SNMP_BEFORE, "target.after": snmp_after(requests),
             "client.before": SNMP_BEFORE, "client.after": snmp_after(requests), "out.wc": wc}
    for file_name, text in files.items():
        with open(os.path.join(run_dir, file_name), "w") as f:
            f.write(text)
    return run_dir


def read_rows(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


class ReceivedCountTest(unittest.TestCase):
    def test_text_summary(self):
        tail = ("--- 198.18.0.2 ping statistics ---\n"
                "100000 packets transmitted, 99998 received, 0% packet loss")
        self.assertEqual(jo.received_count(tail), 99998)

    def test_json_summary_cut_at_the_front(self):
        tail = ('y":false,"time":1.5}\n{"type":"summary","target":"198.18.0.2","transmitted":5,'
                '"received":4,"duplicates":0}\n')
        self.assertEqual(jo.received_count(tail), 4)

    def test_last_count_wins_and_none_without_one(self):
        self.assertEqual(jo.received_count('{"received":1}\n{"received":7}\n'), 7)
        self.assertIsNone(jo.received_count('{"type":"reply","seq":3}\n'))


class FiguresTest(unittest.TestCase):
    def test_per_probe_is_cpu_over_requests_in_microseconds(self):
        cpu, user = jo.per_probe_us({"user_s": 0.2, "sys_s": 0.8}, 100000)
        self.assertAlmostEqual(cpu, 10.0)
        self.assertAlmostEqual(user, 2.0)
        self.assertIsNone(jo.per_probe_us(None, 100))
        self.assertIsNone(jo.per_probe_us({"user_s": 1.0, "sys_s": 1.0}, 0))

    def test_paired_ratio_is_the_median_of_known_pairs(self):
        self.assertAlmostEqual(jo.paired_ratio([2.0, 3.0, 10.0, None], [2.0, 2.0, 5.0, 1.0]), 1.5)
        self.assertIsNone(jo.paired_ratio([None], [1.0]))

    def test_memory_per_target_and_what_json_adds(self):
        json_kib = jo.median_by_size([(1, 2600), (10000, 20000), (10000, 20400), (10000, None)])
        plain_kib = jo.median_by_size([(1, 2700), (10000, 10100)])
        self.assertEqual(json_kib, {1: 2600, 10000: 20200})
        self.assertAlmostEqual(jo.per_target_bytes(json_kib)[10000], (20200 - 2600) * 1024 / 10000)
        self.assertEqual(jo.per_target_bytes({10000: 5}), {})
        self.assertAlmostEqual(jo.added_bytes(json_kib, plain_kib)[10000], 10100 * 1024 / 10000)
        self.assertNotIn(1, jo.added_bytes(json_kib, plain_kib))


class RowsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.results = os.path.join(self.tmp.name, "results.jsonl")

    def tearDown(self):
        self.tmp.cleanup()

    def run_dir(self, *args, **kwargs):
        return write_run(self.tmp.name, *args, **kwargs)

    def test_cpu_row_compares_json_with_plain_per_pair(self):
        json_runs = [self.run_dir("j0", 20, 0.3, 1.1, 20000, 200000),
                     self.run_dir("j1", 20, 0.3, 0.9, 20000, 200000)]
        plain_runs = [self.run_dir("p0", 20, 0.2, 1.0, 10000, 200000),
                      self.run_dir("p1", 20, 0.2, 0.8, 10000, 200000)]
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            jo.main(["cpu", "--results", self.results, "--targets", "10000", "--count", "20"] +
                    [a for d in json_runs for a in ("--json", d)] +
                    [a for d in plain_runs for a in ("--plain", d)])
        self.assertEqual(printed.getvalue(), "--json: 3 lines 0.0 MB, 3 lines 0.0 MB; "
                                             "text: 3 lines 0.0 MB, 3 lines 0.0 MB\n")
        (row,) = read_rows(self.results)
        self.assertEqual(row["section"], "json_output")
        self.assertEqual(row["ours"], "6.50 (6.00–7.00); user 1.50")   # 1.4 s and 1.2 s / 200 000
        self.assertEqual(row["ref"], "5.50 (5.00–6.00); user 1.00")
        self.assertEqual(row["ratio"], "1.183×")                          # (7/6 + 6/5) / 2
        self.assertEqual(row["met"], "yes")
        self.assertIn("without `--json`", row["metric"])

    def test_memory_rows_goal_is_three_kib_per_target_with_json(self):
        args = ["memory", "--results", self.results,
                "--json", "1=" + self.run_dir("j1", 2, 0, 0, 2600, 3),
                "--json", "10000=" + self.run_dir("j10k", 20, 1, 1, 32600, 10000),
                "--plain", "1=" + self.run_dir("p1", 2, 0, 0, 2600, 3),
                "--plain", "10000=" + self.run_dir("p10k", 20, 1, 1, 10600, 10000)]
        jo.main(args)
        peak, per_target, added = read_rows(self.results)
        self.assertEqual(peak["ours"], "2 600 / 32 600")
        self.assertEqual(per_target["ours"], "3 072")                     # 30 000 KiB / 10 000
        self.assertEqual(per_target["ref"], "819")
        self.assertEqual(per_target["met"], "yes")
        self.assertEqual(added["ours"], "2 253")
        self.assertEqual(added["ref"], "—")

    def test_memory_row_not_met_above_the_budget(self):
        jo.main(["memory", "--results", self.results,
                 "--json", "1=" + self.run_dir("j1", 2, 0, 0, 2600, 3),
                 "--json", "1000=" + self.run_dir("j1k", 2, 0, 0, 5700, 3),
                 "--plain", "1=" + self.run_dir("p1", 2, 0, 0, 2600, 3),
                 "--plain", "1000=" + self.run_dir("p1k", 2, 0, 0, 3600, 3)])
        self.assertEqual(read_rows(self.results)[1]["met"], "**no**")


if __name__ == "__main__":
    unittest.main()
