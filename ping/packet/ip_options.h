#pragma once
// IPv4 options of `-R` (Record Route) and `-T tsonly|tsandaddr|tsprespec` (Timestamp), as
// iputils ping 20221126 sends them on its probes and prints them from each reply. Pure: bytes in,
// bytes or text out; no sockets, no clock, no name lookups of its own.
//
// Record Route, RFC 791 section 3.1 (type 7). `pointer` is 1-based from the type byte and
// names the next free slot; the minimum, 4, means "nothing recorded yet".
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Type = 7     |    Length     |    Pointer    |  route data:  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  one 4-byte address per hop that recorded itself, in order ... |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Timestamp, RFC 791 section 3.1 (type 68). `pointer` is 1-based, minimum 5. Timestamps are
// milliseconds since midnight UT, 32 bits big-endian; a set high bit marks a non-standard
// value. Flag 0: timestamps only; 1: each hop writes its address, then its timestamp;
// 3: the sender prespecifies the addresses and only those hops fill in their timestamp.
// Overflow counts the hops that found no free slot.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Type = 68    |    Length     |    Pointer    | Oflw  | Flag  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                Internet address (flags 1 and 3)               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                           Timestamp                           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                              ...                              |
//
// Option bytes 0 (End of Option List) and 1 (No Operation) are single bytes; every other
// option is type, length (counting type and length bytes), data.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ping/packet/ip_address.h"
#include "shared/expected.h"

namespace bp {

inline constexpr std::uint8_t kIpOptionEnd = 0;
inline constexpr std::uint8_t kIpOptionNop = 1;
inline constexpr std::uint8_t kIpOptionRecordRoute = 7;
inline constexpr std::uint8_t kIpOptionTimestamp = 68;
inline constexpr std::uint8_t kIpOptionLooseSourceRoute = 131;
inline constexpr std::uint8_t kIpOptionStrictSourceRoute = 137;

// The Timestamp option's flag nibble, i.e. the -T argument: tsonly, tsandaddr, tsprespec.
enum class TimestampFlag : std::uint8_t {
  kTimestampsOnly = 0,
  kTimestampsAndAddresses = 1,
  kPrespecified = 3,
};

// `ping -T tsprespec HOP... DESTINATION` takes at most 4 hops (4 address/timestamp pairs).
inline constexpr std::size_t kMaxPrespecifiedHops = 4;

// What iputils counts for options in the header line's "56(124) bytes": 40 whenever -R or any
// -T is given, whatever the real option length (a tsprespec with one hop sends 12 bytes and
// still shows 124).
inline constexpr std::size_t kIpOptionsHeaderLineLength = 40;

// ---- Building the option bytes (for setsockopt IP_OPTIONS) -------------------------------

// -R: 40 bytes, a No Operation then a Record Route of length 39 with pointer 4 and 9 empty
// slots (the NOP pads the 39-byte option to a multiple of 4):
//   01 07 27 04  00 00 00 00  ... (36 zero bytes)
std::vector<std::uint8_t> build_record_route_option();

// Why hops given before the destination cannot go with the chosen option. iputils prints no
// message of its own for any of these: it prints its usage text to stderr and exits 2.
enum class IpOptionHopsError {
  kHopsNotAllowed,  // hops with -R, -T tsonly or -T tsandaddr
  kTooManyHops,     // more than kMaxPrespecifiedHops with -T tsprespec
  kHopNotIpv4,      // a hop that is not an IPv4 address (iputils resolves hops as IPv4 only)
};

// The count check iputils makes before resolving anything: nullopt when `hop_count` hops are
// fine with this flag (0..4 for kPrespecified, 0 otherwise). With -R, any hop is an error
// (kHopsNotAllowed).
std::optional<IpOptionHopsError> check_timestamp_hops(TimestampFlag flag, std::size_t hop_count);

// -T: the Timestamp option, pointer 5, overflow 0:
//   kTimestampsOnly          40 bytes: 44 28 05 00, then 9 empty timestamps
//   kTimestampsAndAddresses  36 bytes: 44 24 05 01, then 4 empty address/timestamp pairs
//   kPrespecified            4 + 8 * N bytes: 44 LL 05 03, then each hop's address and an
//                            empty timestamp (N = 0 gives the 4-byte 44 04 05 03, as iputils)
// Errors as check_timestamp_hops, and kHopNotIpv4 for an IPv6 hop.
// iputils retries setsockopt once with the flag byte (byte 3) set to 2 when the kernel refuses
// the option; that fallback is the caller's, if wanted.
Expected<std::vector<std::uint8_t>, IpOptionHopsError> build_timestamp_option(
    TimestampFlag flag, std::span<const IpAddress> prespecified_hops);

// ---- Printing the options of a reply -----------------------------------------------------

// The Record Route data of the last reply whose route was printed in full: iputils prints
// "(same route)" instead of a route equal to it. Keep one per ping run (iputils keeps one for
// the whole process) and pass it to every call; a new value never matches.
class RecordRouteMemory {
 public:
  // `recorded_length` is iputils' count of recorded bytes (pointer, capped at the option
  // length, minus 4); `addresses` the address bytes printed for it.
  bool same_as(std::size_t recorded_length, std::span<const std::uint8_t> addresses) const;
  void remember(std::size_t recorded_length, std::span<const std::uint8_t> addresses);

  friend bool operator==(const RecordRouteMemory&, const RecordRouteMemory&) = default;

 private:
  std::size_t recorded_length_ = 0;  // 0: nothing remembered (a printed route has at least 1)
  std::vector<std::uint8_t> addresses_;
};

// How to show a non-zero IPv4 address found in an option. Empty (the default): numeric,
// "198.18.0.1", as iputils with -n. Otherwise it is called with the IPv4 address and returns
// the whole text, e.g. "router.example (198.18.0.1)" as iputils' pr_addr() does with name
// lookups. The zero address is always printed "0.0.0.0" without calling it, as iputils does.
using AddressText = std::function<std::string(const IpAddress&)>;

// The text iputils' pr_options() prints for the options of a reply's IPv4 header (`options`:
// the IHL*4 - 20 bytes after the fixed header, Ipv4Header::options), or "" when there is
// nothing to print.
//
// Where it goes: right after the reply line's last character, before that line's newline.
// iputils writes "64 bytes from ...: icmp_seq=1 ttl=61 time=0.088 ms" (plus " (DUP!)" etc. and
// the -a bell), then this text, then "\n". So a first Record Route gives
//   "...time=0.088 ms" "\nRR: \t198.18.1.1\n\t198.18.2.1\n\t198.18.1.2\n" "\n"
// (the route on lines of its own and an empty line after it), and the same route again gives
//   "...time=0.084 ms" "\t(same route)" "\n".
// A timestamp option gives "\nTS: \t<ms> absolute\n\t<delta>\n..." (with "\t<address>" before
// each value for flags 1 and 3) and then "Unrecorded hops: N\n" when the overflow is not 0.
// Other options: "\nNOP" for each No Operation, "\nLSRR: " / "\nSSRR: " with "\t<addr>\n"
// per slot, "\nunknown option <type in hex>".
//
// Call it for the replies whose line iputils prints in full, and only for those: not with -q,
// not in flood mode, not for a " (truncated)" reply (iputils prints no options for them, so
// they do not change `memory` either). With -a the bell comes before this text. (iputils also
// prints a quoted header's options after its -v dump of an ICMP error; that is not this.)
//
// Hostile input: never reads outside `options`. Formatting stops at an End of Option List and
// at an option whose length is below 2 or runs past the end. Within an option, the entries to
// print are counted from its pointer as iputils counts them; an entry that starts inside the
// option but ends past its length is read from the bytes that follow (the next option's), as
// iputils reads them, and the option's list stops at the first entry that would run past the
// end of `options` (where iputils reads on into the ICMP header).
//
// Two deliberate differences from iputils (both seen with iputils 20221126 on crafted replies):
// - "(same route)" compares the recorded addresses. iputils compares from the pointer byte on,
//   so a route whose only change is the last byte of its last hop (the other of two gateways
//   on one subnet) is "(same route)" to it; here it is printed.
// - Source-route slots are read where they are. iputils reads each one byte early, from the
//   pointer on ("12.1.2.3" for 1.2.3.4 with pointer 12). Only a reply to a source-routed
//   probe carries one, and we send none.
std::string format_ip_options(std::span<const std::uint8_t> options, RecordRouteMemory& memory,
                              const AddressText& address_text = {});

// "a.b.c.d" of the first 4 bytes of an address.
std::string ipv4_dotted_quad(const IpAddress& address);

}  // namespace bp
