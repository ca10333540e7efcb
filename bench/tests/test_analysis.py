"""Tests of the benchmark analysis code (no root, no network), from the repository root:
    /usr/bin/python3 -B -m unittest discover -s bench/tests
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(BENCH, "lib"))
import pcap_icmp  # noqa: E402
import stats  # noqa: E402

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


if __name__ == "__main__":
    unittest.main()
