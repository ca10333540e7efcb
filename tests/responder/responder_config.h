#pragma once
// The test responder's command line: which misbehaviour to show (the scenario), how much delay
// to add, and the bounds that make every run end. Pure: parsing only, no I/O.
//
//   responder [--scenario NAME] [--every N] [--delay-ms N] [--delay-spread-ms N] [--noise N]
//             [--byte N] [--truncate N] [--hold-ms N] [--alt-source4 ADDR] [--alt-source6 ADDR]
//             [--max-packets N] [--duration SECONDS]

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ping/packet/ip_address.h"
#include "shared/expected.h"

namespace bp::responder {

// What the responder does with an echo request it has to answer.
enum class Scenario {
  kNormal,            // an exact echo reply, as the kernel sends it
  kDrop,              // nothing
  kDuplicate,         // the reply twice
  kReorder,           // the reply is held and sent right after the next request's reply
  kBadChecksum,       // the reply with a wrong ICMP checksum
  kCorruptByte,       // one payload byte flipped (all bits) at --byte
  kChangeIdentifier,  // the reply with the identifier's bits flipped
  kChangeSequence,    // the reply with a sequence number 1000 higher (one never sent)
  kStampPast,         // payload bytes 0..15: a struct timeval of 1970-01-01T00:00:01
  kStampFuture,       // payload bytes 0..15: a struct timeval with tv_sec = INT64_MAX
  kStampZero,         // payload bytes 0..15: zeros
  kGarbage,           // every payload byte replaced
  kTruncate,          // the reply cut to --truncate ICMP bytes (lengths consistent)
  kUnreachable,       // ICMP destination unreachable (host / address) quoting the request
  kTimeExceeded,      // ICMP time exceeded (TTL / hop limit) quoting the request
  kOtherSource,       // the reply from the second address (--alt-source4 / --alt-source6)
};

// The scenario's command-line name ("bad-checksum") and back.
std::string_view scenario_name(Scenario scenario);
std::optional<Scenario> scenario_from_name(std::string_view name);

// How a reply is altered, besides the scenario itself.
struct ReplyParams {
  std::size_t corrupt_byte = 20;         // payload offset flipped by kCorruptByte
  std::size_t truncate_to = 36;          // ICMP bytes kept by kTruncate (at least 8)
  std::optional<IpAddress> alt_source4;  // kOtherSource, IPv4
  std::optional<IpAddress> alt_source6;  // kOtherSource, IPv6
};

struct ResponderConfig {
  Scenario scenario = Scenario::kNormal;
  // The scenario hits requests number every, 2*every, ... (counting from 1, both families
  // together); the others get a normal reply. 1: every request.
  std::uint32_t every = 1;
  std::chrono::nanoseconds delay{0};  // added to every reply, counted from the arrival
  // On top of `delay`: each request's own extra delay, uniform in [0, delay_spread), drawn
  // from its (identifier, sequence) so the same request always waits the same (see
  // spread_delay() in response_planner.h). 0: none.
  std::chrono::nanoseconds delay_spread{0};
  std::size_t noise_per_request = 0;  // unrelated ICMP sent to the pinger per request
  std::size_t noise_limit = 1000;     // total unrelated ICMP over the whole run
  std::chrono::nanoseconds hold_limit = std::chrono::seconds(2);  // kReorder: a held reply
                                                                  // goes out alone after this
  ReplyParams reply;
  std::uint64_t max_packets = 1000;  // requests answered; later ones are ignored
  std::chrono::nanoseconds duration = std::chrono::seconds(60);  // the run ends after this
};

// Parses the arguments after argv[0]. Errors are one line of text for stderr.
Expected<ResponderConfig, std::string> parse_responder_args(std::span<const std::string_view> args);

// The usage text (several lines, ends with a newline).
std::string responder_usage();

}  // namespace bp::responder
