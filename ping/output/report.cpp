#include "ping/output/report.h"

#include <cstdio>

#include "ping/output/report_format.h"
#include "ping/packet/hex_text.h"

namespace bp {
namespace {

using report_detail::append_decimal;
using report_detail::append_microseconds_as_ms;
using report_detail::append_signed_decimal;

std::string optional_timestamp(const std::optional<WallClockTime>& timestamp) {
  return timestamp ? format_timestamp_prefix(*timestamp) : std::string();
}

// iputils prints the received payload after a mismatch, 32 bytes a row, each row starting
// with "#<byte number>\t" and every byte as "%x " (trailing space included).
std::string format_mismatch(const DataMismatch& mismatch) {
  std::string text = "\nwrong data byte #" + std::to_string(mismatch.index) + " should be 0x" +
                     lowercase_hex(mismatch.expected) + " but was 0x" + lowercase_hex(mismatch.actual);
  for (std::size_t i = mismatch.dump_from; i < mismatch.payload.size(); ++i) {
    if ((i - mismatch.dump_from) % 32 == 0) text += "\n#" + std::to_string(i) + "\t";
    text += lowercase_hex(mismatch.payload[i]) + " ";
  }
  return text;
}

}  // namespace

std::int64_t to_report_microseconds(std::chrono::nanoseconds duration) {
  const std::int64_t ns = duration.count();
  return ns >= 0 ? (ns + 500) / 1000 : -((-ns + 500) / 1000);
}

void append_rtt_ms(std::string& out, std::chrono::nanoseconds rtt, bool three_decimals) {
  const std::int64_t us = to_report_microseconds(rtt);
  if (three_decimals || us < 1000) return append_microseconds_as_ms(out, us);
  // The thresholds sit half a printed digit below the next range, as in iputils, so that a
  // value which rounds up to 10.00 or 100.0 is printed with the next range's precision.
  const auto whole = static_cast<std::uint64_t>(us);
  if (us >= 100000 - 50) return append_decimal(out, (whole + 500) / 1000);
  if (us >= 10000 - 5) {
    append_decimal(out, (whole + 50) / 1000);
    out += '.';
    return append_decimal(out, ((whole + 50) % 1000) / 100);
  }
  append_decimal(out, (whole + 5) / 1000);
  out += '.';
  append_decimal(out, ((whole + 5) % 1000) / 10, 2);
}

std::string format_rtt_ms(std::chrono::nanoseconds rtt, bool three_decimals) {
  std::string text;
  append_rtt_ms(text, rtt, three_decimals);
  return text;
}

void append_timestamp_prefix(std::string& out, WallClockTime now) {
  const std::int64_t us =
      std::chrono::floor<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::int64_t seconds = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
  out += '[';
  append_signed_decimal(out, seconds);
  out += '.';
  append_decimal(out, static_cast<std::uint64_t>(us - seconds * 1000000), 6);
  out += "] ";
}

std::string format_timestamp_prefix(WallClockTime now) {
  std::string text;
  append_timestamp_prefix(text, now);
  return text;
}

std::string format_peer(std::string_view address, std::optional<std::string_view> name) {
  if (!name) return std::string(address);
  return std::string(*name) + " (" + std::string(address) + ")";
}

std::string format_pattern_line(std::span<const std::uint8_t> pattern) {
  std::string text = "PATTERN: 0x";
  for (std::uint8_t byte : pattern) text += (byte < 16 ? "0" : "") + lowercase_hex(byte);
  return text + "\n";
}

std::string format_header(const HeaderLine& header) {
  const bool v6 = header.family == Family::kIpv6;
  // Debian's iputils 20221126 writes no space before the IPv6 parenthesis (ping6_common.c), and
  // parsers such as jc depend on it; IPv4 has always had the space.
  std::string text = "PING " + header.host + (v6 ? "(" : " (") + header.address + ") ";
  if (v6 && header.flow_label) {
    char flow[32];
    std::snprintf(flow, sizeof flow, ", flow 0x%05x, ", static_cast<unsigned>(*header.flow_label));
    text += flow;
  }
  if (header.source_address) text += "from " + *header.source_address + " " + header.device + ": ";
  const std::string size = std::to_string(header.payload_size);
  if (v6) return text + size + " data bytes\n";
  return text + size + "(" + std::to_string(header.payload_size + 8 + 20 + header.ip_options_size) +
         ") bytes of data.\n";
}

void append_reply_line(std::string& out, const ReplyLine& reply) {
  if (reply.timestamp) append_timestamp_prefix(out, *reply.timestamp);
  append_decimal(out, reply.icmp_bytes);
  out += " bytes from ";
  out += reply.from;
  out += ": icmp_seq=";
  append_decimal(out, reply.sequence);
  if (reply.ident) {
    out += " ident=";
    append_decimal(out, *reply.ident);
  }
  if (reply.ttl) {
    out += " ttl=";
    append_signed_decimal(out, *reply.ttl);
  }
  if (reply.truncated) {
    out += " (truncated)\n";
    return;
  }
  if (reply.rtt) {
    out += " time=";
    append_rtt_ms(out, *reply.rtt, reply.rtt_three_decimals);
    out += " ms";
  }
  if (reply.duplicate) out += " (DUP!)";
  if (reply.bad_checksum) out += " (BAD CHECKSUM!)";
  if (reply.different_address) out += " (DIFFERENT ADDRESS!)";
  if (reply.mismatch) out += format_mismatch(*reply.mismatch);
  // iputils rings after the line's text and before its options and newline.
  if (reply.audible) out += '\a';
  out += reply.ip_options;
  out += '\n';
}

std::string format_reply_line(const ReplyLine& reply) {
  std::string text;
  append_reply_line(text, reply);
  return text;
}

std::string format_icmp_error_line(const IcmpErrorLine& error) {
  std::string text = optional_timestamp(error.timestamp) + "From " + error.from;
  text += error.origin == IcmpErrorOrigin::kInBand ? ": icmp_seq=" : " icmp_seq=";
  text += std::to_string(error.sequence) + " ";
  if (error.origin == IcmpErrorOrigin::kInBand && error.bad_checksum) text += "(BAD CHECKSUM)";
  return text + error.description + "\n";
}

std::string format_local_error(std::string_view program, std::string_view error_text) {
  return std::string(program) + ": local error: " + std::string(error_text) + "\n";
}

std::string format_local_error_mtu(std::string_view program, std::uint32_t mtu, bool ipv6) {
  return std::string(program) + ": local error: message too long, mtu" + (ipv6 ? ": " : "=") +
         std::to_string(mtu) + "\n";
}

std::string format_send_error(std::string_view program, std::string_view error_text) {
  return std::string(program) + ": sendmsg: " + std::string(error_text) + "\n";
}

std::string format_no_answer_line(std::uint16_t sequence, std::optional<WallClockTime> timestamp) {
  return optional_timestamp(timestamp) + "no answer yet for icmp_seq=" + std::to_string(sequence) +
         "\n";
}

std::string_view flood_mark(FloodMark mark) {
  switch (mark) {
    case FloodMark::kSent: return ".";
    case FloodMark::kReply: return "\b \b";
    case FloodMark::kBadChecksum: return "\bC";
    case FloodMark::kLocalError: return "E";
    case FloodMark::kIcmpError: return "\bE";
    case FloodMark::kOtherIcmp: return "!E";
    case FloodMark::kOtherIcmpBadSum: return "!EC";
  }
  return "";
}

}  // namespace bp
