#pragma once
// Everything ping prints, as pure functions returning the exact bytes to write, line for line
// in iputils' format (ping_common.c gather_statistics/finish/status, ping_output.c,
// ping.c ping4_parse_reply/ping4_receive_error_msg; iputils 20250605 and HEAD 9900265).
// Each result already ends with '\n' where iputils ends the line; flood marks end with none.
// Which stream: everything goes to stdout except format_local_error*, format_send_error and
// format_status_line, which iputils writes to stderr.
//
// Times come in as std::chrono::nanoseconds and are turned into iputils' integer microseconds
// by to_report_microseconds() (round to nearest, halves away from zero). Everything iputils
// prints as "%ld.%03ld" is that microsecond count. To reproduce iputils' integer-microsecond
// statistics exactly, compute them in whole microseconds and pass them as microseconds.
//
// Counts are std::int64_t (iputils: long); loss may be negative when replies outnumber
// requests (iputils man page, "ID COLLISIONS").

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ping/cli/options.h"

namespace bp {

using WallClockTime = std::chrono::system_clock::time_point;

std::int64_t to_report_microseconds(std::chrono::nanoseconds duration);

// A round-trip time in ms as iputils prints it after "time=": 3 decimals below 1 ms, 2 below
// 10 ms, 1 below 100 ms, whole ms above, each rounded half up at the printed digit (so
// 999 us -> "0.999", 9.995 ms -> "10.0", 99.95 ms -> "100"); `three_decimals` (-3) always
// prints "%ld.%03ld" without rounding.
std::string format_rtt_ms(std::chrono::nanoseconds rtt, bool three_decimals);
void append_rtt_ms(std::string& out, std::chrono::nanoseconds rtt, bool three_decimals);

// "[1700000000.123456] " for -D, from the wall-clock time of the event (truncated to us).
std::string format_timestamp_prefix(WallClockTime now);
void append_timestamp_prefix(std::string& out, WallClockTime now);

// "name (addr)" when a name is known, else "addr" (iputils _pr_addr).
std::string format_peer(std::string_view address, std::optional<std::string_view> name);

// "PATTERN: 0xab12\n", printed before the header for -p unless -q.
std::string format_pattern_line(std::span<const std::uint8_t> pattern);

struct HeaderLine {
  std::string host;        // as given on the command line (or its canonical name)
  std::string address;     // numeric address of the destination (IPv6: the peer text)
  Family family = Family::kIpv4;  // kIpv6 selects the IPv6 layout
  std::size_t payload_size = 56;
  // -I: the numeric source address and the device name (empty for an address-only -I).
  // When set, iputils inserts "from SRC DEV: ".
  std::optional<std::string> source_address;
  std::string device;
  std::optional<std::uint32_t> flow_label;  // -F (IPv6): ", flow 0x%05x, " after the address
  std::size_t ip_options_size = 0;          // -R / -T (IPv4): bytes of IP options on each probe
};

// "PING host (addr) 56(84) bytes of data.\n" (IPv4: payload, payload + 8 + 20 + options), or
// "PING host(addr) 56 data bytes\n" (IPv6: Debian's iputils 20221126 form, no space before the
// parenthesis; there `address` is the peer text, "name (addr)" when a reverse name is known, so
// "PING localhost(localhost (::1)) 56 data bytes", as that iputils prints it).
std::string format_header(const HeaderLine& header);

// The first mismatching payload byte and the payload to dump (iputils: 32 bytes per row).
struct DataMismatch {
  std::size_t index = 0;          // byte number in the payload (after the 8-byte ICMP header)
  std::uint8_t expected = 0;
  std::uint8_t actual = 0;
  std::vector<std::uint8_t> payload;  // received payload, cut to the size that was sent
  std::size_t dump_from = 0;      // first byte dumped (iputils: 16, after its timestamp)
};

struct ReplyLine {
  std::optional<WallClockTime> timestamp;   // -D
  std::size_t icmp_bytes = 0;               // ICMP header + payload received (IP header excluded)
  std::string_view from;                    // format_peer(...): the caller keeps the text
  std::uint16_t sequence = 0;
  std::optional<std::uint16_t> ident;       // -v (iputils prints it for raw sockets)
  std::optional<int> ttl;                   // IPv4 TTL or IPv6 hop limit, when known
  bool truncated = false;                   // shorter than sent: " (truncated)" ends the line
  std::optional<std::chrono::nanoseconds> rtt;  // " time=... ms" when set
  bool rtt_three_decimals = false;          // -3
  bool duplicate = false;                   // " (DUP!)"
  bool bad_checksum = false;                // " (BAD CHECKSUM!)"
  bool different_address = false;           // " (DIFFERENT ADDRESS!)"
  std::optional<DataMismatch> mismatch;     // "\nwrong data byte #..." + hex dump
  bool audible = false;                     // -a: a bell ('\a') at the end, before the newline
  std::string_view ip_options;              // -R / -T: the reply's options text, before the newline
};

// "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.167 ms\n"
std::string format_reply_line(const ReplyLine& reply);
// The same, appended to `out`: the line the loop writes for every reply. It builds no temporary
// text and calls no printf, so a wake-up at a slow interval runs through little code (a
// cache-cold wake-up pays for every line of code it touches: bench/, README).
void append_reply_line(std::string& out, const ReplyLine& reply);

enum class IcmpErrorOrigin {
  kErrorQueue,  // IP_RECVERR / IPV6_RECVERR: "From ADDR icmp_seq=N TEXT"
  kInBand,      // raw IPv4 redirect or source quench: "From ADDR: icmp_seq=N TEXT"
};

struct IcmpErrorLine {
  std::optional<WallClockTime> timestamp;   // -D
  IcmpErrorOrigin origin = IcmpErrorOrigin::kErrorQueue;
  std::string from;                         // format_peer(...) of the reporting router
  std::uint16_t sequence = 0;               // printed in full (iputils HEAD cuts it to 8 bits)
  std::string description;                  // describe_icmp_error(), e.g. "Destination Host Unreachable"
  bool bad_checksum = false;                // in-band only: "(BAD CHECKSUM)" before the text
};

// "From 198.18.0.1 icmp_seq=1 Destination Host Unreachable\n"
std::string format_icmp_error_line(const IcmpErrorLine& error);

// stderr: "ping: local error: TEXT\n" and "ping: local error: message too long, mtu=1400\n".
std::string format_local_error(std::string_view program, std::string_view error_text);
// IPv6 (ping6_receive_error_msg) writes "mtu: 1400" where IPv4 writes "mtu=1400".
std::string format_local_error_mtu(std::string_view program, std::uint32_t mtu, bool ipv6 = false);
// stderr: "ping: sendmsg: Operation not permitted\n" (error_text = strerror text).
std::string format_send_error(std::string_view program, std::string_view error_text);

// -O: "no answer yet for icmp_seq=N\n", with the -D prefix when given.
std::string format_no_answer_line(std::uint16_t sequence, std::optional<WallClockTime> timestamp);

// Flood mode (-f) writes marks instead of lines.
enum class FloodMark {
  kSent,             // "."
  kReply,            // "\b \b"
  kBadChecksum,      // "\bC"
  kLocalError,       // "E"
  kIcmpError,        // "\bE"
  kOtherIcmp,        // "!E"   (foreign ICMP error in flood mode)
  kOtherIcmpBadSum,  // "!EC"
};
std::string_view flood_mark(FloodMark mark);

struct SummaryCounts {
  std::int64_t transmitted = 0;
  std::int64_t received = 0;    // distinct valid replies (duplicates and corrupted excluded)
  std::int64_t duplicates = 0;
  std::int64_t corrupted = 0;   // bad checksum
  std::int64_t errors = 0;      // ICMP errors and local errors
  std::chrono::nanoseconds elapsed{0};  // first send to last send (iputils' "time")
};

struct RttFigures {
  std::chrono::nanoseconds min{0};
  std::chrono::nanoseconds avg{0};
  std::chrono::nanoseconds max{0};
  std::chrono::nanoseconds mdev{0};
  std::chrono::nanoseconds ewma{0};  // iputils' smoothed RTT (alpha 1/8)
};

struct Summary {
  std::string host;                 // as in the header
  SummaryCounts counts;
  std::optional<RttFigures> rtt;    // absent when no RTT was measured; printed if received > 0
  int pipe = 0;                     // largest number of requests in flight; printed when > 1
  bool fast_mode = false;           // -f, -i 0 (or adaptive): adds "ipg/ewma" when received > 0
                                    // and transmitted > 1; ipg = elapsed / (transmitted - 1)
};

// "\n--- host ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 402ms\n"
// "rtt min/avg/max/mdev = 0.019/0.070/0.167/0.068 ms\n". Without an rtt, pipe or ipg part the
// output ends with an empty line, as iputils' does.
std::string format_summary(const Summary& summary);

// SIGQUIT, stderr: "\r4/4 packets, 0% loss, min/avg/ewma/max = 0.014/0.018/0.020/0.022 ms\n"
// (loss truncated to an integer; the RTT part only when received > 0 and rtt is set).
std::string format_status_line(const SummaryCounts& counts, const std::optional<RttFigures>& rtt);

}  // namespace bp
