#pragma once
// Test helper: the many-targets engine's Network (ping/engine/network.h) without a network. It
// records every ICMP message the engine sends, with its destination and the clock reading taken
// just before it; its clock is a value the test sets; each send returns the errno the test
// chose. Also: the echo reply a well-behaved host would send back for a recorded probe, as
// bytes, so a test can alter them and parse them as the loop would.

#include <cstdint>
#include <functional>
#include <span>
#include <variant>
#include <vector>

#include "ping/engine/network.h"
#include "ping/packet/checksum.h"
#include "ping/packet/icmp_packet.h"

namespace bp::test {

// One probe the engine handed to the network.
struct SentProbe {
  std::vector<std::uint8_t> icmp;  // ICMP header and payload, as sent
  IpAddress to;
  MonoTime at;                     // the clock when it was sent

  std::uint16_t identifier() const { return static_cast<std::uint16_t>(icmp[4] << 8 | icmp[5]); }
  std::uint16_t sequence() const { return static_cast<std::uint16_t>(icmp[6] << 8 | icmp[7]); }
  std::span<const std::uint8_t> payload() const { return std::span(icmp).subspan(kIcmpHeaderSize); }
};

class FakeNetwork final : public Network {
 public:
  MonoTime clock{};
  int error = 0;                                     // errno of every send (0: sent)
  std::function<int(const IpAddress&)> error_for;    // or per destination, when set
  std::vector<SentProbe> sent;
  std::uint64_t sends = 0;                           // all sends, also those cleared from `sent`

  int send(std::span<const std::uint8_t> icmp, const IpAddress& to) override {
    sent.push_back(SentProbe{std::vector<std::uint8_t>(icmp.begin(), icmp.end()), to, clock});
    ++sends;
    return error_for ? error_for(to) : error;
  }
  MonoTime now() override { return clock; }
};

// Rewrites the IPv4 ICMP checksum of `message` (RFC 1071); ICMPv6 leaves it 0, as the kernel
// fills and checks it.
inline void fix_icmp4_checksum(std::vector<std::uint8_t>& message) {
  message[2] = 0;
  message[3] = 0;
  ChecksumAccumulator sum;
  sum.add(message);
  const std::uint16_t c = sum.finish();
  message[2] = static_cast<std::uint8_t>(c >> 8);
  message[3] = static_cast<std::uint8_t>(c);
}

// The echo reply to `probe` (type 0 or 129, the same identifier, sequence and payload).
inline std::vector<std::uint8_t> reply_bytes(const SentProbe& probe) {
  std::vector<std::uint8_t> message = probe.icmp;
  if (probe.to.family == Family::kIpv4) {
    message[0] = icmp4::kEchoReply;
    fix_icmp4_checksum(message);
  } else {
    message[0] = icmp6::kEchoReply;
  }
  return message;
}

// `message` (from the ICMP header on) parsed as the loop parses a datagram socket's data: an
// EchoReply with spans into `message`, which must outlive it.
inline EchoReply parse_reply(Family family, std::span<const std::uint8_t> message) {
  return std::get<EchoReply>(parse_icmp_message(family, message).message);
}

}  // namespace bp::test
