#include "tests/responder/reply_builder.h"

#include <algorithm>
#include <limits>

#include "shared/byte_order.h"
#include "ping/packet/checksum.h"

namespace bp::responder {
namespace {

constexpr std::size_t kIpv4HeaderSize = 20;
constexpr std::size_t kIpv6HeaderSize = 40;
constexpr std::size_t kIcmpHeaderSize = 8;
constexpr std::size_t kIpv6MinMtu = 1280;  // RFC 8200 section 5
constexpr std::size_t kStampSize = 16;     // struct timeval on 64-bit Linux
constexpr std::uint8_t kProtocolIcmp = 1;
constexpr std::uint8_t kProtocolUdp = 17;
constexpr std::uint8_t kProtocolIcmpv6 = 58;
constexpr std::uint16_t kNoisePort = 33434;  // traceroute's first port
constexpr std::uint16_t kSequenceShift = 1000;
constexpr std::uint16_t kBadChecksumMask = 0x5555;  // never 0xFFFF: 0 and 0xFFFF are both zero

namespace v4 {
constexpr std::uint8_t kEchoReply = 0;
constexpr std::uint8_t kUnreachable = 3;
constexpr std::uint8_t kCodeHost = 1;
constexpr std::uint8_t kCodePort = 3;
constexpr std::uint8_t kEchoRequest = 8;
constexpr std::uint8_t kTimeExceeded = 11;
constexpr std::uint8_t kTimestampReply = 14;
}  // namespace v4

namespace v6 {
constexpr std::uint8_t kUnreachable = 1;
constexpr std::uint8_t kCodeAddress = 3;
constexpr std::uint8_t kCodePort = 4;
constexpr std::uint8_t kTimeExceeded = 3;
constexpr std::uint8_t kEchoRequest = 128;
constexpr std::uint8_t kEchoReply = 129;
constexpr std::uint8_t kPrivateExperimentation = 200;  // RFC 4443 section 2.1
}  // namespace v6

// Not vector::insert: GCC 12 at -O2 reports it as an out-of-bounds memcpy (bug 100366).
void append(Bytes& out, std::span<const std::uint8_t> bytes) {
  const std::size_t old_size = out.size();
  out.resize(old_size + bytes.size());
  std::copy(bytes.begin(), bytes.end(), out.begin() + static_cast<std::ptrdiff_t>(old_size));
}

void store_le64(std::span<std::uint8_t> b, std::size_t at, std::uint64_t v) {
  for (std::size_t i = 0; i < 8 && at + i < b.size(); ++i) {
    b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
}

std::uint16_t request_ip_id(const EchoRequestIn& request) {
  return request.family == Family::kIpv4 && request.ip_header.size() >= kIpv4HeaderSize
             ? load_be16(request.ip_header, 4)
             : 0;
}

// The fixed IPv6 header for a datagram of `payload_length` bytes after it.
Bytes ipv6_header(const IpAddress& source, const IpAddress& destination, std::uint32_t first_word,
                  std::size_t payload_length, std::uint8_t next_header, std::uint8_t hop_limit) {
  Bytes header(kIpv6HeaderSize, 0);
  store_be32(header, 0, first_word);
  store_be16(header, 4, static_cast<std::uint16_t>(payload_length));
  header[6] = next_header;
  header[7] = hop_limit;
  std::copy(source.bytes.begin(), source.bytes.end(), header.begin() + 8);
  std::copy(destination.bytes.begin(), destination.bytes.end(), header.begin() + 24);
  return header;
}

Bytes ipv4_header(const IpAddress& source, const IpAddress& destination, std::uint16_t id,
                  std::size_t payload_length, std::uint8_t protocol) {
  Bytes header(kIpv4HeaderSize, 0);
  header[0] = 0x45;
  store_be16(header, 2, static_cast<std::uint16_t>(kIpv4HeaderSize + payload_length));
  store_be16(header, 4, id);
  header[8] = kTtl;
  header[9] = protocol;
  std::copy_n(source.bytes.begin(), 4, header.begin() + 12);
  std::copy_n(destination.bytes.begin(), 4, header.begin() + 16);
  store_be16(header, 10, internet_checksum(header));
  return header;
}

// Puts `message` (checksum still 0) on the wire from `source` to the pinger; `bad_checksum`
// spoils the checksum after computing it.
Datagram finish(const EchoRequestIn& request, const IpAddress& source, Bytes message,
                bool bad_checksum = false) {
  if (request.family == Family::kIpv4) {
    set_icmp_checksum(message);
  } else {
    set_icmpv6_checksum(message, source, request.source);
  }
  if (bad_checksum) store_be16(message, 2, load_be16(message, 2) ^ kBadChecksumMask);
  Datagram d;
  d.family = request.family;
  d.destination = request.source;
  d.bytes = request.family == Family::kIpv4
                ? ipv4_datagram(source, request.source, request_ip_id(request), message)
                : ipv6_datagram(source, request.source, message);
  return d;
}

// The request turned into an echo reply, checksum zeroed.
Bytes echo_reply_message(const EchoRequestIn& request) {
  Bytes message = request.icmp;
  message[0] = request.family == Family::kIpv4 ? v4::kEchoReply : v6::kEchoReply;
  message[1] = 0;
  store_be16(message, 2, 0);
  return message;
}

void write_stamp(Bytes& message, std::uint64_t seconds, std::uint64_t microseconds) {
  std::span<std::uint8_t> payload(message.data() + kIcmpHeaderSize,
                                  message.size() - kIcmpHeaderSize);
  const std::size_t n = std::min(kStampSize, payload.size());
  std::fill_n(payload.begin(), n, std::uint8_t{0});
  store_le64(payload.first(n), 0, seconds);
  store_le64(payload.first(n), 8, microseconds);
}

// An ICMP error of `type`/`code` quoting `quoted` (already cut to size), from `source`.
Bytes error_message(std::uint8_t type, std::uint8_t code, std::span<const std::uint8_t> quoted) {
  Bytes message(kIcmpHeaderSize, 0);
  message[0] = type;
  message[1] = code;
  append(message, quoted);
  return message;
}

// What an error about `request` quotes: IPv4 the header + 8 bytes; IPv6 up to 1280 in all.
Bytes quote_of(const EchoRequestIn& request, std::span<const std::uint8_t> icmp) {
  Bytes quoted = request.ip_header;
  const std::size_t room = request.family == Family::kIpv4
                               ? kIcmpHeaderSize
                               : kIpv6MinMtu - kIpv6HeaderSize - kIcmpHeaderSize - quoted.size();
  append(quoted, icmp.first(std::min(room, icmp.size())));
  return quoted;
}

Datagram error_reply(const EchoRequestIn& request, std::uint8_t type, std::uint8_t code) {
  return finish(request, request.destination,
                error_message(type, code, quote_of(request, request.icmp)));
}

std::optional<Datagram> reply_for(const EchoRequestIn& request, Scenario scenario,
                                  const ReplyParams& params) {
  const bool v4 = request.family == Family::kIpv4;
  Bytes message = echo_reply_message(request);
  std::span<std::uint8_t> payload(message.data() + kIcmpHeaderSize,
                                  message.size() - kIcmpHeaderSize);
  switch (scenario) {
    case Scenario::kNormal:
    case Scenario::kDuplicate:
    case Scenario::kReorder:
    case Scenario::kDrop:
      break;
    case Scenario::kBadChecksum:
      return finish(request, request.destination, std::move(message), /*bad_checksum=*/true);
    case Scenario::kCorruptByte:
      if (params.corrupt_byte < payload.size()) payload[params.corrupt_byte] ^= 0xFF;
      break;
    case Scenario::kChangeIdentifier:
      store_be16(message, 4, static_cast<std::uint16_t>(~request.identifier));
      break;
    case Scenario::kChangeSequence:
      store_be16(message, 6, static_cast<std::uint16_t>(request.sequence + kSequenceShift));
      break;
    case Scenario::kStampPast:
      write_stamp(message, 1, 0);
      break;
    case Scenario::kStampFuture:
      write_stamp(message, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()),
                  999'999);
      break;
    case Scenario::kStampZero:
      write_stamp(message, 0, 0);
      break;
    case Scenario::kGarbage:
      for (std::size_t i = 0; i < payload.size(); ++i) {
        payload[i] = static_cast<std::uint8_t>(0xA5 ^ ((i * 29) & 0xFF));
      }
      break;
    case Scenario::kTruncate:
      message.resize(std::min(message.size(), std::max(params.truncate_to, kIcmpHeaderSize)));
      break;
    case Scenario::kUnreachable:
      return v4 ? error_reply(request, v4::kUnreachable, v4::kCodeHost)
                : error_reply(request, v6::kUnreachable, v6::kCodeAddress);
    case Scenario::kTimeExceeded:
      return error_reply(request, v4 ? v4::kTimeExceeded : v6::kTimeExceeded, 0);
    case Scenario::kOtherSource: {
      const auto& alt = v4 ? params.alt_source4 : params.alt_source6;
      if (!alt) return std::nullopt;
      return finish(request, *alt, std::move(message));
    }
  }
  return finish(request, request.destination, std::move(message));
}

// A UDP datagram (header only) from the pinger to us, as a port-unreachable error quotes it.
Bytes quoted_udp(const EchoRequestIn& request) {
  Bytes udp(8, 0);
  store_be16(udp, 0, kNoisePort + 1000);
  store_be16(udp, 2, kNoisePort);
  store_be16(udp, 4, 8);
  Bytes quoted = request.family == Family::kIpv4
                     ? ipv4_header(request.source, request.destination, 0, udp.size(), kProtocolUdp)
                     : ipv6_header(request.source, request.destination, 0x60000000, udp.size(),
                                   kProtocolUdp, kTtl);
  append(quoted, udp);
  return quoted;
}

}  // namespace

std::optional<EchoRequestIn> parse_ipv4_echo_request(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < kIpv4HeaderSize || (datagram[0] >> 4) != 4) return std::nullopt;
  const std::size_t header_length = std::size_t{datagram[0] & 0x0Fu} * 4;
  if (header_length < kIpv4HeaderSize || header_length > datagram.size()) return std::nullopt;
  const std::size_t total = load_be16(datagram, 2);
  if (total > datagram.size() || total < header_length + kIcmpHeaderSize) return std::nullopt;
  if (datagram[9] != kProtocolIcmp) return std::nullopt;
  const auto icmp = datagram.subspan(header_length, total - header_length);
  if (icmp[0] != v4::kEchoRequest || icmp[1] != 0) return std::nullopt;
  EchoRequestIn r;
  r.family = Family::kIpv4;
  r.source = IpAddress::v4(datagram.subspan(12).first<4>());
  r.destination = IpAddress::v4(datagram.subspan(16).first<4>());
  r.ip_header.assign(datagram.begin(),
                     datagram.begin() + static_cast<std::ptrdiff_t>(header_length));
  r.icmp.assign(icmp.begin(), icmp.end());
  r.identifier = load_be16(icmp, 4);
  r.sequence = load_be16(icmp, 6);
  return r;
}

std::optional<EchoRequestIn> parse_icmpv6_echo_request(std::span<const std::uint8_t> message,
                                                       const Ipv6Arrival& arrival) {
  if (message.size() < kIcmpHeaderSize || message[0] != v6::kEchoRequest || message[1] != 0) {
    return std::nullopt;
  }
  EchoRequestIn r;
  r.family = Family::kIpv6;
  r.source = arrival.source;
  r.destination = arrival.destination;
  const std::uint32_t first_word = (std::uint32_t{6} << 28) |
                                   (std::uint32_t{arrival.traffic_class} << 20) |
                                   (arrival.flow_label & 0xFFFFFu);
  r.ip_header = ipv6_header(arrival.source, arrival.destination, first_word, message.size(),
                            kProtocolIcmpv6, arrival.hop_limit);
  r.icmp.assign(message.begin(), message.end());
  r.identifier = load_be16(message, 4);
  r.sequence = load_be16(message, 6);
  return r;
}

std::vector<Datagram> build_replies(const EchoRequestIn& request, Scenario scenario,
                                    const ReplyParams& params) {
  if (scenario == Scenario::kDrop || request.icmp.size() < kIcmpHeaderSize) return {};
  auto reply = reply_for(request, scenario, params);
  if (!reply) return {};
  std::vector<Datagram> out{*reply};
  if (scenario == Scenario::kDuplicate) out.push_back(*reply);
  return out;
}

Datagram build_noise(const EchoRequestIn& request, std::size_t index) {
  const bool v4 = request.family == Family::kIpv4;
  const auto foreign_id = static_cast<std::uint16_t>(~request.identifier);
  switch (index % kNoiseKinds) {
    case 0: {
      Bytes message = echo_reply_message(request);
      store_be16(message, 4, foreign_id);
      return finish(request, request.destination, std::move(message));
    }
    case 1: {
      if (v4) {  // RFC 792 page 16: identifier, sequence, three 32-bit timestamps (ms of day)
        Bytes message(kIcmpHeaderSize + 12, 0);
        message[0] = v4::kTimestampReply;
        store_be16(message, 4, request.identifier);
        store_be16(message, 6, request.sequence);
        store_be32(message, 12, 3'600'000);
        store_be32(message, 16, 3'600'000);
        return finish(request, request.destination, std::move(message));
      }
      Bytes message{v6::kPrivateExperimentation, 0, 0, 0, 'b', 'p', 0, 0};
      return finish(request, request.destination, std::move(message));
    }
    case 2:
      return finish(request, request.destination,
                    error_message(v4 ? v4::kUnreachable : v6::kUnreachable,
                                  v4 ? v4::kCodePort : v6::kCodePort, quoted_udp(request)));
    default: {
      Bytes probe = request.icmp;
      store_be16(probe, 4, foreign_id);
      return finish(request, request.destination,
                    error_message(v4 ? v4::kUnreachable : v6::kUnreachable,
                                  v4 ? v4::kCodeHost : v6::kCodeAddress, quote_of(request, probe)));
    }
  }
}

Bytes ipv4_datagram(const IpAddress& source, const IpAddress& destination, std::uint16_t id,
                    std::span<const std::uint8_t> message) {
  Bytes out = ipv4_header(source, destination, id, message.size(), kProtocolIcmp);
  append(out, message);
  return out;
}

Bytes ipv6_datagram(const IpAddress& source, const IpAddress& destination,
                    std::span<const std::uint8_t> message) {
  Bytes out = ipv6_header(source, destination, 0x60000000, message.size(), kProtocolIcmpv6, kTtl);
  append(out, message);
  return out;
}

void set_icmp_checksum(std::span<std::uint8_t> message) {
  store_be16(message, 2, 0);
  store_be16(message, 2, internet_checksum(message));
}

void set_icmpv6_checksum(std::span<std::uint8_t> message, const IpAddress& source,
                         const IpAddress& destination) {
  store_be16(message, 2, 0);
  ChecksumAccumulator sum;
  sum.add(source.octets());
  sum.add(destination.octets());
  sum.add_u32(static_cast<std::uint32_t>(message.size()));
  sum.add_u16(kProtocolIcmpv6);
  sum.add(message);
  store_be16(message, 2, sum.finish());
}

}  // namespace bp::responder
