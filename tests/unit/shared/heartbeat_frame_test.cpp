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

// Golden frames, written out by hand from the diagram in shared/heartbeat_frame.h.
const char* const kHelloHex =  // seq 1, pid 4242 = pgid (leader), timeout 10 s = 0x2540be400 ns
    "4250 4842 0101 0020 0000 0000 0000 0001 0000 1092 0000 1092 0000 0002 540b e400";
const char* const kHeartbeatHex =  // seq 2, icmp_seq 7, rtt 1.234567 ms = 0x12d687 ns
    "4250 4842 0102 0020 0000 0000 0000 0002 0007 0000 0000 0000 0000 0000 0012 d687";
const char* const kPauseHex =
    "4250 4842 0103 0020 0000 0000 0000 0003 0000 0000 0000 0000 0000 0000 0000 0000";
const char* const kResumeHex =
    "4250 4842 0104 0020 0000 0000 0000 0004 0000 0000 0000 0000 0000 0000 0000 0000";
const char* const kGoodbyeHex =
    "4250 4842 0105 0020 0000 0000 0000 0005 0000 0000 0000 0000 0000 0000 0000 0000";

const Frame kHello{1, HelloBody{4242, 4242, 10s}};
const Frame kHeartbeat{2, HeartbeatBody{7, 1234567ns}};
const Frame kPause{3, PauseBody{}};
const Frame kResume{4, ResumeBody{}};
const Frame kGoodbye{5, GoodbyeBody{}};

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
  return {kHello, kHeartbeat, kPause, kResume, Frame{5, HeartbeatBody{8, 987ns}}, Frame{6, GoodbyeBody{}}};
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
  EXPECT_EQ(encode(hello), test::hex("4250 4842 0101 0020 ffff ffff ffff fffe"
                                     "7fff ffff 0000 0001 7fff ffff ffff ffff"));
  const Frame beat{9, HeartbeatBody{0xFFFF, std::chrono::nanoseconds::max()}};
  EXPECT_EQ(encode(beat), test::hex("4250 4842 0102 0020 0000 0000 0000 0009"
                                    "ffff 0000 0000 0000 7fff ffff ffff ffff"));
}

TEST(FrameEncoder, NumbersFramesFromOne) {
  FrameEncoder encoder;
  EXPECT_EQ(encoder.next_sequence(), 1u);
  std::array<std::uint8_t, kFrameSize> out{};
  encoder.encode(HelloBody{4242, 4242, 10s}, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), test::hex(kHelloHex));
  encoder.encode(HeartbeatBody{7, 1234567ns}, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), test::hex(kHeartbeatHex));
  encoder.encode(PauseBody{}, out);
  encoder.encode(ResumeBody{}, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), test::hex(kResumeHex));
  EXPECT_EQ(encoder.next_sequence(), 5u);
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
                         Frame{2, HeartbeatBody{0, 0ns}},
                         Frame{3, HeartbeatBody{0xFFFF, std::chrono::nanoseconds::max()}}}) {
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
  for (const char* v : {"00", "02", "ff"}) {
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

TEST(ParseFrame, RejectsHeartbeatWithNonZeroReservedOrHugeRtt) {
  EXPECT_EQ(parse_error(patched(kHeartbeatHex, 18, "0001")), FrameViolation::kBadBody);
  EXPECT_EQ(parse_error(patched(kHeartbeatHex, 20, "0100 0000")), FrameViolation::kBadBody);
  EXPECT_EQ(parse_error(patched(kHeartbeatHex, 24, "8000 0000 0000 0000")), FrameViolation::kBadBody);
  EXPECT_EQ(parse_error(encode(Frame{2, HeartbeatBody{1, -5ns}})), FrameViolation::kBadBody);
}

TEST(ParseFrame, RejectsNonZeroBodyOfPauseResumeGoodbye) {
  for (const char* golden : {kPauseHex, kResumeHex, kGoodbyeHex}) {
    for (std::size_t at = 16; at < kFrameSize; ++at) {
      Bytes b = test::hex(golden);
      b[at] = 0x80;
      EXPECT_EQ(parse_error(b), FrameViolation::kBadBody) << golden << " byte " << at;
    }
  }
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
      {"4250 4842 02", FrameViolation::kBadVersion},
      {"4250 4842 0109", FrameViolation::kUnknownType},
      {"4250 4842 0102", FrameViolation::kMissingHello},
      {"4250 4842 0101 ffff", FrameViolation::kBadLength},
      {"4250 4842 0101 0020 0000 0000 0000 0000", FrameViolation::kSequenceNotIncreasing},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(violation_of(test::hex(c.prefix)), c.expected) << c.prefix;
  }
}

TEST(FrameDecoder, ReportsEachHeaderViolationInAStream) {
  const Bytes hello = encode(kHello);
  EXPECT_EQ(violation_of(concat({hello, patched(kHeartbeatHex, 0, "00")})), FrameViolation::kBadMagic);
  EXPECT_EQ(violation_of(concat({hello, patched(kHeartbeatHex, 4, "02")})), FrameViolation::kBadVersion);
  EXPECT_EQ(violation_of(concat({hello, patched(kHeartbeatHex, 5, "06")})), FrameViolation::kUnknownType);
  EXPECT_EQ(violation_of(concat({hello, patched(kHeartbeatHex, 6, "ffff")})), FrameViolation::kBadLength);
  EXPECT_EQ(violation_of(concat({hello, patched(kHeartbeatHex, 20, "0000 0001")})), FrameViolation::kBadBody);
}

TEST(FrameDecoder, OversizedLengthIsRejectedWithoutBufferingIt) {
  // A length of 65535 would ask a naive reader to buffer 64 KiB; here it fails on its 8th byte.
  FrameDecoder decoder;
  const Bytes header = test::hex("4250 4842 0101 ffff");
  std::span<const std::uint8_t> input(header);
  EXPECT_EQ(decoder.next(input), DecodeResult{FrameViolation::kBadLength});
}

TEST(FrameDecoder, SequenceMustIncrease) {
  const Bytes hello = encode(kHello);  // seq 1
  EXPECT_EQ(violation_of(concat({hello, encode(Frame{1, HeartbeatBody{1, 1ns}})})),
            FrameViolation::kSequenceNotIncreasing);  // repeated
  EXPECT_EQ(violation_of(concat({encode(Frame{9, HelloBody{5, 5, 1s}}), encode(Frame{8, PauseBody{}})})),
            FrameViolation::kSequenceNotIncreasing);  // backwards
  EXPECT_EQ(violation_of(encode(Frame{0, HelloBody{5, 5, 1s}})),
            FrameViolation::kSequenceNotIncreasing);  // first frame must be >= 1
  // Gaps are allowed: the sender may skip numbers, never reuse them.
  const Outcome gap = feed_all(concat({hello, encode(Frame{1000, HeartbeatBody{1, 1ns}})}));
  EXPECT_EQ(gap.frames.size(), 2u);
  EXPECT_FALSE(gap.violation.has_value());
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
  const Bytes stream = concat({encode(kHello), encode(Frame{2, GoodbyeBody{}}), test::hex("42")});
  FrameDecoder decoder;
  const Outcome out = feed(decoder, {std::span<const std::uint8_t>(stream)});
  EXPECT_EQ(out.frames.size(), 2u);
  EXPECT_EQ(out.violation, FrameViolation::kDataAfterGoodbye);
  // A valid-looking frame after Goodbye is no better.
  const Outcome beat =
      feed_all(concat({encode(kHello), encode(Frame{2, GoodbyeBody{}}), encode(Frame{3, HeartbeatBody{}})}));
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
  const Bytes good = encode(Frame{3, HeartbeatBody{8, 1ms}});
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
  // Its six zero bytes are what catch it (a chance pass would need 48 random zero bits).
  std::mt19937 rng(42);
  const Bytes hello = encode(kHello);
  const Bytes header = test::hex("4250 4842 0102 0020 0000 0000 0000 0002");
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
  const Bytes first = test::hex("4250 4842 0103 3900 4160 2000 0080");
  FrameDecoder first_bytewise;
  EXPECT_EQ(feed_all(first).violation, FrameViolation::kMissingHello);
  EXPECT_EQ(feed_bytewise(first_bytewise, first).violation, FrameViolation::kMissingHello);
  // The same for a second Hello with a bad Length after a valid Hello.
  const Bytes second = concat({encode(kHello), test::hex("4250 4842 0101 0000")});
  FrameDecoder second_bytewise;
  EXPECT_EQ(feed_all(second).violation, FrameViolation::kDuplicateHello);
  EXPECT_EQ(feed_bytewise(second_bytewise, second).violation, FrameViolation::kDuplicateHello);
}

}  // namespace
}  // namespace bp
