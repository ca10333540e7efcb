"""Tests of the exporter benchmark's scraper and analysis (bench/lib/prometheus.py; no root; the
scraper's test serves a fixed body on 127.0.0.1 from this process), from the repository root:
    /usr/bin/python3 -B -m unittest discover -s bench/tests
"""
import http.server
import io
import json
import os
import sys
import tempfile
import threading
import time
import unittest

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(BENCH, "lib"))
import prometheus as prom  # noqa: E402

OURS_BODY = """# HELP better_ping_requests_total Echo requests sent.
# TYPE better_ping_requests_total counter
better_ping_requests_total{target="198.19.0.1",address="198.19.0.1",family="ipv4"} 30
better_ping_requests_total{target="198.19.0.2",address="198.19.0.2",family="ipv4"} 31
# TYPE better_ping_rtt_seconds histogram
better_ping_rtt_seconds_bucket{target="198.19.0.1",address="198.19.0.1",family="ipv4",le="+Inf"} 29
better_ping_rtt_seconds_sum{target="198.19.0.1",address="198.19.0.1",family="ipv4"} 0.0029
better_ping_rtt_seconds_count{target="198.19.0.1",address="198.19.0.1",family="ipv4"} 29
better_ping_rtt_seconds_count{target="198.19.0.2",address="198.19.0.2",family="ipv4"} 30
better_ping_targets 2
"""
SMOKEPING_BODY = """# TYPE smokeping_requests_total counter
smokeping_requests_total{host="198.19.0.1",ip="198.19.0.1"} 33
smokeping_response_duration_seconds_bucket{host="198.19.0.1",ip="198.19.0.1",le="5e-05"} 1
smokeping_response_duration_seconds_count{host="198.19.0.1",ip="198.19.0.1"} 10
smokeping_response_duration_seconds_count{host="198.19.0.2",ip="198.19.0.2"} 7
process_cpu_seconds_total 62.19
"""
SNMP_HEAD = "Icmp: InMsgs InEchos InEchoReps OutEchoReps\n"


def snmp(echos, replies):
    return SNMP_HEAD + f"Icmp: {echos} {echos} 0 {replies}\n"


def write(run_dir, files):
    os.makedirs(run_dir, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(run_dir, name), "w") as f:
            f.write(text)
    return run_dir


def a_run(root, name, body, answered, answered_cut=None,
          cpu="clk_tck 100\n0.0 1000 600\n30.0 1030 615\n",
          scrapes="t_s\tlatency_s\tttfb_s\tstatus\tbytes\twall_s\terror\n"
                  "0.0\t0.004\t0.002\t200\t5000\t1700000000.0\t\n"):
    cut = answered if answered_cut is None else answered_cut
    return write(os.path.join(root, name), {
        "target.before": snmp(100, 100), "target.cut": snmp(100 + cut, 100 + cut),
        "target.after": snmp(100 + answered + 3000, 100 + answered),
        "final.prom": body, "cpu.tsv": cpu, "scrapes.tsv": scrapes})


def read_rows(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


class ExpositionTest(unittest.TestCase):
    def test_samples_with_labels_comments_and_inf(self):
        samples = prom.parse_exposition(OURS_BODY)
        self.assertEqual(len(samples), 7)
        name, labels, value = samples[2]
        self.assertEqual(name, "better_ping_rtt_seconds_bucket")
        self.assertEqual(labels["le"], "+Inf")
        self.assertEqual(value, 29)
        self.assertEqual(samples[-1], ("better_ping_targets", {}, 2.0))

    def test_escaped_label_values_and_braces_inside_them(self):
        line = 'm{target="a \\"b\\" \\\\ c\\nd } e",family="ipv4"} 1.5e-3 1700000000\n'
        [(name, labels, value)] = prom.parse_exposition(line)
        self.assertEqual(labels["target"], 'a "b" \\ c\nd } e')
        self.assertEqual(labels["family"], "ipv4")
        self.assertAlmostEqual(value, 0.0015)

    def test_openmetrics_eof_and_a_bad_line(self):
        self.assertEqual(prom.parse_exposition("a_total 3\n# EOF\n"), [("a_total", {}, 3.0)])
        with self.assertRaises(ValueError):
            prom.parse_exposition("not a sample line at all {\n")

    def test_sums_per_scheme(self):
        samples = prom.parse_exposition(OURS_BODY)
        self.assertEqual(prom.metric_sum(samples, "better_ping_rtt_seconds_count"), (59.0, 2))
        samples = prom.parse_exposition(SMOKEPING_BODY)
        self.assertEqual(prom.metric_sum(samples, "smokeping_response_duration_seconds_count"),
                         (17.0, 2))


class ProcAndPortTest(unittest.TestCase):
    def test_stat_ticks_counts_from_the_last_parenthesis(self):
        fields = ["S"] + ["0"] * 10 + ["150", "25"] + ["0"] * 30
        text = "4242 (odd) name) " + " ".join(fields) + "\n"
        self.assertEqual(prom.stat_ticks(text), 175)

    def test_stat_ticks_of_this_process(self):
        with open("/proc/self/stat") as f:
            self.assertGreaterEqual(prom.stat_ticks(f.read()), 0)

    def test_user_and_sys_ticks(self):
        with open("/proc/self/stat") as f:
            user, system = prom.stat_user_sys(f.read())
        self.assertGreaterEqual(min(user, system), 0)

    def test_cpu_window_is_first_to_last_sample(self):
        cores, cpu_s, wall_s, user = prom.cpu_window(["clk_tck 100", "1.0 500 100", "2.0 560 130",
                                                      "11.0 680 190"])
        self.assertAlmostEqual(cpu_s, 1.8)
        self.assertAlmostEqual(wall_s, 10.0)
        self.assertAlmostEqual(cores, 0.18)
        self.assertAlmostEqual(user, 0.09)
        self.assertIsNone(prom.cpu_window(["clk_tck 100", "1.0 500 100"]))

    def test_quiet_lead_in_is_apart_from_the_scraped_window(self):
        lines = ["clk_tck 100", "quiet 0.0 100 50", "quiet 3.0 130 56", "0.0 130 56",
                 "10.0 330 156"]
        self.assertEqual(prom.cpu_window(lines), (0.2, 2.0, 10.0, 0.1))
        quiet = prom.cpu_window(lines, quiet=True)
        self.assertAlmostEqual(quiet.cores, 0.1)
        self.assertAlmostEqual(quiet.user_cores, 0.02)
        self.assertIsNone(prom.cpu_window(lines[3:], quiet=True))

    def test_port_of_the_metrics_line(self):
        self.assertEqual(prom.port_of("ping: metrics at http://127.0.0.1:40123/metrics\n"), 40123)
        self.assertEqual(prom.port_of("ping: metrics at http://[::1]:9375/metrics"), 9375)
        self.assertIsNone(prom.port_of("ping: cannot bind 127.0.0.1:80"))


class ScrapeFiguresTest(unittest.TestCase):
    def test_latency_of_good_scrapes_and_failures_counted(self):
        lines = ["t_s\tlatency_s\tttfb_s\tstatus\tbytes\twall_s\terror"]
        lines += [f"{i}.0\t0.0{i}\t0.001\t200\t{1000 + i}\t{i}.5\t" for i in range(1, 6)]
        lines.append("6.0\t10.0\t0.0\t0\t0\t6.5\ttimed out")
        figures = prom.scrape_figures(prom.read_scrapes(lines))
        self.assertEqual((figures["n"], figures["failed"]), (6, 1))
        self.assertAlmostEqual(figures["median_ms"], 30.0)
        self.assertAlmostEqual(figures["max_ms"], 50.0)
        self.assertEqual(figures["bytes"], 1003)
        self.assertAlmostEqual(figures["ttfb_ms"], 1.0)

    def test_no_good_scrape(self):
        figures = prom.scrape_figures(prom.read_scrapes(["0.0\t10\t0\t0\t0\t1.0\ttimed out"]))
        self.assertEqual(figures, {"n": 1, "failed": 1})


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):                                       # noqa: N802 (http.server's name)
        body = OURS_BODY.encode()
        self.send_response(200 if self.path == "/metrics" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ScraperTest(unittest.TestCase):
    def setUp(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/metrics"

    def tearDown(self):
        self.stop()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)
            self.server = None

    def test_body_read_in_chunks_is_whole(self):
        data = bytes(range(256)) * 10000
        self.assertEqual(b"".join(prom.read_body(io.BytesIO(data))), data)

    def test_scrape_loop_writes_every_scrape_the_cpu_window_and_the_last_body(self):
        with tempfile.TemporaryDirectory() as out:
            prom.scrape_loop(self.url, 1.0, 0.25, os.getpid(), out, lead_in=0.2)
            with open(os.path.join(out, "scrapes.tsv")) as f:
                scrapes = prom.read_scrapes(f)
            with open(os.path.join(out, "cpu.tsv")) as f:
                lines = f.read().splitlines()
            window, quiet = prom.cpu_window(lines), prom.cpu_window(lines, quiet=True)
            with open(os.path.join(out, "last.prom")) as f:
                last = f.read()
        self.assertEqual(len(scrapes), 4)
        self.assertEqual({s.status for s in scrapes}, {200})
        self.assertEqual({s.bytes for s in scrapes}, {len(OURS_BODY)})
        self.assertLess(abs(scrapes[0].wall_s - time.time()), 60)
        self.assertGreaterEqual(window[2], 1.0)                 # wall time of the window
        self.assertGreaterEqual(quiet[2], 0.2)
        self.assertEqual(last, OURS_BODY)

    def test_failed_scrapes_are_recorded_not_fatal(self):
        latency, ttfb, status, body, error = prom.fetch(self.url.replace("/metrics", "/x"), 5)
        self.assertEqual((status, body), (404, []))
        self.assertTrue(prom.wait_up(self.url, 5))
        self.stop()
        self.assertEqual(prom.fetch(self.url, 2)[2], 0)          # refused: no HTTP answer


class CountingTest(unittest.TestCase):
    def test_share_of_answered_not_counted(self):
        self.assertEqual(prom.counting(1000, 300), (700, 70.0))
        self.assertEqual(prom.counting(0, 0), (0, None))

    def test_run_reads_answered_from_the_target_and_counted_from_the_final_scrape(self):
        with tempfile.TemporaryDirectory() as root:
            run = prom.Run(a_run(root, "ours", OURS_BODY, answered=59), "ours")
            self.assertEqual((run.answered, run.counted, run.series), (59, 59, 2))
            self.assertEqual(run.requests, 61)
            self.assertEqual(run.received, 59 + 3000)    # requests went on after the cut-off
            self.assertEqual((run.missed, run.missed_percent), (0, 0.0))
            self.assertEqual(run.answered_after_cut, 0)
            smokeping = prom.Run(a_run(root, "sp", SMOKEPING_BODY, answered=68), "smokeping")
            self.assertEqual((smokeping.missed, smokeping.counted), (51, 17))
            self.assertAlmostEqual(smokeping.missed_percent, 75.0)


class RowsTest(unittest.TestCase):
    def test_compare_rows_ratio_and_goals(self):
        with tempfile.TemporaryDirectory() as root:
            ours = a_run(root, "ours", OURS_BODY, answered=59)
            smokeping = a_run(root, "sp", SMOKEPING_BODY, answered=68,
                              cpu="clk_tck 100\nquiet 0 0 0\nquiet 2.0 300 200\n0.0 0 0\n"
                                  "30.0 5400 3000\n")
            results = os.path.join(root, "results.jsonl")
            prom.main(["compare", "--results", results, "--targets", "1000", "--seconds", "30",
                       "--ours", ours, "--smokeping", smokeping])
            cpu, counted, scrapes = read_rows(results)
            self.assertEqual(cpu["section"], "prometheus")
            self.assertEqual(cpu["ratio"], f"{0.01 / 1.8:.3f}×")
            self.assertEqual(cpu["met"], "yes")
            self.assertEqual(cpu["ours"], "0.0100 (0.30 s in 30.0 s), user 0.0050")
            self.assertEqual(cpu["ref"], "1.8000 (54.00 s in 30.0 s), user 1.0000; unscraped "
                                         "1.5000, user 1.0000")
            self.assertEqual(counted["met"], "yes")
            self.assertTrue(counted["ref"].startswith("75.000 %: 51 of 68 answered"))
            self.assertEqual(scrapes["ours"], "4.0 / 4.0 / 4.0 (to the headers 2.0); 5 000 B")

    def test_answers_after_the_cut_off_fail_the_goal(self):
        with tempfile.TemporaryDirectory() as root:
            ours = a_run(root, "ours", OURS_BODY, answered=59, answered_cut=58)
            results = os.path.join(root, "results.jsonl")
            prom.main(["compare", "--results", results, "--targets", "2", "--seconds", "30",
                       "--ours", ours, "--smokeping", write(os.path.join(root, "sp"),
                                                            {"skipped": "not run"})])
            counted = read_rows(results)[1]
            self.assertEqual(counted["met"], "**no**")
            self.assertIn("answered after the cut-off", counted["ours"])
            self.assertEqual(counted["ref"], "—")

    def test_skipped_ours_leaves_empty_cells(self):
        with tempfile.TemporaryDirectory() as root:
            skipped = write(os.path.join(root, "ours"), {"skipped": "not run: no exporter"})
            results = os.path.join(root, "results.jsonl")
            prom.main(["scale", "--results", results, "--targets", "10000", "--seconds", "30",
                       "--ours", skipped])
            self.assertEqual([r["met"] for r in read_rows(results)], ["—", "—", "—"])

    def test_scale_rows_check_percent_of_a_core_and_the_slowest_scrape(self):
        scrapes = ("t_s\tlatency_s\tttfb_s\tstatus\tbytes\twall_s\terror\n"
                   "0.0\t0.050\t0.01\t200\t9\t5.0\t\n1.0\t0.120\t0.01\t200\t9\t6.0\t\n")
        with tempfile.TemporaryDirectory() as root:
            ours = a_run(root, "ours", OURS_BODY, answered=59, scrapes=scrapes,
                         cpu="clk_tck 100\nquiet 0.0 0 0\nquiet 3.0 15 3\n0.0 0 0\n"
                             "30.0 240 60\n")
            results = os.path.join(root, "results.jsonl")
            prom.main(["scale", "--results", results, "--targets", "10000", "--seconds", "30",
                       "--ours", ours])
            cpu, latency, _ = read_rows(results)
            self.assertEqual(cpu["ours"], "8.00 % (2.40 s in 30.0 s), user 2.00 %; unscraped "
                                          "5.00 % (3.0 s), user 1.00 %")
            self.assertEqual(cpu["met"], "yes")
            self.assertEqual(latency["met"], "**no**")       # the slowest scrape took 120 ms


class RttTest(unittest.TestCase):
    def test_json_replies_leave_out_duplicates_and_other_lines(self):
        lines = ['{"type":"start","targets":[]}',
                 '{"type":"reply","target":"a","address":"198.19.0.1","seq":3,"rtt_ms":0.051,'
                 '"duplicate":false}',
                 '{"type":"reply","target":"a","address":"198.19.0.1","seq":3,"rtt_ms":0.070,'
                 '"duplicate":true}',
                 '{"type":"reply","target":"b","address":"198.19.0.9","seq":1,"rtt_ms":0.040,'
                 '"duplicate":false}',
                 'ping: metrics at http://127.0.0.1:1/metrics']
        replies = list(prom.json_replies(lines, {"198.19.0.1"}))
        self.assertEqual(len(replies), 1)
        address, seq, rtt_us = replies[0]
        self.assertEqual((address, seq), ("198.19.0.1", 3))
        self.assertAlmostEqual(rtt_us, 51.0)

    def test_errors_paired_by_seq_with_their_send_time(self):
        wire = {"198.19.0.1": prom.mt.WireTarget(
            sends=[(1_000_000_000, 7, 1), (2_000_000_000, 7, 2)],
            rtts={(7, 1): 50.0, (7, 2): 40.0})}
        replies = [("198.19.0.1", 2, 43.0), ("198.19.0.1", 1, 51.0), ("198.19.0.9", 1, 9.0),
                   ("198.19.0.1", 3, 60.0)]
        self.assertEqual(prom.paired_errors(replies, wire),
                         [(2_000_000_000, 3.0), (1_000_000_000, 1.0)])
        self.assertEqual(prom.error_figures([]), None)
        p50, p99, top, n = prom.error_figures(prom.paired_errors(replies, wire))
        self.assertEqual((p50, top, n), (2.0, 3.0, 2))

    def test_large_errors_during_scrapes(self):
        scrapes = [prom.Scrape(0, 0.2, 0.1, 200, 9, 10.0, ""),
                   prom.Scrape(1, 0.2, 0.1, 200, 9, 11.0, "")]
        paired = [(10_100_000_000, 30.0), (10_500_000_000, -25.0), (11_150_000_000, 3.0),
                  (11_199_000_000, 12.0)]
        self.assertEqual(prom.during_scrapes(paired, scrapes, 5.0), (3, 2))

    def test_same_error_within_slack(self):
        self.assertTrue(prom.same_error(7.0, 5.5, 2.0, 1.25))
        self.assertTrue(prom.same_error(24.0, 20.0, 2.0, 1.25))
        self.assertFalse(prom.same_error(9.0, 6.0, 2.0, 1.25))

    def test_no_capture_gives_an_empty_cell(self):
        with tempfile.TemporaryDirectory() as root:
            results = os.path.join(root, "results.jsonl")
            empty = write(os.path.join(root, "x"), {"out": ""})
            prom.main(["rtt", "--results", results, "--targets", "1000", "--exporter", empty,
                       "--plain", empty])
            [row] = read_rows(results)
            self.assertTrue(row["ours"].startswith("— (no reply"))
            self.assertEqual(row["met"], "—")


if __name__ == "__main__":
    unittest.main()
