#include "ping/packet/ip_options.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ping/packet/ip_header.h"
#include "tests/unit/hex.h"

namespace bp {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test::hex;

// ---- Where the bytes and texts come from ------------------------------------------------
//
// "Chain": Debian's iputils ping 20221126 (root, so on a raw socket) in a network namespace A
// linked through three forwarding namespaces R1..R3 to B:
//   A 198.18.1.1 - 198.18.1.2 R1 198.18.2.1 - 198.18.2.2 R2 198.18.3.1 - 198.18.3.2 R3 198.18.4.1 - 198.18.4.2 B
// (The chain had other addresses when the captures were taken; every recorded address here is
// renumbered into the test range 198.18.N.x, bytes and texts alike, and the IPv4 header
// checksums, which parse_ipv4_header does not check, are left as captured.)
// The bytes are the IPv4 header of the echo reply as a second raw ICMP socket in A received
// it, i.e. after A's kernel processed the options (which is what iputils' pr_options() reads;
// tcpdump shows them one hop earlier). The texts are iputils' stdout for the same reply,
// between "time=... ms" and the newline that ends the reply.
//
// "Crafted": the same set-up with R1 not answering pings (icmp_echo_ignore_all) and a script
// in R1 answering `ping -n 198.18.1.2` with echo replies carrying the option bytes we chose;
// again the bytes as A's raw socket received them, and iputils' text for them.

std::string format(const Bytes& options) {
  RecordRouteMemory memory;
  return format_ip_options(options, memory);
}

// The options of a captured reply, through the project's own IPv4 header parser.
Bytes options_of(std::string_view header_hex) {
  const Bytes header = hex(header_hex);
  auto parsed = parse_ipv4_header(header);
  EXPECT_TRUE(parsed.has_value());
  if (!parsed) return {};
  return Bytes(parsed->options.begin(), parsed->options.end());
}

IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return IpAddress::v4(std::array<std::uint8_t, 4>{a, b, c, d});
}

// A 39-byte Record Route (plus one End byte) with `count` addresses 198.18.N.1 recorded.
Bytes record_route_with(std::size_t count) {
  Bytes option = {kIpOptionRecordRoute, 39, static_cast<std::uint8_t>(4 + 4 * count)};
  for (std::size_t i = 0; i < 9; ++i) {
    const Bytes address =
        i < count ? Bytes{198, 18, static_cast<std::uint8_t>(i + 1), 1} : Bytes{0, 0, 0, 0};
    option.insert(option.end(), address.begin(), address.end());
  }
  option.push_back(kIpOptionEnd);
  return option;
}

// ---- Building: -R --------------------------------------------------------------------------

TEST(RecordRouteOption, IsANopThenAThirtyNineByteRecordRouteWithNineEmptySlots) {
  EXPECT_EQ(build_record_route_option(),
            hex("0107 2704 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000"
                "0000 0000 0000 0000"));
}

TEST(RecordRouteOption, MatchesIputilsProbeOnTheWireApartFromWhatTheKernelRecords) {
  // `ping -R -c 1 127.0.0.1`, tcpdump -x on lo: the request's options. Leaving, the kernel
  // recorded 127.0.0.1 in the first slot and moved the pointer from 4 to 8.
  const Bytes wire =
      hex("0107 2708 7f00 0001 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000"
          "0000 0000 0000 0000 0000 0000");
  Bytes built = build_record_route_option();
  ASSERT_EQ(built.size(), wire.size());
  built[3] = 8;
  built[4] = 127;
  built[7] = 1;
  EXPECT_EQ(built, wire);
}

TEST(RecordRouteOption, LeavesFortyBytesForTheHeaderLine) {
  EXPECT_EQ(build_record_route_option().size(), kIpOptionsHeaderLineLength);
}

// ---- Building: -T ------------------------------------------------------------------------

TEST(TimestampOption, TsOnlyIsFortyBytesWithNineEmptyTimestamps) {
  auto built = build_timestamp_option(TimestampFlag::kTimestampsOnly, {});
  ASSERT_TRUE(built.has_value());
  EXPECT_EQ(*built, hex("4428 0500 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000"
                        "0000 0000 0000 0000 0000 0000"));
}

TEST(TimestampOption, TsAndAddrIsThirtySixBytesWithFourEmptyPairs) {
  auto built = build_timestamp_option(TimestampFlag::kTimestampsAndAddresses, {});
  ASSERT_TRUE(built.has_value());
  EXPECT_EQ(*built, hex("4424 0501 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000"
                        "0000 0000 0000 0000"));
}

TEST(TimestampOption, TsPrespecWithoutHopsIsTheBareFourByteHeaderAsIputilsSendsIt) {
  // `ping -T tsprespec 127.0.0.1`, tcpdump -x on lo: "4404 0503", unchanged by the kernel.
  auto built = build_timestamp_option(TimestampFlag::kPrespecified, {});
  ASSERT_TRUE(built.has_value());
  EXPECT_EQ(*built, hex("4404 0503"));
}

TEST(TimestampOption, TsPrespecWithOneHopMatchesTheWireApartFromTheKernelsTimestamp) {
  // `ping -T tsprespec 127.0.0.1 127.0.0.1`, tcpdump -x on lo: "440c 0d03 7f00 0001 0283 b546"
  // (the kernel stamped the first pair and moved the pointer from 5 to 13).
  const std::array hops = {v4(127, 0, 0, 1)};
  auto built = build_timestamp_option(TimestampFlag::kPrespecified, hops);
  ASSERT_TRUE(built.has_value());
  EXPECT_EQ(*built, hex("440c 0503 7f00 0001 0000 0000"));
}

TEST(TimestampOption, TsPrespecWithFourHopsKeepsTheirOrder) {
  // `ping -T tsprespec 127.0.0.1 127.0.0.2 127.0.0.1 127.0.0.3 127.0.0.1`, tcpdump -x on lo:
  // "4424 0d03 7f00 0001 0283 b56b 7f00 0002 0000 0000 7f00 0001 0000 0000 7f00 0003 0000 0000".
  const std::array hops = {v4(127, 0, 0, 1), v4(127, 0, 0, 2), v4(127, 0, 0, 1), v4(127, 0, 0, 3)};
  auto built = build_timestamp_option(TimestampFlag::kPrespecified, hops);
  ASSERT_TRUE(built.has_value());
  EXPECT_EQ(*built, hex("4424 0503 7f00 0001 0000 0000 7f00 0002 0000 0000 7f00 0001 0000 0000"
                        "7f00 0003 0000 0000"));
}

TEST(TimestampOption, FiveHopsAreTooMany) {
  // iputils 20221126 prints its usage and exits 2 for `-T tsprespec` with 5 hops.
  const std::array hops = {v4(198, 18, 0, 1), v4(198, 18, 0, 2), v4(198, 18, 0, 3), v4(198, 18, 0, 4),
                           v4(198, 18, 0, 5)};
  auto built = build_timestamp_option(TimestampFlag::kPrespecified, hops);
  ASSERT_FALSE(built.has_value());
  EXPECT_EQ(built.error(), IpOptionHopsError::kTooManyHops);
}

TEST(TimestampOption, HopsAreRefusedWithTsOnlyAndTsAndAddr) {
  const std::array hops = {v4(198, 18, 0, 1)};
  for (TimestampFlag flag :
       {TimestampFlag::kTimestampsOnly, TimestampFlag::kTimestampsAndAddresses}) {
    auto built = build_timestamp_option(flag, hops);
    ASSERT_FALSE(built.has_value());
    EXPECT_EQ(built.error(), IpOptionHopsError::kHopsNotAllowed);
  }
}

TEST(TimestampOption, AnIpv6HopIsRefused) {
  const std::array<std::uint8_t, 16> loopback6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const std::array hops = {v4(198, 18, 0, 1), IpAddress::v6(loopback6)};
  auto built = build_timestamp_option(TimestampFlag::kPrespecified, hops);
  ASSERT_FALSE(built.has_value());
  EXPECT_EQ(built.error(), IpOptionHopsError::kHopNotIpv4);
}

TEST(TimestampOption, HopCountCheckForEveryFlagAndCount) {
  for (std::size_t count = 0; count <= 6; ++count) {
    EXPECT_EQ(check_timestamp_hops(TimestampFlag::kTimestampsOnly, count),
              count == 0 ? std::nullopt : std::optional{IpOptionHopsError::kHopsNotAllowed});
    EXPECT_EQ(check_timestamp_hops(TimestampFlag::kTimestampsAndAddresses, count),
              count == 0 ? std::nullopt : std::optional{IpOptionHopsError::kHopsNotAllowed});
    EXPECT_EQ(check_timestamp_hops(TimestampFlag::kPrespecified, count),
              count <= kMaxPrespecifiedHops ? std::nullopt
                                            : std::optional{IpOptionHopsError::kTooManyHops});
  }
}

TEST(TimestampOption, EveryKindFitsTheFortyBytesTheHeaderLineCounts) {
  const std::array hops = {v4(198, 18, 0, 1), v4(198, 18, 0, 2), v4(198, 18, 0, 3), v4(198, 18, 0, 4)};
  EXPECT_EQ(build_timestamp_option(TimestampFlag::kTimestampsOnly, {})->size(), 40U);
  EXPECT_EQ(build_timestamp_option(TimestampFlag::kTimestampsAndAddresses, {})->size(), 36U);
  EXPECT_EQ(build_timestamp_option(TimestampFlag::kPrespecified, hops)->size(), 36U);
  EXPECT_LE(build_timestamp_option(TimestampFlag::kPrespecified, hops)->size(),
            kIpOptionsHeaderLineLength);
}

// ---- Printing Record Route -----------------------------------------------------------------

const char* const kNineHopRoute =
    "\nRR: \t198.18.1.1\n\t198.18.2.1\n\t198.18.3.1\n\t198.18.4.1\n\t198.18.4.2\n\t198.18.4.2\n\t198.18.3.2\n"
    "\t198.18.2.2\n\t198.18.1.2\n";

// Chain, `ping -n -R 198.18.4.2`: all 9 slots full (pointer 40 > length 39).
const char* const kChainRecordRouteReply =
    "4f00 007c 56a8 0000 3d01 c63d c612 0402 c612 0101 0727 28c6 1201 01c6 1202 01c6 1203 01c6"
    "1204 01c6 1204 02c6 1204 02c6 1203 02c6 1202 02c6 1201 0200";

TEST(RecordRoute, NineHopsFromTheChainPrintedAsIputilsDid) {
  EXPECT_EQ(format(options_of(kChainRecordRouteReply)), kNineHopRoute);
}

TEST(RecordRoute, SixHopsFromTheChain) {
  // Chain, `ping -n -R 198.18.3.1` (R2 answers): pointer 28.
  const Bytes options = options_of(
      "4f00 007c c7eb 0000 3f01 6c31 c612 0301 c612 0101 0727 1cc6 1201 01c6 1202 01c6 1203 01c6"
      "1203 01c6 1201 02c6 1201 0100 0000 0000 0000 0000 0000 0000");
  EXPECT_EQ(format(options),
            "\nRR: \t198.18.1.1\n\t198.18.2.1\n\t198.18.3.1\n\t198.18.3.1\n\t198.18.1.2\n\t198.18.1.1\n");
}

TEST(RecordRoute, FourHopsToTheNextNamespace) {
  // Chain, `ping -n -R 198.18.1.2` (R1 answers): pointer 20.
  const Bytes options = options_of(
      "4f00 007c 8f0e 0000 4001 af28 c612 0102 c612 0101 0727 14c6 1201 01c6 1201 02c6 1201 02c6"
      "1201 0100 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000");
  EXPECT_EQ(format(options), "\nRR: \t198.18.1.1\n\t198.18.1.2\n\t198.18.1.2\n\t198.18.1.1\n");
}

TEST(RecordRoute, OneToNineAddressesEachOnItsOwnLine) {
  for (std::size_t count = 1; count <= 9; ++count) {
    std::string expected = "\nRR: ";
    for (std::size_t i = 0; i < count; ++i) expected += "\t198.18." + std::to_string(i + 1) + ".1\n";
    EXPECT_EQ(format(record_route_with(count)), expected) << count << " addresses";
  }
}

TEST(RecordRoute, NothingRecordedPrintsNothing) {
  // Pointer 4: the option as sent, no hop recorded anything.
  EXPECT_EQ(format(record_route_with(0)), "");
}

TEST(RecordRoute, ThreeRepliesOverTheSameRoute) {
  // Chain, `ping -n -R -c 3 198.18.4.2`: three identical replies. iputils' stdout:
  //   64 bytes from 198.18.4.2: icmp_seq=1 ttl=61 time=0.088 ms
  //   RR: 	198.18.1.1
  //   ... (8 more addresses)
  //   (empty line)
  //   64 bytes from 198.18.4.2: icmp_seq=2 ttl=61 time=0.117 ms	(same route)
  //   64 bytes from 198.18.4.2: icmp_seq=3 ttl=61 time=0.103 ms	(same route)
  const Bytes options = options_of(kChainRecordRouteReply);
  RecordRouteMemory memory;
  EXPECT_EQ(format_ip_options(options, memory), kNineHopRoute);
  EXPECT_EQ(format_ip_options(options, memory), "\t(same route)");
  EXPECT_EQ(format_ip_options(options, memory), "\t(same route)");
}

TEST(RecordRoute, TextGoesBetweenTheReplyLineAndItsNewline) {
  // The stdout of the run above, byte for byte: reply line, options text, "\n".
  const Bytes options = options_of(kChainRecordRouteReply);
  RecordRouteMemory memory;
  std::string out;
  out += "64 bytes from 198.18.4.2: icmp_seq=1 ttl=61 time=0.088 ms" +
         format_ip_options(options, memory) + "\n";
  out += "64 bytes from 198.18.4.2: icmp_seq=2 ttl=61 time=0.117 ms" +
         format_ip_options(options, memory) + "\n";
  EXPECT_EQ(out,
            "64 bytes from 198.18.4.2: icmp_seq=1 ttl=61 time=0.088 ms\nRR: \t198.18.1.1\n\t198.18.2.1\n"
            "\t198.18.3.1\n\t198.18.4.1\n\t198.18.4.2\n\t198.18.4.2\n\t198.18.3.2\n\t198.18.2.2\n\t198.18.1.2\n\n"
            "64 bytes from 198.18.4.2: icmp_seq=2 ttl=61 time=0.117 ms\t(same route)\n");
}

TEST(RecordRoute, ARouteChangeIsPrintedAndBecomesTheNewReference) {
  // As with crafted replies (the chain's route, the same ending in 198.19.9.9, the first again),
  // for which iputils printed all three in full.
  const Bytes first = record_route_with(9);
  Bytes other = first;
  const std::array<std::uint8_t, 4> last{198, 19, 9, 9};
  for (std::size_t i = 0; i < 4; ++i) other[35 + i] = last[i];  // the last slot
  RecordRouteMemory memory;
  EXPECT_EQ(format_ip_options(first, memory).substr(0, 5), "\nRR: ");
  EXPECT_EQ(format_ip_options(other, memory),
            "\nRR: \t198.18.1.1\n\t198.18.2.1\n\t198.18.3.1\n\t198.18.4.1\n\t198.18.5.1\n"
            "\t198.18.6.1\n\t198.18.7.1\n\t198.18.8.1\n\t198.19.9.9\n");
  EXPECT_EQ(format_ip_options(other, memory), "\t(same route)");
  EXPECT_EQ(format_ip_options(first, memory).substr(0, 5), "\nRR: ");
}

TEST(RecordRoute, AChangedFirstHopIsNotTheSameRoute) {
  // Crafted: the chain's full route, then the same with 198.18.9.9 first. iputils printed both.
  const Bytes first =
      hex("0727 28c6 1201 01c6 1202 01c6 1203 01c6 1204 01c6 1204 02c6 1204 02c6"
          "1203 02c6 1202 02c6 1201 0200");
  const Bytes second =
      hex("0727 28c6 1209 09c6 1202 01c6 1203 01c6 1204 01c6 1204 02c6 1204 02c6"
          "1203 02c6 1202 02c6 1201 0200");
  RecordRouteMemory memory;
  EXPECT_EQ(format_ip_options(first, memory), kNineHopRoute);
  EXPECT_EQ(
      format_ip_options(second, memory),
      "\nRR: \t198.18.9.9\n\t198.18.2.1\n\t198.18.3.1\n\t198.18.4.1\n\t198.18.4.2\n\t198.18.4.2\n\t198.18.3.2\n"
      "\t198.18.2.2\n\t198.18.1.2\n");
}

TEST(RecordRoute, AShorterRouteWithTheSameFirstHopsIsNotTheSameRoute) {
  // Crafted: the full route, then its first 8 hops (length 35, pointer 36). iputils printed both.
  const Bytes shorter =
      hex("0723 24c6 1201 01c6 1202 01c6 1203 01c6 1204 01c6 1204 02c6 1204 02c6"
          "1203 02c6 1202 0200");
  RecordRouteMemory memory;
  EXPECT_EQ(format_ip_options(options_of(kChainRecordRouteReply), memory), kNineHopRoute);
  EXPECT_EQ(
      format_ip_options(shorter, memory),
      "\nRR: \t198.18.1.1\n\t198.18.2.1\n\t198.18.3.1\n\t198.18.4.1\n\t198.18.4.2\n\t198.18.4.2\n\t198.18.3.2\n"
      "\t198.18.2.2\n");
}

TEST(RecordRoute, ALastHopDifferingInItsLastByteIsPrintedUnlikeIputils) {
  // Crafted: the full route, then the same ending in 198.18.1.3 instead of 198.18.1.2. iputils
  // printed "\t(same route)" for the second: it compares from the pointer byte over as many
  // bytes as were recorded, so the last recorded byte is never compared. A deliberate
  // difference: the route did change.
  const Bytes changed =
      hex("0727 28c6 1201 01c6 1202 01c6 1203 01c6 1204 01c6 1204 02c6 1204 02c6"
          "1203 02c6 1202 02c6 1201 0300");
  RecordRouteMemory memory;
  EXPECT_EQ(format_ip_options(options_of(kChainRecordRouteReply), memory), kNineHopRoute);
  EXPECT_EQ(
      format_ip_options(changed, memory),
      "\nRR: \t198.18.1.1\n\t198.18.2.1\n\t198.18.3.1\n\t198.18.4.1\n\t198.18.4.2\n\t198.18.4.2\n\t198.18.3.2\n"
      "\t198.18.2.2\n\t198.18.1.3\n");
}

TEST(RecordRoute, RepliesWithoutRecordRouteLeaveTheMemoryAlone) {
  const Bytes route = options_of(kChainRecordRouteReply);
  RecordRouteMemory memory;
  EXPECT_EQ(format_ip_options(route, memory), kNineHopRoute);
  const RecordRouteMemory before = memory;
  EXPECT_EQ(format_ip_options(hex("4408 0900 0000 0001"), memory), "\nTS: \t1 absolute\n");
  EXPECT_EQ(format_ip_options({}, memory), "");
  EXPECT_EQ(memory, before);
  EXPECT_EQ(format_ip_options(route, memory), "\t(same route)");
}

TEST(RecordRoute, AFreshMemoryMatchesNothing) {
  const RecordRouteMemory memory;
  EXPECT_FALSE(memory.same_as(4, hex("c612 0101")));
  EXPECT_FALSE(memory.same_as(0, {}));
  RecordRouteMemory remembered;
  remembered.remember(4, hex("c612 0101"));
  EXPECT_TRUE(remembered.same_as(4, hex("c612 0101")));
  EXPECT_FALSE(remembered.same_as(5, hex("c612 0101")));
  EXPECT_FALSE(remembered.same_as(4, hex("c612 0102")));
  EXPECT_NE(remembered, memory);
}

TEST(RecordRoute, ZeroAddressesArePrintedAsIs) {
  // Crafted; iputils' text.
  EXPECT_EQ(format(hex("0727 2800 0000 0001 0203 0400 0000 0005 0607 0800 0000 0000 0000 0000 0000"
                       "0000 0000 00c6 1309 0900")),
            "\nRR: \t0.0.0.0\n\t1.2.3.4\n\t0.0.0.0\n\t5.6.7.8\n\t0.0.0.0\n\t0.0.0.0\n\t0.0.0.0\n"
            "\t0.0.0.0\n\t198.19.9.9\n");
}

TEST(RecordRoute, AddressTextComesFromTheCallerExceptForZero) {
  std::vector<IpAddress> asked;
  const AddressText named = [&asked](const IpAddress& address) {
    asked.push_back(address);
    return "gw" + std::to_string(address.bytes[3]) + ".example (" + ipv4_dotted_quad(address) + ")";
  };
  RecordRouteMemory memory;
  EXPECT_EQ(format_ip_options(hex("070b 0cc6 1201 0200 0000 0000"), memory, named),  // 2 slots used
            "\nRR: \tgw2.example (198.18.1.2)\n\t0.0.0.0\n");
  EXPECT_EQ(asked, std::vector{v4(198, 18, 1, 2)});
}

TEST(RecordRoute, AMisalignedPointerIsCountedAsIputilsCountsIt) {
  // Crafted with pointer 5; A's kernel wrote 198.18.1.1 at bytes 4..7 and moved it to 9. iputils
  // counts 5 recorded bytes, i.e. two addresses, read from the slots.
  EXPECT_EQ(format(hex("0727 0900 c612 0101 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000"
                       "0000 0000 0000 0000 0000")),
            "\nRR: \t0.198.18.1\n\t1.0.0.0\n");
}

TEST(RecordRoute, PointerIsCappedAtTheLength) {
  // Crafted: one slot (length 7), pointer 8; and the same with a pointer far beyond.
  EXPECT_EQ(format(hex("0707 0801 0203 0400")), "\nRR: \t1.2.3.4\n");
  EXPECT_EQ(format(hex("0707 ff01 0203 0400")), "\nRR: \t1.2.3.4\n");
}

TEST(RecordRoute, PointerAtOrBelowTheMinimumPrintsNothing) {
  for (std::uint8_t pointer = 0; pointer <= 4; ++pointer) {
    Bytes option = record_route_with(3);
    option[2] = pointer;
    EXPECT_EQ(format(option), "") << "pointer " << int{pointer};
  }
  EXPECT_EQ(format(hex("0703 0400")), "");  // crafted: length 3, no slot; iputils printed nothing
}

TEST(RecordRoute, AShortOptionReadsItsLastAddressFromTheNextBytesAsIputils) {
  // Crafted: length 5 (one byte of a slot), pointer 6, then NOPs. iputils reads the address
  // from the bytes that follow the option, then goes on with them as options.
  EXPECT_EQ(format(hex("0705 06aa bb01 0101")), "\nRR: \t170.187.1.1\n\nNOP\nNOP\nNOP");
  EXPECT_EQ(format(hex("0706 07aa bbcc 0101")), "\nRR: \t170.187.204.1\n\nNOP\nNOP");
}

TEST(RecordRoute, AnAddressRunningPastTheOptionsAreaIsNotRead) {
  // Crafted: the same short option as the last bytes of the options. iputils read the ICMP
  // header after them ("\t170.187.0.0\n", from type 0 code 0); we stop.
  EXPECT_EQ(format(hex("0101 0107 0506 aabb")), "\nNOP\nNOP\nNOP\nRR: ");
}

// ---- Printing Timestamp --------------------------------------------------------------------

TEST(Timestamp, TsOnlyFromTheChainWithOneUnrecordedHop) {
  // Chain, `ping -n -T tsonly 198.18.4.2`: 9 slots for 10 hops, overflow 1.
  const Bytes options = options_of(
      "4f00 007c 6868 0000 3d01 97cf c612 0402 c612 0101 4428 2910 0285 a60c 0285 a60c 0285 a60c"
      "0285 a60c 0285 a60c 0285 a60c 0285 a60c 0285 a60c 0285 a60c");
  EXPECT_EQ(
      format(options),
      "\nTS: \t42313228 absolute\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0\nUnrecorded hops: 1\n");
}

TEST(Timestamp, TsOnlyToTheNextNamespace) {
  // Chain, `ping -n -T tsonly 198.18.1.2`: 4 stamps, no overflow.
  const Bytes options = options_of(
      "4f00 007c ad1d 0000 4001 2df1 c612 0102 c612 0101 4428 1500 0286 0b92 0286 0b92 0286 0b92"
      "0286 0b92 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000");
  EXPECT_EQ(format(options), "\nTS: \t42339218 absolute\n\t0\n\t0\n\t0\n");
}

TEST(Timestamp, TsAndAddrFromTheChainWithFiveUnrecordedHops) {
  // Chain, `ping -n -T tsandaddr 198.18.4.2`: 4 pairs for 10 hops, overflow 5.
  const Bytes options = options_of(
      "4e00 0078 6b9f 0000 3d01 4d40 c612 0402 c612 0101 4424 2551 c612 0101 0285 c008 c612 0102"
      "0285 c008 c612 0202 0285 c008 c612 0302 0285 c008");
  EXPECT_EQ(format(options),
            "\nTS: \t198.18.1.1\t42319880 absolute\n\t198.18.1.2\t0\n\t198.18.2.2\t0\n\t198.18.3.2\t0\n"
            "Unrecorded hops: 5\n");
}

TEST(Timestamp, TsPrespecFromTheChain) {
  // Chain, `ping -n -T tsprespec 198.18.2.2 198.18.4.2 198.18.2.1 198.18.4.2`: all three stamped.
  const Bytes options = options_of(
      "4c00 0070 6c9a 0000 3d01 d6a4 c612 0402 c612 0101 441c 1d03 c612 0202 0285 d932 c612 0402"
      "0285 d932 c612 0201 0285 d932");
  EXPECT_EQ(format(options), "\nTS: \t198.18.2.2\t42326322 absolute\n\t198.18.4.2\t0\n\t198.18.2.1\t0\n");
}

TEST(Timestamp, TsPrespecWithOneHop) {
  // Chain, `ping -n -T tsprespec 198.18.1.1 198.18.4.2`.
  const Bytes options =
      options_of("4800 0060 6d95 0000 3d01 a30a c612 0402 c612 0101 440c 0d03 c612 0101 0285 f265");
  EXPECT_EQ(format(options), "\nTS: \t198.18.1.1\t42332773 absolute\n");
}

TEST(Timestamp, NothingStampedPrintsNothing) {
  // Crafted tsprespec for a hop that never came (pointer still 5), and the 4-byte tsprespec
  // without hops; iputils printed nothing for either.
  EXPECT_EQ(format(hex("440c 0503 c613 0909 0000 0000")), "");
  EXPECT_EQ(format(hex("4404 0503")), "");
}

TEST(Timestamp, DeltasAreSignedAndRelativeToThePreviousValue) {
  // Crafted: 1000, 1500, 1200, then A's own stamp.
  EXPECT_EQ(format(hex("4428 1500 0000 03e8 0000 05dc 0000 04b0 028b c505 0000 0000 0000 0000"
                       "0000 0000 0000 0000 0000 0000")),
            "\nTS: \t1000 absolute\n\t500\n\t-300\n\t42713173\n");
}

TEST(Timestamp, NonStandardValuesKeepTheirOwnBaseline) {
  // Crafted: 0x80000000|100, 5000, 0x80000000|150, 0x80000000|90, then A's own stamp.
  EXPECT_EQ(format(hex("4428 1900 8000 0064 0000 1388 8000 0096 8000 005a 028b c753 0000 0000"
                       "0000 0000 0000 0000 0000 0000")),
            "\nTS: \t100 absolute not-standard\n\t5000 absolute\n\t50 not-standard\n"
            "\t-60 not-standard\n\t42709963\n");
}

TEST(Timestamp, AValueAfterAZeroBaselineIsAbsoluteAgain) {
  // Crafted: 0, 7, 9, then A's own stamp: iputils takes a baseline of 0 for "none yet".
  EXPECT_EQ(format(hex("4428 1500 0000 0000 0000 0007 0000 0009 028b c8dc 0000 0000 0000 0000"
                       "0000 0000 0000 0000 0000 0000")),
            "\nTS: \t0 absolute\n\t7 absolute\n\t2\n\t42715347\n");
}

TEST(Timestamp, LargestValuesAndDeltas) {
  EXPECT_EQ(format(hex("4410 1100 7fff ffff 0000 0001 ffff ffff")),
            "\nTS: \t2147483647 absolute\n\t-2147483646\n\t2147483647 absolute not-standard\n");
}

TEST(Timestamp, OverflowUpToFifteen) {
  // Crafted full tsonly options with overflow 3 and 14; A's kernel counted itself (4, 15).
  EXPECT_EQ(format(hex("4428 2940 0000 0064 0000 0065 0000 0066 0000 0067 0000 0068 0000 0069"
                       "0000 006a 0000 006b 0000 006c")),
            "\nTS: \t100 absolute\n\t1\n\t1\n\t1\n\t1\n\t1\n\t1\n\t1\n\t1\nUnrecorded hops: 4\n");
  EXPECT_EQ(format(hex("4428 29f0 0000 0005 0000 0005 0000 0005 0000 0005 0000 0005 0000 0005"
                       "0000 0005 0000 0005 0000 0005")),
            "\nTS: \t5 absolute\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0\nUnrecorded hops: 15\n");
}

TEST(Timestamp, TsAndAddrFullWithOverflow) {
  // Crafted 4 full pairs with overflow 2; A's kernel made it 3.
  EXPECT_EQ(format(hex("4424 2531 0101 0101 0000 000a 0202 0202 0000 0014 0303 0303 0000 001e"
                       "0404 0404 0000 0028")),
            "\nTS: \t1.1.1.1\t10 absolute\n\t2.2.2.2\t10\n\t3.3.3.3\t10\n\t4.4.4.4\t10\n"
            "Unrecorded hops: 3\n");
}

TEST(Timestamp, TsAndAddrOneCraftedPairPlusOurs) {
  EXPECT_EQ(format(hex("4424 1501 0102 0304 0000 0064 c612 0101 028b cf00 0000 0000 0000 0000"
                       "0000 0000 0000 0000")),
            "\nTS: \t1.2.3.4\t100 absolute\n\t198.18.1.1\t42716828\n");
}

TEST(Timestamp, AnAddressWithoutItsTimestampEndsWithoutNewline) {
  // Crafted tsandaddr with pointer 9; A's kernel wrote its pair at bytes 8..15 and moved the
  // pointer to 17, so iputils reads address, timestamp, address and stops there, without a
  // newline, before the overflow line.
  EXPECT_EQ(format(hex("4424 1111 0707 0707 0a00 0101 028b d23b 0000 0000 0000 0000 0000 0000"
                       "0000 0000 0000 0000")),
            "\nTS: \t7.7.7.7\t167772417 absolute\n\t2.139.210.59Unrecorded hops: 1\n");
}

TEST(Timestamp, AMisalignedPointerIsCountedAsIputilsCountsIt) {
  // Crafted tsonly with pointer 6; A's kernel stamped bytes 5..8 and moved it to 10.
  EXPECT_EQ(format(hex("4428 0a00 0002 8bd9 2c00 0000 0000 0000 0000 0000 0000 0000 0000 0000"
                       "0000 0000 0000 0000 0000 0000")),
            "\nTS: \t166873 absolute\n\t738030631\n");
}

TEST(Timestamp, AnyFlagButZeroIsReadAsPairs) {
  // Crafted with the undefined flag 2.
  EXPECT_EQ(format(hex("4424 0d02 0102 0304 0000 0064 0000 0000 0000 0000 0000 0000 0000 0000"
                       "0000 0000 0000 0000")),
            "\nTS: \t1.2.3.4\t100 absolute\n");
}

TEST(Timestamp, AShortOptionReadsItsLastFieldFromTheNextBytesAsIputils) {
  // Crafted: length 6 / 10, the field completed by the NOPs that follow, as iputils read it.
  EXPECT_EQ(format(hex("4406 0710 aabb 0101")),
            "\nTS: \t716898561 absolute not-standard\nUnrecorded hops: 1\n\nNOP\nNOP");
  EXPECT_EQ(format(hex("440a 0b11 0908 0706 aabb 0101")),
            "\nTS: \t9.8.7.6\t716898561 absolute not-standard\nUnrecorded hops: 1\n\nNOP\nNOP");
}

TEST(Timestamp, AFieldRunningPastTheOptionsAreaIsNotRead) {
  EXPECT_EQ(format(hex("0101 4406 0700 aabb")), "\nNOP\nNOP\nTS: ");
  EXPECT_EQ(format(hex("0101 4406 0730 aabb")), "\nNOP\nNOP\nTS: Unrecorded hops: 3\n");
  EXPECT_EQ(format(hex("4408 0901 0102 0304")), "\nTS: \t1.2.3.4");
}

TEST(Timestamp, PointerAtOrBelowTheMinimumPrintsNothing) {
  for (std::uint8_t pointer = 0; pointer <= 5; ++pointer) {
    const Bytes option = {kIpOptionTimestamp, 12, pointer, 0x10, 0, 0, 0, 1, 0, 0, 0, 2};
    EXPECT_EQ(format(option), "") << "pointer " << int{pointer};
  }
}

TEST(Timestamp, AddressTextComesFromTheCallerExceptForZero) {
  int calls = 0;
  const AddressText named = [&calls](const IpAddress& address) {
    ++calls;
    return "hop (" + ipv4_dotted_quad(address) + ")";
  };
  RecordRouteMemory memory;
  EXPECT_EQ(
      format_ip_options(hex("4414 1501 c612 0101 0000 0010 0000 0000 0000 0011"), memory, named),
      "\nTS: \thop (198.18.1.1)\t16 absolute\n\t0.0.0.0\t1\n");
  EXPECT_EQ(calls, 1);
}

// ---- Printing other options and the option walk ------------------------------------------

TEST(IpOptions, NoOptionsPrintNothing) {
  EXPECT_EQ(format({}), "");
  EXPECT_EQ(format(hex("0000 0000")), "");
}

TEST(IpOptions, NopsArePrintedEachOnItsOwnLine) {
  // Crafted: NOP, NOP, then a Record Route; iputils' text.
  EXPECT_EQ(format(hex("0101 0723 1001 0203 0405 0607 08c6 1201 0100 0000 0000 0000 0000 0000"
                       "0000 0000 0000 0000 0000 0000")),
            "\nNOP\nNOP\nRR: \t1.2.3.4\n\t5.6.7.8\n\t198.18.1.1\n");
}

TEST(IpOptions, UnknownOptionsArePrintedByTypeInHex) {
  // Crafted: Router Alert (0x94) before a Record Route, type 0x5e before a Timestamp.
  EXPECT_EQ(format(hex("9404 0000 071f 0c01 0203 04c6 1201 0100 0000 0000 0000 0000 0000 0000"
                       "0000 0000 0000 0000")),
            "\nunknown option 94\nRR: \t1.2.3.4\n\t198.18.1.1\n");
  EXPECT_EQ(format(hex("5e04 aabb 4410 0d00 0000 004d 028b e0b9 0000 0000")),
            "\nunknown option 5e\nTS: \t77 absolute\n\t42721388\n");
}

TEST(IpOptions, RecordRouteThenTimestamp) {
  EXPECT_EQ(format(hex("070b 0c01 0203 0405 0607 0844 0c0d 0000 0001 2c02 8be3 0f00")),
            "\nRR: \t1.2.3.4\n\t5.6.7.8\n\nTS: \t300 absolute\n\t42721763\n");
}

TEST(IpOptions, EndOfListStopsTheWalk) {
  EXPECT_EQ(format(hex("0707 0801 0203 0400 0000 0000")), "\nRR: \t1.2.3.4\n");  // crafted
  EXPECT_EQ(format(hex("0707 0801 0203 0400 0101 9404")), "\nRR: \t1.2.3.4\n");
  EXPECT_EQ(format(hex("0001 0101")), "");
}

TEST(IpOptions, SourceRoutesArePrintedFromTheirSlotsUnlikeIputils) {
  // Crafted exhausted LSRR / SSRR. iputils printed "\nLSRR: \t12.1.2.3\n\t4.5.6.7\n" and
  // "\nSSRR: \t8.1.2.3\n": it reads each address one byte early, from the pointer on. A
  // deliberate difference: we print the addresses the option holds.
  EXPECT_EQ(format(hex("830b 0c01 0203 0405 0607 0800")), "\nLSRR: \t1.2.3.4\n\t5.6.7.8\n");
  EXPECT_EQ(format(hex("8907 0801 0203 0400")), "\nSSRR: \t1.2.3.4\n");
  EXPECT_EQ(format(hex("8303 0400")), "\nLSRR: ");
}

TEST(IpOptions, MalformedLengthsStopTheWalk) {
  EXPECT_EQ(format(hex("0700 0000")), "");                               // length 0
  EXPECT_EQ(format(hex("0701 0000")), "");                               // length 1
  EXPECT_EQ(format(hex("0728 0800")), "");                               // longer than the area
  EXPECT_EQ(format(hex("0101 0107")), "\nNOP\nNOP\nNOP");                // type without length
  EXPECT_EQ(format(hex("0707 0801 0203 0494")), "\nRR: \t1.2.3.4\n");    // same after an option
  EXPECT_EQ(format(hex("9402 0101")), "\nunknown option 94\nNOP\nNOP");  // length 2 is fine
}

TEST(IpOptions, DottedQuad) {
  EXPECT_EQ(ipv4_dotted_quad(v4(0, 0, 0, 0)), "0.0.0.0");
  EXPECT_EQ(ipv4_dotted_quad(v4(198, 18, 0, 1)), "198.18.0.1");
  EXPECT_EQ(ipv4_dotted_quad(v4(255, 255, 255, 255)), "255.255.255.255");
}

// Every option type that has a printer, every length and pointer, in an options area ending
// right after the option (so that any read past it leaves the vector; run under ASan).
TEST(IpOptions, EveryLengthAndPointerStaysInBounds) {
  const std::array<std::uint8_t, 6> types = {kIpOptionRecordRoute,
                                             kIpOptionTimestamp,
                                             kIpOptionLooseSourceRoute,
                                             kIpOptionStrictSourceRoute,
                                             0x94,
                                             0x01};
  const std::array<std::uint8_t, 5> flags = {0x00, 0x01, 0x03, 0xf2, 0x1f};
  for (std::uint8_t type : types) {
    for (std::size_t area = 1; area <= 40; ++area) {
      for (unsigned length = 0; length <= 42; ++length) {
        for (unsigned pointer = 0; pointer <= 255; pointer += (pointer < 48 ? 1 : 37)) {
          for (std::uint8_t flag : flags) {
            if (type != kIpOptionTimestamp && flag != flags[0]) continue;  // only TS reads it
            Bytes options(area, 0xa5);
            options[0] = type;
            if (area > 1) options[1] = static_cast<std::uint8_t>(length);
            if (area > 2) options[2] = static_cast<std::uint8_t>(pointer);
            if (area > 3) options[3] = flag;
            RecordRouteMemory memory;
            const std::string text = format_ip_options(options, memory);
            EXPECT_LT(text.size(), 1000U);
            // Twice: the second may print "(same route)"; it must not crash either.
            (void)format_ip_options(options, memory);
          }
        }
      }
    }
  }
}

TEST(IpOptions, RandomBytesNeverCrash) {
  std::mt19937 random(20221126);  // fixed seed: the same inputs every run
  const std::array<std::uint8_t, 8> interesting = {0, 1, 7, 68, 131, 137, 0x94, 0xff};
  RecordRouteMemory memory;
  for (int round = 0; round < 200000; ++round) {
    Bytes options(random() % 41);
    for (auto& b : options) {
      b = (random() % 4 == 0) ? interesting[random() % interesting.size()]
                              : static_cast<std::uint8_t>(random());
    }
    if (!options.empty() && random() % 2 == 0) options[0] = interesting[2 + random() % 4];
    const std::string text = format_ip_options(options, memory);
    ASSERT_LT(text.size(), 2000U);
  }
}

}  // namespace
}  // namespace bp
