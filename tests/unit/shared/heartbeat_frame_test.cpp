#include "shared/heartbeat_frame.h"

#include <gtest/gtest.h>

#include "tests/unit/hex.h"

#include <array>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace bp {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

// A CLOCK_MONOTONIC reading given as time since boot.
constexpr MonoTime at(std::chrono::nanoseconds since_boot) { return MonoTime(since_boot); }

// Golden frames, written out by hand from the diagram in shared/heartbeat_frame.h.
const char* const kHelloHex =  // seq 1, pid 4242 = pgid (leader), timeout 10 s = 0x2540be400 ns
    "4250 4842 0201 0020 0000 0000 0000 0001 0000 1092 0000 1092 0000 0002 540b e400";
const char* const kHeartbeatHex =  // seq 2, icmp_seq 7, rtt 1234 us = 0x4d2, time 1000.000000123 s
    "4250 4842 0202 0020 0000 0000 0000 0002 0007 0000 0000 04d2 0000 00e8 d4a5 107b";
const char* const kPauseHex =  // seq 3, time 1001.5 s = 0xe92e0d3f00 ns
    "4250 4842 0203 0020 0000 0000 0000 0003 0000 0000 0000 0000 0000 00e9 2e0d 3f00";
const char* const kResumeHex =  // seq 4, time 1300 s = 0x12eae09c800 ns
    "4250 4842 0204 0020 0000 0000 0000 0004 0000 0000 0000 0000 0000 012e ae09 c800";
const char* const kGoodbyeHex =  // seq 5, time 1301 s = 0x12ee9a49200 ns
    "4250 4842 0205 0020 0000 0000 0000 0005 0000 0000 0000 0000 0000 012e e9a4 9200";

const Frame kHello{1, HelloBody{4242, 4242, 10s}};
const Frame kHeartbeat{2, HeartbeatBody{7, 1234us, at(1000s + 123ns)}};
const Frame kPause{3, PauseBody{at(1001500ms)}};
const Frame kResume{4, ResumeBody{at(1300s)}};
const Frame kGoodbye{5, GoodbyeBody{at(1301s)}};

Bytes encode(const Frame& frame) {
  std::array<std::uint8_t, kFrameSize> out{};
  encode_frame(frame, out);
  return Bytes(out.begin(), out.end());
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes all;
  for (const Bytes& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

// A session that uses every frame type: Hello, Heartbeat, Pause, Resume, Heartbeat, Goodbye.
std::vector<Frame> session_frames() {
  return {kHello, kHeartbeat, kPause, kResume, Frame{5, HeartbeatBody{8, 987us, at(1300200ms)}},
          Frame{6, GoodbyeBody{at(1301s)}}};
}

Bytes session_bytes() {
  Bytes all;
  for (const Frame& f : session_frames()) {
    const Bytes b = encode(f);
    all.insert(all.end(), b.begin(), b.end());
  }
  return all;
}

// What a decoder produced from a sequence of reads.
struct Outcome {
  std::vector<Frame> frames;
  std::optional<FrameViolation> violation;
};

// Feeds each chunk as one read, draining the decoder as a real reader would.
Outcome feed(FrameDecoder& decoder, const std::vector<std::span<const std::uint8_t>>& chunks) {
  Outcome out;
  for (std::span<const std::uint8_t> input : chunks) {
    for (;;) {
      DecodeResult r = decoder.next(input);
      if (std::holds_alternative<NeedMoreBytes>(r)) {
        EXPECT_TRUE(input.empty()) << "NeedMoreBytes with input left";
        break;
      }
      if (auto* v = std::get_if<FrameViolation>(&r)) {
        EXPECT_TRUE(input.empty()) << "violation must discard the rest of the read";
        out.violation = *v;
        break;
      }
      out.frames.push_back(std::get<Frame>(r));
    }
  }
  return out;
}

Outcome feed_all(const Bytes& bytes) {
  FrameDecoder decoder;
  return feed(decoder, {std::span<const std::uint8_t>(bytes)});
}

Outcome feed_bytewise(FrameDecoder& decoder, const Bytes& bytes) {
  std::vector<std::span<const std::uint8_t>> chunks;
  for (std::size_t i = 0; i < bytes.size(); ++i) chunks.emplace_back(&bytes[i], 1);
  return feed(decoder, chunks);
}

// ---- encoding ----

TEST(HeartbeatFrame, EncodesEveryTypeToGoldenBytes) {
  EXPECT_EQ(encode(kHello), test::hex(kHelloHex));
  EXPECT_EQ(encode(kHeartbeat), test::hex(kHeartbeatHex));
  EXPECT_EQ(encode(kPause), test::hex(kPauseHex));
  EXPECT_EQ(encode(kResume), test::hex(kResumeHex));
  EXPECT_EQ(encode(kGoodbye), test::hex(kGoodbyeHex));
}

TEST(HeartbeatFrame, EncoderOverwritesTheWholeBuffer) {
  std::array<std::uint8_t, kFrameSize> out;
  out.fill(0xAA);
  encode_frame(kPause, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), test::hex(kPauseHex));
}

TEST(HeartbeatFrame, EncodesLargestValues) {
  const Frame hello{0xFFFF'FFFF'FFFF'FFFEu, HelloBody{0x7FFF'FFFF, 1, std::chrono::nanoseconds::max()}};
  EXPECT_EQ(encode(hello), test::hex("4250 4842 0201 0020 ffff ffff ffff fffe"
                                     "7fff ffff 0000 0001 7fff ffff ffff ffff"));
  const Frame beat{9, HeartbeatBody{0xFFFF, 4294967295us, MonoTime::max()}};
  EXPECT_EQ(encode(beat), test::hex("4250 4842 0202 0020 0000 0000 0000 0009"
                                    "ffff 0000 ffff ffff 7fff ffff ffff ffff"));
  EXPECT_EQ(encode(Frame{10, GoodbyeBody{MonoTime::max()}}),
            test::hex("4250 4842 0205 0020 0000 0000 0000 000a 0000 0000 0000 0000 7fff ffff ffff ffff"));
}

TEST(HeartbeatFrame, RttIsRoundedDownToWholeMicroseconds) {
  const Bytes golden = test::hex(kHeartbeatHex);  // 1234 us
  for (const auto rtt : {1234000ns, 1234001ns, 1234567ns, 1234999ns}) {
    EXPECT_EQ(encode(Frame{2, HeartbeatBody{7, rtt, at(1000s + 123ns)}}), golden) << rtt.count();
  }
  auto parsed = parse_frame(std::span<const std::uint8_t, kFrameSize>(golden.data(), kFrameSize));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(std::get<HeartbeatBody>(parsed->body).rtt, 1234000ns);
  // Below a microsecond: 0.
  EXPECT_EQ(encode(Frame{2, HeartbeatBody{7, 999ns, at(1000s + 123ns)}}),
            test::hex("4250 4842 0202 0020 0000 0000 0000 0002 0007 0000 0000 0000 0000 00e8 d4a5 107b"));
}

TEST(HeartbeatFrame, RttSaturatesAtTheLargest32BitValue) {
  // 2^32 - 1 us is 71 min 34.967295 s; anything longer is written as that.
  const char* const saturated = "4250 4842 0202 0020 0000 0000 0000 0002 0007 0000 ffff ffff 0000 00e8 d4a5 107b";
  for (const std::chrono::nanoseconds rtt : {std::chrono::nanoseconds(4294967295us),
                                             std::chrono::nanoseconds(4294967296us),
                                             std::chrono::nanoseconds(2h), std::chrono::nanoseconds::max()}) {
    EXPECT_EQ(encode(Frame{2, HeartbeatBody{7, rtt, at(1000s + 123ns)}}), test::hex(saturated)) << rtt.count();
  }
  // A negative RTT, which no clock should give, is written as 0 rather than wrapped.
  EXPECT_EQ(encode(Frame{2, HeartbeatBody{7, -5us, at(1000s + 123ns)}}),
            test::hex("4250 4842 0202 0020 0000 0000 0000 0002 0007 0000 0000 0000 0000 00e8 d4a5 107b"));
}

TEST(FrameEncoder, NumbersFramesFromOne) {
  FrameEncoder encoder;
  EXPECT_EQ(encoder.next_sequence(), 1u);
  std::array<std::uint8_t, kFrameSize> out{};
  encoder.encode(HelloBody{4242, 4242, 10s}, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), test::hex(kHelloHex));
  encoder.encode(HeartbeatBody{7, 1234567ns, at(1000s + 123ns)}, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), test::hex(kHeartbeatHex));
  encoder.encode(PauseBody{at(1001500ms)}, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), test::hex(kPauseHex));
  encoder.encode(ResumeBody{at(1300s)}, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), test::hex(kResumeHex));
  EXPECT_EQ(encoder.next_sequence(), 5u);
  EXPECT_EQ(encoder.last_time(), at(1300s));
}

TEST(FrameEncoder, NeverLetsTimeGoBackwards) {
  // The caller stamped a Resume with a later clock reading than the heartbeat it sends next.
  FrameEncoder encoder;
  std::array<std::uint8_t, kFrameSize> out{};
  encoder.encode(HelloBody{4242, 4242, 10s}, out);
  encoder.encode(ResumeBody{at(1300s)}, out);
  encoder.encode(HeartbeatBody{7, 1234us, at(1299s)}, out);  // sent as 1300 s
  EXPECT_EQ(Bytes(out.begin(), out.end()),
            test::hex("4250 4842 0202 0020 0000 0000 0000 0003 0007 0000 0000 04d2 0000 012e ae09 c800"));
  encoder.encode(GoodbyeBody{at(0s)}, out);  // sent as 1300 s
  EXPECT_EQ(Bytes(out.begin(), out.end()),
            test::hex("4250 4842 0205 0020 0000 0000 0000 0004 0000 0000 0000 0000 0000 012e ae09 c800"));
  EXPECT_EQ(encoder.last_time(), at(1300s));
}

TEST(FrameEncoder, StreamWithOutOfOrderClockReadingsDecodesCleanly) {
  FrameEncoder encoder;
  Bytes stream;
  std::array<std::uint8_t, kFrameSize> out{};
  for (const FrameBody& body : std::vector<FrameBody>{HelloBody{4242, 4242, 10s}, PauseBody{at(20s)},
                                                      ResumeBody{at(30s)}, HeartbeatBody{1, 1us, at(29s)},
                                                      HeartbeatBody{2, 1us, at(31s)}, GoodbyeBody{at(31s)}}) {
    encoder.encode(body, out);
    stream.insert(stream.end(), out.begin(), out.end());
  }
  const Outcome decoded = feed_all(stream);
  EXPECT_FALSE(decoded.violation.has_value());
  std::vector<MonoTime> times;
  for (const Frame& f : decoded.frames) {
    if (auto t = frame_time(f.body)) times.push_back(*t);
  }
  EXPECT_EQ(times, (std::vector<MonoTime>{at(20s), at(30s), at(30s), at(31s), at(31s)}));
}

TEST(HeartbeatFrame, FrameTypeAndNames) {
  EXPECT_EQ(frame_type(kHello.body), FrameType::kHello);
  EXPECT_EQ(frame_type(kHeartbeat.body), FrameType::kHeartbeat);
  EXPECT_EQ(frame_type(kPause.body), FrameType::kPause);
  EXPECT_EQ(frame_type(kResume.body), FrameType::kResume);
  EXPECT_EQ(frame_type(kGoodbye.body), FrameType::kGoodbye);
  EXPECT_EQ(to_string(FrameType::kHeartbeat), "heartbeat");
  EXPECT_EQ(to_string(FrameViolation::kBadMagic), "bad magic");
  EXPECT_EQ(to_string(FrameViolation::kTruncatedFrame), "stream ended inside a frame");
  EXPECT_EQ(to_string(FrameViolation::kTimeWentBackwards), "time went backwards");
  EXPECT_EQ(to_string(FrameViolation::kTimeInTheFuture), "time in the future");
}

TEST(HeartbeatFrame, EveryTypeButHelloHasATime) {
  EXPECT_EQ(frame_time(kHello.body), std::nullopt);
  EXPECT_EQ(frame_time(kHeartbeat.body), at(1000s + 123ns));
  EXPECT_EQ(frame_time(kPause.body), at(1001500ms));
  EXPECT_EQ(frame_time(kResume.body), at(1300s));
  EXPECT_EQ(frame_time(kGoodbye.body), at(1301s));
}

TEST(HeartbeatFrame, HelloSaysWhetherBetterPingLedItsGroup) {
  EXPECT_TRUE((HelloBody{4242, 4242, 10s}.leads_group()));
  EXPECT_FALSE((HelloBody{4242, 4100, 10s}.leads_group()));
}

// ---- parse_frame: one complete frame ----

Expected<Frame, FrameViolation> parse(const Bytes& b) {
  return parse_frame(std::span<const std::uint8_t, kFrameSize>(b.data(), kFrameSize));
}

TEST(ParseFrame, ParsesEveryGoldenFrame) {
  for (const auto& [hex, frame] : std::vector<std::pair<const char*, Frame>>{
           {kHelloHex, kHello}, {kHeartbeatHex, kHeartbeat}, {kPauseHex, kPause},
           {kResumeHex, kResume}, {kGoodbyeHex, kGoodbye}}) {
    auto parsed = parse(test::hex(hex));
    ASSERT_TRUE(parsed.has_value()) << hex;
    EXPECT_EQ(*parsed, frame);
  }
}

TEST(ParseFrame, RoundTripsExtremeValues) {
  for (const Frame& f : {Frame{1, HelloBody{1, 1, 1ns}},
                         Frame{~std::uint64_t{0},
                               HelloBody{0x7FFF'FFFF, 0x7FFF'FFFF, std::chrono::nanoseconds::max()}},
                         Frame{2, HeartbeatBody{0, 0ns, at(0ns)}},
                         Frame{3, HeartbeatBody{0xFFFF, 4294967295us, MonoTime::max()}},
                         Frame{4, PauseBody{at(0ns)}}, Frame{5, ResumeBody{MonoTime::max()}},
                         Frame{6, GoodbyeBody{at(1ns)}}}) {
    auto parsed = parse(encode(f));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, f);
  }
}

// Replaces the bytes at `at` with `patch` in a copy of the golden frame.
Bytes patched(const char* golden_hex, std::size_t at, const char* patch_hex) {
  Bytes b = test::hex(golden_hex);
  const Bytes patch = test::hex(patch_hex);
  std::copy(patch.begin(), patch.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
  return b;
}

FrameViolation parse_error(const Bytes& b) {
  auto parsed = parse(b);
  EXPECT_FALSE(parsed.has_value());
  return parsed.has_value() ? FrameViolation::kTruncatedFrame : parsed.error();
}

TEST(ParseFrame, RejectsBadMagicInAnyByte) {
  for (std::size_t i = 0; i < 4; ++i) {
    Bytes b = test::hex(kHeartbeatHex);
    b[i] ^= 0x01;
    EXPECT_EQ(parse_error(b), FrameViolation::kBadMagic) << "byte " << i;
  }
  EXPECT_EQ(parse_error(patched(kHeartbeatHex, 0, "4842 5042")), FrameViolation::kBadMagic);  // byte-swapped
}

TEST(ParseFrame, RejectsOtherVersions) {
  for (const char* v : {"00", "01", "03", "ff"}) {
    EXPECT_EQ(parse_error(patched(kHeartbeatHex, 4, v)), FrameViolation::kBadVersion) << v;
  }
}

TEST(ParseFrame, RejectsUnknownTypes) {
  for (const char* t : {"00", "06", "7f", "ff"}) {
    EXPECT_EQ(parse_error(patched(kPauseHex, 5, t)), FrameViolation::kUnknownType) << t;
  }
}

TEST(ParseFrame, RejectsAnyLengthButThirtyTwo) {
  for (const char* len : {"0000", "001f", "0021", "0030", "2000", "ffff"}) {
    EXPECT_EQ(parse_error(patched(kHeartbeatHex, 6, len)), FrameViolation::kBadLength) << len;
  }
}

TEST(ParseFrame, RejectsOutOfRangeHelloFields) {
  EXPECT_EQ(parse_error(patched(kHelloHex, 16, "0000 0000")), FrameViolation::kBadBody);  // pid 0
  EXPECT_EQ(parse_error(patched(kHelloHex, 16, "8000 0000")), FrameViolation::kBadBody);  // pid > INT32_MAX
  EXPECT_EQ(parse_error(patched(kHelloHex, 20, "0000 0000")), FrameViolation::kBadBody);  // pgid 0
  EXPECT_EQ(parse_error(patched(kHelloHex, 20, "ffff ffff")), FrameViolation::kBadBody);  // pgid -1
  EXPECT_EQ(parse_error(patched(kHelloHex, 24, "0000 0000 0000 0000")), FrameViolation::kBadBody);
  EXPECT_EQ(parse_error(patched(kHelloHex, 24, "8000 0000 0000 0000")), FrameViolation::kBadBody);
  // A negative timeout, as an encoder would write it, is rejected too.
  EXPECT_EQ(parse_error(encode(Frame{1, HelloBody{5, 5, -1s}})), FrameViolation::kBadBody);
}

TEST(ParseFrame, RejectsAVersionOneFrame) {
  // A version 1 heartbeat: seq 2, icmp_seq 7, rtt 1234567 ns in the last 8 bytes, no Time.
  EXPECT_EQ(parse_error(test::hex("4250 4842 0102 0020 0000 0000 0000 0002 "
                                  "0007 0000 0000 0000 0000 0000 0012 d687")),
            FrameViolation::kBadVersion);
}

TEST(ParseFrame, RejectsHeartbeatWithNonZeroReservedField) {
  EXPECT_EQ(parse_error(patched(kHeartbeatHex, 18, "0001")), FrameViolation::kBadBody);
  EXPECT_EQ(parse_error(patched(kHeartbeatHex, 18, "8000")), FrameViolation::kBadBody);
}

TEST(ParseFrame, AcceptsEveryRtt) {
  // 32 bits of microseconds: every value is in range.
  for (const char* rtt : {"0000 0000", "0000 0001", "8000 0000", "ffff ffff"}) {
    EXPECT_TRUE(parse(patched(kHeartbeatHex, 20, rtt)).has_value()) << rtt;
  }
  EXPECT_EQ(std::get<HeartbeatBody>(parse(patched(kHeartbeatHex, 20, "ffff ffff"))->body).rtt, 4294967295us);
}

TEST(ParseFrame, RejectsTimeAbove63Bits) {
  for (const char* golden : {kHeartbeatHex, kPauseHex, kResumeHex, kGoodbyeHex}) {
    EXPECT_EQ(parse_error(patched(golden, 24, "8000 0000 0000 0000")), FrameViolation::kBadBody) << golden;
    EXPECT_EQ(parse_error(patched(golden, 24, "ffff ffff ffff ffff")), FrameViolation::kBadBody) << golden;
    EXPECT_TRUE(parse(patched(golden, 24, "7fff ffff ffff ffff")).has_value()) << golden;
    EXPECT_TRUE(parse(patched(golden, 24, "0000 0000 0000 0000")).has_value()) << golden;
  }
  // A negative time, as an encoder would write it, is rejected too.
  EXPECT_EQ(parse_error(encode(Frame{2, HeartbeatBody{1, 5us, at(-1ns)}})), FrameViolation::kBadBody);
  EXPECT_EQ(parse_error(encode(Frame{2, PauseBody{at(-1s)}})), FrameViolation::kBadBody);
}

TEST(ParseFrame, RejectsNonZeroBodyOfPauseResumeGoodbye) {
  for (const char* golden : {kPauseHex, kResumeHex, kGoodbyeHex}) {
    for (std::size_t byte = 16; byte < 24; ++byte) {
      for (const std::uint8_t bit : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
        Bytes b = test::hex(golden);
        b[byte] = bit;
        EXPECT_EQ(parse_error(b), FrameViolation::kBadBody) << golden << " byte " << byte;
      }
    }
  }
}

// ---- check_frame_time: the receiver's clock rule ----

TEST(CheckFrameTime, TimeUpToTheReadingAfterTheReadIsHonest) {
  EXPECT_EQ(check_frame_time(kHeartbeat.body, at(1000s + 123ns)), std::nullopt);  // equal
  EXPECT_EQ(check_frame_time(kHeartbeat.body, at(1000s + 124ns)), std::nullopt);
  EXPECT_EQ(check_frame_time(kGoodbye.body, at(5000s)), std::nullopt);
}

TEST(CheckFrameTime, TimeAfterTheReadingIsInTheFuture) {
  EXPECT_EQ(check_frame_time(kHeartbeat.body, at(1000s + 122ns)), FrameViolation::kTimeInTheFuture);
  EXPECT_EQ(check_frame_time(kPause.body, at(1001500ms) - 1ns), FrameViolation::kTimeInTheFuture);
  EXPECT_EQ(check_frame_time(kResume.body, at(0s)), FrameViolation::kTimeInTheFuture);
  EXPECT_EQ(check_frame_time(kGoodbye.body, at(1300s)), FrameViolation::kTimeInTheFuture);
}

TEST(CheckFrameTime, HelloHasNoTimeToCheck) {
  EXPECT_EQ(check_frame_time(kHello.body, at(0s)), std::nullopt);
}

// ---- FrameDecoder: splitting and coalescing ----

TEST(FrameDecoder, DecodesCoalescedFramesFromOneRead) {
  const Outcome out = feed_all(session_bytes());
  EXPECT_EQ(out.frames, session_frames());
  EXPECT_FALSE(out.violation.has_value());
}

TEST(FrameDecoder, DecodesFramesFedOneByteAtATime) {
  FrameDecoder decoder;
  const Outcome out = feed_bytewise(decoder, session_bytes());
  EXPECT_EQ(out.frames, session_frames());
  EXPECT_FALSE(out.violation.has_value());
  EXPECT_TRUE(decoder.goodbye_received());
  EXPECT_EQ(decoder.end_of_stream(), std::nullopt);
}

TEST(FrameDecoder, DecodesTheSessionSplitAtEveryPoint) {
  const Bytes bytes = session_bytes();
  const std::span<const std::uint8_t> all(bytes);
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    FrameDecoder decoder;
    const Outcome out = feed(decoder, {all.first(cut), all.subspan(cut)});
    EXPECT_EQ(out.frames, session_frames()) << "cut at " << cut;
    EXPECT_FALSE(out.violation.has_value()) << "cut at " << cut;
  }
}

TEST(FrameDecoder, DecodesTheSessionSplitAtEveryPairOfPoints) {
  const Bytes bytes = session_bytes();
  const std::span<const std::uint8_t> all(bytes);
  for (std::size_t a = 0; a <= bytes.size(); ++a) {
    for (std::size_t b = a; b <= bytes.size(); ++b) {
      FrameDecoder decoder;
      const Outcome out = feed(decoder, {all.first(a), all.subspan(a, b - a), all.subspan(b)});
      ASSERT_EQ(out.frames, session_frames()) << "cuts at " << a << ", " << b;
      ASSERT_FALSE(out.violation.has_value());
    }
  }
}

TEST(FrameDecoder, EveryTypeSplitAtEveryPointYieldsOneFrameOnlyWhenComplete) {
  for (const Frame& frame : session_frames()) {
    if (std::holds_alternative<HelloBody>(frame.body)) continue;
    const Bytes bytes = concat({encode(kHello), encode(frame)});
    for (std::size_t cut = kFrameSize; cut < bytes.size(); ++cut) {
      FrameDecoder decoder;
      std::span<const std::uint8_t> first(bytes.data(), cut);
      ASSERT_EQ(decoder.next(first), DecodeResult{kHello});
      EXPECT_EQ(decoder.next(first), DecodeResult{NeedMoreBytes{}}) << "cut at " << cut;
      std::span<const std::uint8_t> rest(bytes.data() + cut, bytes.size() - cut);
      EXPECT_EQ(decoder.next(rest), DecodeResult{frame}) << "cut at " << cut;
      EXPECT_TRUE(rest.empty());
    }
  }
}

TEST(FrameDecoder, FrameLeavesTheFollowingBytesInTheInput) {
  const Bytes bytes = concat({encode(kHello), encode(kHeartbeat), test::hex("4250")});
  FrameDecoder decoder;
  std::span<const std::uint8_t> input(bytes);
  EXPECT_EQ(decoder.next(input), DecodeResult{kHello});
  EXPECT_EQ(input.size(), kFrameSize + 2);
  EXPECT_EQ(decoder.next(input), DecodeResult{kHeartbeat});
  EXPECT_EQ(input.size(), 2u);
  EXPECT_EQ(decoder.next(input), DecodeResult{NeedMoreBytes{}});
  EXPECT_TRUE(input.empty());
  EXPECT_EQ(decoder.last_sequence(), 2u);
}

TEST(FrameDecoder, EmptyReadNeedsMoreBytes) {
  FrameDecoder decoder;
  std::span<const std::uint8_t> none;
  EXPECT_EQ(decoder.next(none), DecodeResult{NeedMoreBytes{}});
  EXPECT_FALSE(decoder.broken());
  EXPECT_EQ(decoder.end_of_stream(), std::nullopt);
}

// ---- FrameDecoder: violations ----

FrameViolation violation_of(const Bytes& bytes) {
  const Outcome out = feed_all(bytes);
  EXPECT_TRUE(out.violation.has_value());
  return out.violation.value_or(FrameViolation::kTruncatedFrame);
}

TEST(FrameDecoder, BadMagicIsReportedAsSoonAsFourBytesArrive) {
  FrameDecoder decoder;
  const Bytes garbage = test::hex("4745 5420");  // "GET "
  std::span<const std::uint8_t> input(garbage.data(), 3);
  EXPECT_EQ(decoder.next(input), DecodeResult{NeedMoreBytes{}});
  input = std::span<const std::uint8_t>(garbage.data() + 3, 1);
  EXPECT_EQ(decoder.next(input), DecodeResult{FrameViolation::kBadMagic});
}

TEST(FrameDecoder, HeaderFieldsAreCheckedBeforeTheFrameIsComplete) {
  const struct {
    const char* prefix;
    FrameViolation expected;
  } cases[] = {
      {"4250 4842 01", FrameViolation::kBadVersion},
      {"4250 4842 0209", FrameViolation::kUnknownType},
      {"4250 4842 0202", FrameViolation::kMissingHello},
      {"4250 4842 0201 ffff", FrameViolation::kBadLength},
      {"4250 4842 0201 0020 0000 0000 0000 0000", FrameViolation::kSequenceNotIncreasing},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(violation_of(test::hex(c.prefix)), c.expected) << c.prefix;
  }
}

TEST(FrameDecoder, ReportsEachHeaderViolationInAStream) {
  const Bytes hello = encode(kHello);
  EXPECT_EQ(violation_of(concat({hello, patched(kHeartbeatHex, 0, "00")})), FrameViolation::kBadMagic);
  EXPECT_EQ(violation_of(concat({hello, patched(kHeartbeatHex, 4, "01")})), FrameViolation::kBadVersion);
  EXPECT_EQ(violation_of(concat({hello, patched(kHeartbeatHex, 5, "06")})), FrameViolation::kUnknownType);
  EXPECT_EQ(violation_of(concat({hello, patched(kHeartbeatHex, 6, "ffff")})), FrameViolation::kBadLength);
  EXPECT_EQ(violation_of(concat({hello, patched(kHeartbeatHex, 18, "0001")})), FrameViolation::kBadBody);
  EXPECT_EQ(violation_of(concat({hello, patched(kHeartbeatHex, 24, "8000 0000 0000 0000")})),
            FrameViolation::kBadBody);
}

TEST(FrameDecoder, OversizedLengthIsRejectedWithoutBufferingIt) {
  // A length of 65535 would ask a naive reader to buffer 64 KiB; here it fails on its 8th byte.
  FrameDecoder decoder;
  const Bytes header = test::hex("4250 4842 0201 ffff");
  std::span<const std::uint8_t> input(header);
  EXPECT_EQ(decoder.next(input), DecodeResult{FrameViolation::kBadLength});
}

TEST(FrameDecoder, SequenceMustIncrease) {
  const Bytes hello = encode(kHello);  // seq 1
  EXPECT_EQ(violation_of(concat({hello, encode(Frame{1, HeartbeatBody{1, 1us, at(1s)}})})),
            FrameViolation::kSequenceNotIncreasing);  // repeated
  EXPECT_EQ(violation_of(concat({encode(Frame{9, HelloBody{5, 5, 1s}}), encode(Frame{8, PauseBody{at(1s)}})})),
            FrameViolation::kSequenceNotIncreasing);  // backwards
  EXPECT_EQ(violation_of(encode(Frame{0, HelloBody{5, 5, 1s}})),
            FrameViolation::kSequenceNotIncreasing);  // first frame must be >= 1
  // Gaps are allowed: the sender may skip numbers, never reuse them.
  const Outcome gap = feed_all(concat({hello, encode(Frame{1000, HeartbeatBody{1, 1us, at(1s)}})}));
  EXPECT_EQ(gap.frames.size(), 2u);
  EXPECT_FALSE(gap.violation.has_value());
}

TEST(FrameDecoder, TimeMayStayTheSameButNeverGoBack) {
  const Bytes hello = encode(kHello);
  // Equal times: two replies read in one loop turn, then the goodbye.
  const Outcome same = feed_all(concat({hello, encode(Frame{2, HeartbeatBody{1, 1us, at(7s)}}),
                                        encode(Frame{3, HeartbeatBody{2, 1us, at(7s)}}),
                                        encode(Frame{4, GoodbyeBody{at(7s)}})}));
  EXPECT_EQ(same.frames.size(), 4u);
  EXPECT_FALSE(same.violation.has_value());
  // One nanosecond back, whatever the types.
  const Outcome back = feed_all(concat({hello, encode(Frame{2, HeartbeatBody{1, 1us, at(7s)}}),
                                        encode(Frame{3, PauseBody{at(7s - 1ns)}})}));
  EXPECT_EQ(back.frames.size(), 2u);
  EXPECT_EQ(back.violation, FrameViolation::kTimeWentBackwards);
  EXPECT_EQ(violation_of(concat({hello, encode(kResume), encode(Frame{5, HeartbeatBody{1, 1us, at(1299s)}})})),
            FrameViolation::kTimeWentBackwards);
}

TEST(FrameDecoder, TimeWentBackwardsIsFoundWhereverTheStreamIsSplit) {
  const Bytes stream = concat({encode(kHello), encode(kPause), encode(Frame{4, ResumeBody{at(1000s)}})});
  const std::span<const std::uint8_t> all(stream);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameDecoder decoder;
    const Outcome out = feed(decoder, {all.first(cut), all.subspan(cut)});
    EXPECT_EQ(out.frames, (std::vector<Frame>{kHello, kPause})) << "cut at " << cut;
    EXPECT_EQ(out.violation, FrameViolation::kTimeWentBackwards) << "cut at " << cut;
  }
}

TEST(FrameDecoder, RemembersTheLastTime) {
  FrameDecoder decoder;
  EXPECT_EQ(decoder.last_time(), at(0s));
  const Bytes bytes = session_bytes();
  const Outcome out = feed(decoder, {std::span<const std::uint8_t>(bytes)});
  EXPECT_FALSE(out.violation.has_value());
  EXPECT_EQ(decoder.last_time(), at(1301s));
}

TEST(FrameDecoder, ReplayedHeartbeatIsAViolationNotAHeartbeat) {
  const Bytes beat = encode(kHeartbeat);
  const Outcome out = feed_all(concat({encode(kHello), beat, beat}));
  ASSERT_EQ(out.frames.size(), 2u);
  EXPECT_EQ(out.violation, FrameViolation::kSequenceNotIncreasing);
}

TEST(FrameDecoder, FirstFrameMustBeHello) {
  EXPECT_EQ(violation_of(encode(kHeartbeat)), FrameViolation::kMissingHello);
  EXPECT_EQ(violation_of(encode(kGoodbye)), FrameViolation::kMissingHello);
}

TEST(FrameDecoder, SecondHelloIsAViolation) {
  const Outcome out = feed_all(concat({encode(kHello), encode(Frame{2, HelloBody{4242, 4242, 10s}})}));
  EXPECT_EQ(out.frames, std::vector<Frame>{kHello});
  EXPECT_EQ(out.violation, FrameViolation::kDuplicateHello);
}

TEST(FrameDecoder, NothingMayFollowGoodbye) {
  const Bytes stream = concat({encode(kHello), encode(Frame{2, GoodbyeBody{at(5s)}}), test::hex("42")});
  FrameDecoder decoder;
  const Outcome out = feed(decoder, {std::span<const std::uint8_t>(stream)});
  EXPECT_EQ(out.frames.size(), 2u);
  EXPECT_EQ(out.violation, FrameViolation::kDataAfterGoodbye);
  // A valid-looking frame after Goodbye is no better.
  const Outcome beat =
      feed_all(concat({encode(kHello), encode(Frame{2, GoodbyeBody{at(5s)}}),
                       encode(Frame{3, HeartbeatBody{1, 1us, at(6s)}})}));
  EXPECT_EQ(beat.violation, FrameViolation::kDataAfterGoodbye);
}

TEST(FrameDecoder, ViolationIsStickyAndDiscardsLaterInput) {
  FrameDecoder decoder;
  const Bytes bad = test::hex("dead beef");
  std::span<const std::uint8_t> input(bad);
  EXPECT_EQ(decoder.next(input), DecodeResult{FrameViolation::kBadMagic});
  EXPECT_TRUE(decoder.broken());
  // Even a perfectly valid stream afterwards never yields a frame.
  const Bytes good = session_bytes();
  std::span<const std::uint8_t> later(good);
  EXPECT_EQ(decoder.next(later), DecodeResult{FrameViolation::kBadMagic});
  EXPECT_TRUE(later.empty());
  EXPECT_EQ(decoder.violation(), FrameViolation::kBadMagic);
  EXPECT_EQ(decoder.end_of_stream(), FrameViolation::kBadMagic);
}

TEST(FrameDecoder, ViolationFoundAtTheEndOfAFrameIsStickyToo) {
  // The bad frame is fully consumed here, so only the broken state stops the next good frame.
  FrameDecoder decoder;
  const Bytes stream = concat({encode(kHello), patched(kHeartbeatHex, 18, "0001")});
  const Outcome out = feed(decoder, {std::span<const std::uint8_t>(stream)});
  EXPECT_EQ(out.violation, FrameViolation::kBadBody);
  const Bytes good = encode(Frame{3, HeartbeatBody{8, 1ms, at(2000s)}});
  std::span<const std::uint8_t> later(good);
  EXPECT_EQ(decoder.next(later), DecodeResult{FrameViolation::kBadBody});
  EXPECT_TRUE(later.empty());
}

TEST(FrameDecoder, ViolationInTheMiddleOfAReadKeepsEarlierFramesAndDropsTheRest) {
  const Bytes stream = concat({encode(kHello), encode(kHeartbeat), test::hex(kHeartbeatHex), encode(kPause)});
  const Outcome out = feed_all(stream);  // the third frame repeats sequence 2
  EXPECT_EQ(out.frames, (std::vector<Frame>{kHello, kHeartbeat}));
  EXPECT_EQ(out.violation, FrameViolation::kSequenceNotIncreasing);
}

// ---- end of stream ----

TEST(FrameDecoder, EndOfStreamInsideAFrameIsTruncation) {
  const Bytes stream = session_bytes();
  for (std::size_t cut = 1; cut < stream.size(); ++cut) {
    if (cut % kFrameSize == 0) continue;
    FrameDecoder decoder;
    feed(decoder, {std::span<const std::uint8_t>(stream.data(), cut)});
    EXPECT_EQ(decoder.end_of_stream(), FrameViolation::kTruncatedFrame) << "cut at " << cut;
    EXPECT_TRUE(decoder.broken());
  }
}

TEST(FrameDecoder, EndOfStreamOnAFrameBoundaryIsClean) {
  FrameDecoder decoder;
  const Bytes stream = concat({encode(kHello), encode(kHeartbeat)});
  feed(decoder, {std::span<const std::uint8_t>(stream)});
  EXPECT_EQ(decoder.end_of_stream(), std::nullopt);
  EXPECT_TRUE(decoder.hello_received());
  EXPECT_FALSE(decoder.goodbye_received());  // better_ping went away without saying so
}

// ---- garbage ----

// Deterministic: std::mt19937's output sequence is fixed by the standard for a given seed.
Bytes random_bytes(std::mt19937& rng, std::size_t n) {
  Bytes b(n);
  for (auto& byte : b) byte = static_cast<std::uint8_t>(rng() & 0xFF);
  return b;
}

bool has_heartbeat(const Outcome& out) {
  for (const Frame& f : out.frames) {
    if (std::holds_alternative<HeartbeatBody>(f.body)) return true;
  }
  return false;
}

// Cuts bytes into reads of 1..40 bytes chosen by rng.
std::vector<std::span<const std::uint8_t>> random_chunks(std::mt19937& rng, const Bytes& bytes) {
  std::vector<std::span<const std::uint8_t>> chunks;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::size_t n = std::min<std::size_t>(1 + rng() % 40, bytes.size() - at);
    chunks.emplace_back(bytes.data() + at, n);
    at += n;
  }
  return chunks;
}

TEST(FrameDecoder, RandomGarbageNeverYieldsAHeartbeat) {
  std::mt19937 rng(20261121);
  for (int round = 0; round < 2000; ++round) {
    const Bytes garbage = random_bytes(rng, 1 + rng() % 200);
    FrameDecoder decoder;
    const Outcome out = feed(decoder, random_chunks(rng, garbage));
    EXPECT_TRUE(out.frames.empty()) << "round " << round;
    EXPECT_TRUE(decoder.end_of_stream().has_value()) << "round " << round;
  }
}

TEST(FrameDecoder, GarbageAfterAValidHelloNeverYieldsAHeartbeat) {
  std::mt19937 rng(7);
  const Bytes hello = encode(kHello);
  for (int round = 0; round < 2000; ++round) {
    const Bytes stream = concat({hello, random_bytes(rng, 1 + rng() % 200)});
    FrameDecoder decoder;
    const Outcome out = feed(decoder, random_chunks(rng, stream));
    EXPECT_FALSE(has_heartbeat(out)) << "round " << round;
    EXPECT_EQ(out.frames.size(), 1u) << "round " << round;
    EXPECT_TRUE(decoder.end_of_stream().has_value()) << "round " << round;
  }
}

TEST(FrameDecoder, RandomBodyBehindAValidHeaderIsRejected) {
  // The hardest garbage: a correct heartbeat header with a valid sequence, then a random body.
  // Its two zero bytes and the Time's top bit catch it (a chance pass: 1 in 2^17 per round,
  // and the seeded rounds are the same on every run).
  std::mt19937 rng(42);
  const Bytes hello = encode(kHello);
  const Bytes header = test::hex("4250 4842 0202 0020 0000 0000 0000 0002");
  for (int round = 0; round < 2000; ++round) {
    const Outcome out = feed_all(concat({hello, header, random_bytes(rng, kFrameSize - header.size())}));
    EXPECT_EQ(out.frames.size(), 1u) << "round " << round;
    EXPECT_EQ(out.violation, FrameViolation::kBadBody) << "round " << round;
  }
}

TEST(FrameDecoder, HoldsAtMostOneFrameWhateverItIsFed) {
  static_assert(sizeof(FrameDecoder) <= 2 * kFrameSize + 32, "decoder must not grow with its input");
  FrameDecoder decoder;
  const Bytes flood(1 << 20, 0x42);  // 1 MiB of 'B'
  std::span<const std::uint8_t> input(flood);
  EXPECT_EQ(decoder.next(input), DecodeResult{FrameViolation::kBadMagic});
  EXPECT_TRUE(input.empty());
}

// ---- found by fuzzing (tests/fuzz/fuzz_heartbeat.cpp) ----

// A Pause as the first frame, with a bad Length: fed at once, the fixed-header check reported
// the length; fed byte by byte, the missing Hello was seen first (at byte 6). The reported
// violation must not depend on how TCP split the stream: fields are judged in wire order.
TEST(FrameDecoder, ViolationDoesNotDependOnHowTheStreamIsSplit) {
  const Bytes first = test::hex("4250 4842 0203 3900 4160 2000 0080");
  FrameDecoder first_bytewise;
  EXPECT_EQ(feed_all(first).violation, FrameViolation::kMissingHello);
  EXPECT_EQ(feed_bytewise(first_bytewise, first).violation, FrameViolation::kMissingHello);
  // The same for a second Hello with a bad Length after a valid Hello.
  const Bytes second = concat({encode(kHello), test::hex("4250 4842 0201 0000")});
  FrameDecoder second_bytewise;
  EXPECT_EQ(feed_all(second).violation, FrameViolation::kDuplicateHello);
  EXPECT_EQ(feed_bytewise(second_bytewise, second).violation, FrameViolation::kDuplicateHello);
}

}  // namespace
}  // namespace bp
