"""Tests of the analysis code of the CPU, concurrency and RTT-plot benchmarks (no root, no
network), from the repository root:
    /usr/bin/python3 -B -m unittest discover -s bench/tests
"""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(BENCH, "lib"))
sys.path.insert(0, BENCH)
import probe_cost  # noqa: E402
import proc_stats  # noqa: E402
import rtt_error_cdf  # noqa: E402
from test_analysis import wait_until_asleep  # noqa: E402

# A stand-in for ping: `FAKE -D -n -i S -w DEADLINE TARGET` prints a time-stamped reply line every
# S seconds, flushed, until SIGINT or the deadline; then a summary, as ping does.
FAKE_PING = textwrap.dedent("""\
    import signal, sys, time
    args = sys.argv[1:]
    interval, deadline = float(args[args.index("-i") + 1]), float(args[args.index("-w") + 1])
    signal.signal(signal.SIGINT, lambda *_: (print("--- statistics ---"), sys.exit(0)))
    start = time.monotonic()
    seq = 1
    while time.monotonic() - start < deadline:
        print(f"[{time.time():.6f}] 64 bytes from {args[-1]}: icmp_seq={seq} ttl=64 time=0.020 ms",
              flush=True)
        seq += 1
        time.sleep(max(0.0, start + (seq - 1) * interval - time.monotonic()))
    """)


class ProbeCostTest(unittest.TestCase):
    def test_instances_start_spread_evenly_over_one_interval(self):
        for got, want in zip(probe_cost.start_offsets(4, 0.2), [0.0, 0.05, 0.1, 0.15],
                             strict=True):
            self.assertAlmostEqual(got, want)
        self.assertEqual(probe_cost.start_offsets(1, 1.0), [0.0])

    def test_deadline_leaves_room_for_start_warm_up_alignment_and_window(self):
        # 0.2 + 2 × (10 + 0.6) + 0.4 + 15 + 10 = 46.8 -> 47
        self.assertEqual(probe_cost.deadline_s(0.2, 15), 47)
        self.assertEqual(probe_cost.deadline_s(1, 40), 1 + 26 + 2 + 40 + 10)

    def test_per_probe_figures_divide_by_the_replies_in_the_window(self):
        self.assertEqual(probe_cost.per_instance(4_250_000, 51, 2, 50),
                         {"cpu_us_per_probe": 85.0, "voluntary_per_probe": 1.02,
                          "involuntary_per_probe": 0.04})
        self.assertIsNone(probe_cost.per_instance(1_000, 1, 0, 0))

    def test_summary_gives_medians_range_and_total_share_of_one_core(self):
        instances = [{"cpu_ns": cpu_us * 75 * 1000, "probes": 75, "cpu_us_per_probe": cpu_us,
                      "voluntary_per_probe": wake, "involuntary_per_probe": 0.0}
                     for cpu_us, wake in ((100.0, 1.0), (140.0, 1.2), (120.0, 1.0))]
        summary = probe_cost.summarize(instances, 15.0)
        self.assertEqual((summary["instances"], summary["probes"]), (3, 75))
        self.assertEqual((summary["cpu_us_per_probe"], summary["cpu_us_per_probe_min"],
                          summary["cpu_us_per_probe_max"]), (120.0, 100.0, 140.0))
        # (100 + 140 + 120) µs × 75 probes = 27 ms of CPU in 15 s: 0.18 % of one core
        self.assertAlmostEqual(summary["total_cpu_percent"], 0.18)
        self.assertEqual(summary["voluntary_per_probe"], 1.0)

    def test_socket_count_skips_the_header_of_a_proc_net_table(self):
        table = ("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
                 "   uid  timeout inode ref pointer drops\n"
                 "   1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000"
                 "     0        0 81210 2 0000000000000000 0\n"
                 "   1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000"
                 "     0        0 81244 2 0000000000000000 0\n")
        self.assertEqual(probe_cost.socket_count(table), 2)
        self.assertEqual(probe_cost.socket_count(table.splitlines()[0] + "\n"), 0)
        self.assertEqual(probe_cost.socket_count(""), 0)

    def test_samples_every_instance_over_its_window_and_stops_them(self):
        with tempfile.TemporaryDirectory() as tmp:
            fake, other = os.path.join(tmp, "fake_ping"), os.path.join(tmp, "other_ping")
            with open(fake, "w") as f:
                f.write(f"#!{sys.executable}\n" + FAKE_PING)
            os.chmod(fake, 0o755)
            os.symlink(fake, other)
            result = subprocess.run(
                [sys.executable, os.path.join(BENCH, "probe_cost.py"), "--ping", fake,
                 "--ping", other, "--target", "198.18.0.2", "--interval", "0.05", "--window", "0.5",
                 "--instances", "3", "--work", tmp],
                capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)
            header, figures = result.stdout.splitlines()
            summary = dict(zip(header.split("\t"), figures.split("\t")))
            with open(os.path.join(tmp, "instances.tsv")) as f:
                instances = f.read().splitlines()
            with open(os.path.join(tmp, "3.2.out")) as f:
                last_line = f.read().splitlines()[-1]
        self.assertEqual(summary["instances"], "3")
        self.assertIn(float(summary["probes"]), (9.0, 10.0, 11.0))
        self.assertGreater(float(summary["cpu_us_per_probe"]), 0)
        self.assertGreaterEqual(float(summary["voluntary_per_probe"]), 0.5)
        self.assertEqual(instances[0].split("\t"), list(probe_cost.INSTANCE_COLUMNS))
        self.assertEqual([line.split("\t")[-1] for line in instances[1:]], [fake, other, fake])
        self.assertEqual(last_line, "--- statistics ---")   # stopped by SIGINT, not the deadline


    def test_sigterm_stops_every_instance_before_exiting(self):
        with tempfile.TemporaryDirectory() as tmp:
            fake = os.path.join(tmp, "fake_ping")
            with open(fake, "w") as f:
                f.write(f"#!{sys.executable}\n" + FAKE_PING)
            os.chmod(fake, 0o755)
            outs = [os.path.join(tmp, f"2.{i}.out") for i in range(2)]
            sampler = subprocess.Popen(
                [sys.executable, os.path.join(BENCH, "probe_cost.py"), "--ping", fake,
                 "--target", "198.18.0.2", "--interval", "0.05", "--window", "60",
                 "--instances", "2", "--work", tmp], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            try:
                deadline = time.monotonic() + 10
                while not all(os.path.exists(o) and os.path.getsize(o) > 0 for o in outs):
                    self.assertLess(time.monotonic(), deadline, "no instance printed a reply")
                    time.sleep(0.05)
                sampler.terminate()
                self.assertEqual(sampler.wait(timeout=10), 143)
            finally:
                sampler.kill()
                sampler.wait()
            for out in outs:
                with open(out) as f:
                    self.assertEqual(f.read().splitlines()[-1], "--- statistics ---")


class ProcStatsSwitchesTest(unittest.TestCase):
    def test_voluntary_and_involuntary_switches_of_a_live_child_add_up_to_all_switches(self):
        child = subprocess.Popen(["sleep", "5"])
        try:
            wait_until_asleep(child.pid)
            voluntary = proc_stats.voluntary_switches(child.pid)
            involuntary = proc_stats.involuntary_switches(child.pid)
            self.assertGreaterEqual(voluntary, 1)
            self.assertGreaterEqual(involuntary, 0)
            self.assertEqual(proc_stats.context_switches(child.pid), voluntary + involuntary)
        finally:
            child.kill()
            child.wait()
        self.assertIsNone(proc_stats.voluntary_switches(child.pid))


class RttErrorCdfTest(unittest.TestCase):
    def test_cdf_steps_once_per_distinct_value(self):
        self.assertEqual(rtt_error_cdf.cdf_points([3.0, -1.5, 3.0, 0.25]),
                         [(-1.5, 0.25), (0.25, 0.5), (3.0, 1.0)])

    def test_axis_range_is_a_percentile_range_of_all_series_together(self):
        low, high = rtt_error_cdf.axis_range([list(range(0, 51)), list(range(51, 101))], 1, 99)
        self.assertAlmostEqual(low, 1.0)
        self.assertAlmostEqual(high, 99.0)

    def test_script_writes_one_cdf_file_per_series_and_prints_range_and_counts(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name, values in (("a", "2.5\n-0.5\n"), ("b", "# comment\n1\n1\n7\n")):
                with open(os.path.join(tmp, name), "w") as f:
                    f.write(values)
            result = subprocess.run(
                [sys.executable, os.path.join(BENCH, "rtt_error_cdf.py"), "--out-dir", tmp,
                 "--low", "0", "--high", "100", f"ours.idle={tmp}/a", f"ref.idle={tmp}/b"],
                capture_output=True, text=True, check=True)
            with open(os.path.join(tmp, "ref.idle.cdf")) as f:
                ref_cdf = f.read()
        self.assertEqual(result.stdout, "-0.500 7.000 2 3\n")
        self.assertEqual(ref_cdf, "1.000 0.666667\n7.000 1.000000\n")

    @unittest.skipUnless(shutil.which("gnuplot"), "gnuplot not installed (scripts/install-deps)")
    def test_plot_script_draws_a_png_from_the_four_error_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            for i, name in enumerate(("err.ours.idle", "err.ref.idle", "err.ours.loaded",
                                      "err.ref.loaded")):
                with open(os.path.join(tmp, name), "w") as f:
                    f.write("".join(f"{i * 3 + k * 0.5:.3f}\n" for k in range(20)))
            out = os.path.join(tmp, "rtt_error.png")
            subprocess.run([os.path.join(BENCH, "plot_rtt_errors.sh"), tmp, out],
                           check=True, timeout=60)
            with open(out, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


class ReportFigureTest(unittest.TestCase):
    def test_report_links_each_figure_by_its_file_name_with_its_caption(self):
        with tempfile.TemporaryDirectory() as tmp:
            results, out = os.path.join(tmp, "results.jsonl"), os.path.join(tmp, "report.md")
            open(results, "w").close()
            subprocess.run(
                [sys.executable, os.path.join(BENCH, "lib", "report.py"), "--results", results,
                 "--out", out, "--ours", "/bin/true", "--ours-version", "v1", "--ref", "/bin/true",
                 "--ref-version", "v2", "--load-start", "0.1", "--load-end", "0.2",
                 "--figure", "rtt_error.png=RTT error, ours against iputils"],
                capture_output=True, check=True)
            with open(out) as f:
                report = f.read()
        self.assertIn("## Figures\n\n![RTT error, ours against iputils](rtt_error.png)\n\n"
                      "RTT error, ours against iputils\n", report)


if __name__ == "__main__":
    unittest.main()
