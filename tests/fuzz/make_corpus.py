#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

The seeds are committed; run this again only to change them. Each seed is a real input in the
target's input format (see the comment at the top of each tests/fuzz/*.cpp): packets captured
for the unit tests, valid heartbeat streams, typical command lines.
"""

import pathlib
import shutil
import struct

HERE = pathlib.Path(__file__).resolve().parent


def hx(text):
    return bytes.fromhex("".join(text.split()))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def icmp(type_, code, word, body):
    message = struct.pack("!BBHI", type_, code, 0, word) + body
    return message[:2] + struct.pack("!H", checksum(message)) + message[4:]


# Captured with tcpdump -x on lo from iputils ping (tests/unit/ping/icmp_packet_test.cpp).
V4_REQUEST = hx("""
    4500 0054 c7ed 4000 4001 74b9 7f00 0001 7f00 0001 0800 088d 0ef9 0001 f248 016b
    0000 0000 29f2 0400 0000 0000 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223
    2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637""")
V4_REPLY = hx("""
    4500 0054 c7ee 0000 4001 b4b8 7f00 0001 7f00 0001 0000 108d 0ef9 0001 f248 016b
    0000 0000 29f2 0400 0000 0000 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223
    2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637""")
V4_HOST_UNREACHABLE = hx("""
    45c0 0050 d9df 0000 4001 a20b 7f00 0001 7f00 0001 0301 fcfe 0000 0000 4500 0034
    d9de 4000 4001 62e8 7f00 0001 7f00 0001 0800 4e3c 1bb3 0001 8c49 016b 0000 0000
    aa0a 0a00 0000 0000 1011 1213 1415 1617""")
V4_RECORD_ROUTE_REPLY = hx("""
    4f00 004c 0661 0000 4001 50aa 7f00 0001 7f00 0001 0727 107f 0000 017f 0000 017f
    0000 0100 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 d7c9
    1c25 0001 0001 0203 0405 0607""")
V6_REQUEST = hx("""
    600c 738c 0020 3a40 0000 0000 0000 0000 0000 0000 0000 0001 0000 0000 0000 0000
    0000 0000 0000 0001 8000 d0a0 1baf 0001 8b49 016b 0000 0000 b14d 0900 0000 0000
    1011 1213 1415 1617""")
V6_REPLY = hx("""
    6005 c348 0020 3a40 0000 0000 0000 0000 0000 0000 0000 0001 0000 0000 0000 0000
    0000 0000 0000 0001 8100 cfa0 1baf 0001 8b49 016b 0000 0000 b14d 0900 0000 0000
    1011 1213 1415 1617""")
V6_ADDRESS_UNREACHABLE = hx("""
    6001 2888 0050 3a40 0000 0000 0000 0000 0000 0000 0000 0001 0000 0000 0000 0000
    0000 0000 0000 0001 0103 f0d1 0000 0000 600c 738c 0020 3a40 0000 0000 0000 0000
    0000 0000 0000 0001 0000 0000 0000 0000 0000 0000 0000 0001 8000 6415 1bb7 0001
    8d49 016b 0000 0000 1ad1 0a00 0000 0000 1011 1213 1415 1617""")

RAW_V4, DGRAM_V4, ICMP_V6, ERRQUEUE = 0, 1, 2, 3


def icmp_seeds():
    v4_request_icmp = V4_REQUEST[20:]
    v6_request_icmp = V6_REQUEST[40:]
    v6_quote_header = V6_REQUEST[:40]
    # The quoted request behind a hop-by-hop and a destination options header.
    v6_with_extensions = (v6_quote_header[:6] + b"\x00" + v6_quote_header[7:]
                          + hx("3c00 0102 0000 0000")
                          + hx("3a01 0106 0000 0000 0000 0000 0000 0000") + v6_request_icmp[:16])
    frag_needed = icmp(3, 4, 1400, V4_REQUEST[:28])
    seeds = {
        "raw_v4_echo_reply": (RAW_V4, V4_REPLY),
        "raw_v4_own_echo_request": (RAW_V4, V4_REQUEST),
        "raw_v4_host_unreachable": (RAW_V4, V4_HOST_UNREACHABLE),
        "raw_v4_record_route_reply": (RAW_V4, V4_RECORD_ROUTE_REPLY),
        "raw_v4_frag_needed": (RAW_V4, V4_REQUEST[:2] + struct.pack("!H", 20 + len(frag_needed))
                               + V4_REQUEST[4:20] + frag_needed),
        "dgram_v4_echo_reply": (DGRAM_V4, V4_REPLY[20:]),
        "dgram_v4_host_unreachable": (DGRAM_V4, V4_HOST_UNREACHABLE[20:]),
        "dgram_v4_time_exceeded": (DGRAM_V4, icmp(11, 0, 0, V4_REQUEST[:28])),
        "icmpv6_echo_reply": (ICMP_V6, V6_REPLY[40:]),
        "icmpv6_address_unreachable": (ICMP_V6, V6_ADDRESS_UNREACHABLE[40:]),
        "icmpv6_packet_too_big": (ICMP_V6, struct.pack("!BBHI", 2, 0, 0, 1280)
                                  + V6_REQUEST[:48]),
        "icmpv6_unreachable_extension_headers": (ICMP_V6, struct.pack("!BBHI", 1, 3, 0, 0)
                                                 + v6_with_extensions),
        "errqueue_v4_host_unreachable": (ERRQUEUE, struct.pack("!BBBI", 0, 3, 1, 0)
                                         + v4_request_icmp),
        "errqueue_v4_redirect": (ERRQUEUE, struct.pack("!BBBI", 0, 5, 1, 0xC6120001)
                                 + v4_request_icmp[:8]),
        "errqueue_v6_address_unreachable": (ERRQUEUE, struct.pack("!BBBI", 1, 1, 3, 0)
                                            + v6_request_icmp),
    }
    return {name: bytes([selector]) + data for name, (selector, data) in seeds.items()}


def frame(type_, sequence, body=b"\0" * 16):
    return struct.pack("!IBBHQ", 0x42504842, 2, type_, 32, sequence) + body


def hello(sequence, pid=4242, pgid=4242, timeout_ns=10_000_000_000):
    return frame(1, sequence, struct.pack("!IIQ", pid, pgid, timeout_ns))


def heartbeat(sequence, icmp_sequence, rtt_us, time_ns):
    return frame(2, sequence, struct.pack("!HHIQ", icmp_sequence, 0, rtt_us, time_ns))


def timed(type_, sequence, time_ns):   # Pause (3), Resume (4), Goodbye (5)
    return frame(type_, sequence, struct.pack("!QQ", 0, time_ns))


def heartbeat_seeds():
    s = 1_000_000_000   # CLOCK_MONOTONIC times, in ns since boot
    session = (hello(1) + heartbeat(2, 1, 1_234, 1000 * s) + timed(3, 3, 1001 * s)
               + timed(4, 4, 1300 * s) + heartbeat(5, 2, 987, 1300 * s) + timed(5, 6, 1301 * s))
    streams = {
        "session_one_read": (b"", session),
        "session_in_pieces_7_32_1": (bytes([7, 32, 1]), session),
        "session_with_empty_reads": (bytes([0, 11]), session),
        "hello_heartbeat_in_fives": (bytes([5]), hello(1) + heartbeat(2, 7, 1_000, 5 * s)),
        "hello_not_leading_group": (b"", hello(1, 4242, 100) + heartbeat(2, 1, 5, 5 * s)),
        "truncated_heartbeat": (b"", hello(1) + heartbeat(2, 1, 5, 5 * s)[:20]),
        "replayed_heartbeat": (b"", hello(1) + heartbeat(2, 1, 5, 5 * s) + heartbeat(2, 1, 5, 5 * s)),
        "time_went_backwards": (b"", hello(1) + heartbeat(2, 1, 5, 5 * s) + timed(3, 3, 5 * s - 1)),
        "version_1_heartbeat": (b"", hello(1) + struct.pack("!IBBHQHHIQ", 0x42504842, 1, 2, 32, 2,
                                                            7, 0, 0, 1_234_567)),
        "data_after_goodbye": (b"", hello(1) + timed(5, 2, 5 * s) + b"\x42"),
        "http_garbage": (b"", b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    }
    return {name: bytes([len(pieces)]) + pieces + stream
            for name, (pieces, stream) in streams.items()}


PING, BETTER_PING, WATCHDOG = 0, 13, 2   # 13: better_ping named "better_ping"
PING4, PING6 = 6, 9                     # ping named "ping4" / "ping6"


def command_line_seeds():
    lines = {
        "ping_plain": (PING, ["127.0.0.1"]),
        "ping_timers": (PING, ["-c", "3", "-i", "0.2", "-W", "0.5", "-w", "2.5", "127.0.0.1"]),
        "ping_combined_flags": (PING, ["-qc3", "127.0.0.1"]),
        "ping_many_flags_v6": (PING, ["-nDOv3q", "::1"]),
        "ping_flood_and_values": (PING, ["-f", "-l", "3", "-s", "1472", "-p", "ff00", "-Q", "0x10",
                                         "-t", "64", "127.0.0.1"]),
        "ping_source_device": (PING, ["-I", "fe80::1%veth0", "-6", "::1"]),
        "ping6_after_dashdash": (PING6, ["-c1", "--", "::1"]),
        "ping4_options_after_operand": (PING4, ["localhost", "-c", "2", "-q"]),
        "ping_help": (PING, ["--help"]),
        "ping_version_abbreviated": (PING, ["--vers"]),
        "ping_bad_count": (PING, ["-c", "0", "127.0.0.1"]),
        "ping_unknown_option": (PING, ["-x", "127.0.0.1"]),
        "better_ping_watchdog_timeout": (BETTER_PING, ["--watchdog-timeout", "2.5", "-c", "4",
                                                       "127.0.0.1"]),
        "better_ping_attached_timeout": (BETTER_PING, ["--watchdog-timeout=0.5", "-i", "0.2",
                                                       "localhost"]),
        "watchdog_typical": (WATCHDOG, ["--channel-fd=3", "--pidfd=4", "--timeout=10",
                                        "--target=127.0.0.1", "--grace=2"]),
        "watchdog_smallest_timeout": (WATCHDOG, ["--channel-fd=5", "--pidfd=6",
                                                 "--timeout=0.000000001", "--target=2001:db8::7"]),
        "watchdog_help": (WATCHDOG, ["--help"]),
    }
    return {name: bytes([selector]) + b"\0".join(a.encode() for a in args)
            for name, (selector, args) in lines.items()}


def numbers_seeds():
    texts = ["1", "0.2", ".5", "1e-3", "-1", "2.000000001", "3600", "9223372035.999999999",
             "1E+2", "0.0000000005", "ff00", "0123456789abcdefABCDEF0123456789ab", "abc", "0x10"]
    return {"text_" + t.replace(".", "_").replace("+", "plus").replace("-", "minus"): t.encode()
            for t in texts}


def targets_file_seeds():
    files = {
        "mixed_hosts": "# core network\n198.18.0.1  # core router\n2001:db8::7\n"
                       "fe80::1%eth0\nmail.example.com\n\nmy_service\n",
        "crlf_with_bom": "\ufeff# from Windows\r\n198.18.0.1\r\n\r\ngw.example # gateway\r\n",
        "duplicates": "a.example\nA.EXAMPLE\n2001:db8::1\n2001:DB8:0::1\n  a.example\t\n",
        "comments_only": "# nothing yet\n\n\t# still nothing\n",
        "two_hosts_on_a_line": "ok.example\na b # two\n",
        "bad_name": "ok\nbad_name!\n",
        "brackets_and_port": "[2001:db8::1]\nexample.com:80\n",
        "ipv4_forms": "198.18.0.7\n127.1\n198.18.0.01\n0x7f.0.0.1\n",
        "long_labels": "x." + "a" * 64 + ".example\n" + "b" * 63 + "." + "c" * 190 + "\n",
        "utf8_comment_and_idn": "# Zürich ✓\nxn--bcher-kva.example\nbücher.example\n",
        "control_and_quotes": "'host'\n\"x\"\na\x1b[31m\n",
        "longest_and_too_long_lines": "# " + "x" * 1022 + "\nh\n# " + "y" * 1023 + "\n",
    }
    seeds = {name: text.encode() for name, text in files.items()}
    seeds["nul_byte"] = b"a\nb\0c\n"
    seeds["latin1_comment"] = b"host # caf\xe9\n"
    return seeds


def json_seeds():
    def settings(decimals, carried_seconds=0):  # byte 0 of fuzz_json's input
        return bytes([carried_seconds * 20 + decimals + 1])

    def number_piece(text, first, last):  # a name whose first and last 8 bytes are numbers
        return first + text + last

    i64 = lambda v: struct.pack("!q", v)
    f64 = lambda v: struct.pack("!d", v)
    seeds = {
        "plain_names": settings(3) + b"198.18.0.1\0gw.example\0" + b"2001:db8::7",
        "quotes_backslash_newline": settings(1) + b'a "b" c\\d\ne\tf\r',
        "control_characters": settings(0) + bytes(range(1, 32)) + b"\x7f",
        "utf8_valid": settings(6, 1) + "Zürich ✓ 😀 \U0010ffff".encode(),
        "utf8_invalid": settings(2) + b"\x80\xbf\0\xc0\xaf\0\xe0\x80\xaf\0\xed\xa0\x80\0"
                        b"\xf4\x90\x80\x80\0\xf0\x9f\x98\0\xfe\xff",
        "extreme_numbers": settings(17, 3) + i64(2**63 - 1) + b"\0" + i64(-2**63) + b"\0"
                           + number_piece(b"x", i64(-1), i64(-1_500_000_000)),
        "round_half_microseconds": settings(3) + number_piece(b"rtt", i64(1_234_500), f64(12.5)),
        "non_finite_doubles": settings(3) + number_piece(b"nan", b"", f64(float("nan"))) + b"\0"
                              + number_piece(b"inf", b"", f64(float("inf"))) + b"\0"
                              + number_piece(b"-inf", b"", f64(float("-inf"))) + b"\0"
                              + number_piece(b"-0", b"", f64(-0.0)),
        "largest_double": settings(18) + number_piece(b"max", b"", f64(1.7976931348623157e308)),
        "clamped_decimals": settings(-1) + number_piece(b"half", b"", f64(0.5)),
        "many_empty_pieces": settings(4) + b"\0" * 40,
    }
    return seeds


def main():
    corpora = {
        "fuzz_icmp": icmp_seeds(),
        "fuzz_heartbeat": heartbeat_seeds(),
        "fuzz_command_line": command_line_seeds(),
        "fuzz_numbers": numbers_seeds(),
        "fuzz_targets_file": targets_file_seeds(),
        "fuzz_json": json_seeds(),
    }
    for target, seeds in corpora.items():
        folder = HERE / "corpus" / target
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, data in seeds.items():
            (folder / name).write_bytes(data)


if __name__ == "__main__":
    main()
