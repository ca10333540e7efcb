// libFuzzer target: the watchdog's heartbeat FrameDecoder, fed a TCP byte stream in pieces.
//
// Input: a count byte n (n % 16 piece lengths follow), the piece lengths (each % 48; 0 is an empty
// read), then the stream. The stream is cut into reads of those lengths, cycling through them;
// with no lengths (or only zeros) it arrives in one read.
//
// Invariants:
//   - the calling contract: NeedMoreBytes and a violation consume all input; a Frame consumes
//     exactly up to its last byte; once broken, every later call gives the same violation;
//   - a Frame is returned only for 32 bytes that parse_frame accepts on their own and that
//     re-encoding the Frame reproduces exactly; the first is the Hello, there is one Hello,
//     sequences increase, Times never decrease, nothing follows a Goodbye;
//   - how the stream is split does not matter: one read, the fuzzed pieces and one byte at a
//     time give the same frames, the same violation and the same end-of-stream verdict;
//   - an independent model over whole 32-byte blocks agrees on how many frames are good and
//     whether the stream must break;
//   - bounded memory: the decoder is a fixed-size object with no heap behind it.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "shared/heartbeat_frame.h"
#include "tests/fuzz/fuzz_check.h"

namespace bp {
namespace {

using Bytes = std::span<const std::uint8_t>;

// One partial frame, a few counters, a time and flags: nothing grows with the input.
static_assert(sizeof(FrameDecoder) <= kFrameSize + 64);

constexpr std::size_t kMaxPieceLengths = 16;
constexpr std::size_t kPieceLengthModulus = 48;

struct Outcome {
  std::vector<Frame> frames;
  std::optional<FrameViolation> violation;
  std::optional<FrameViolation> end_of_stream;
  bool operator==(const Outcome&) const = default;
};

void check_frame(const Frame& frame, Bytes wire, const std::vector<Frame>& earlier) {
  std::array<std::uint8_t, kFrameSize> encoded{};
  encode_frame(frame, encoded);
  BP_FUZZ_CHECK(std::equal(encoded.begin(), encoded.end(), wire.begin(), wire.end()));
  const auto parsed = parse_frame(wire.first<kFrameSize>());
  BP_FUZZ_CHECK(parsed.has_value() && *parsed == frame);

  const bool is_hello = frame_type(frame.body) == FrameType::kHello;
  BP_FUZZ_CHECK(is_hello == earlier.empty());
  BP_FUZZ_CHECK(frame_time(frame.body).has_value() == !is_hello);
  if (!earlier.empty()) {
    BP_FUZZ_CHECK(frame.sequence > earlier.back().sequence);
    BP_FUZZ_CHECK(frame_type(earlier.back().body) != FrameType::kGoodbye);
    const auto previous = frame_time(earlier.back().body);
    BP_FUZZ_CHECK(!previous || *previous <= *frame_time(frame.body));
  } else {
    BP_FUZZ_CHECK(frame.sequence >= 1);
  }
}

// Feeds one read, draining the decoder as the watchdog does. `offset` is where the read starts
// in the stream and is advanced past it.
void feed(FrameDecoder& decoder, Bytes stream, std::size_t& offset, std::size_t length,
          Outcome& out) {
  const Bytes read = stream.subspan(offset, length);
  Bytes input = read;
  for (;;) {
    const std::optional<FrameViolation> before = decoder.violation();
    DecodeResult result = decoder.next(input);
    const std::size_t consumed = offset + (read.size() - input.size());
    if (std::holds_alternative<NeedMoreBytes>(result)) {
      BP_FUZZ_CHECK(input.empty() && !decoder.broken());
      break;
    }
    if (const auto* violation = std::get_if<FrameViolation>(&result)) {
      BP_FUZZ_CHECK(input.empty() && decoder.broken() && decoder.violation() == *violation);
      BP_FUZZ_CHECK(!before || *before == *violation);
      if (!out.violation) out.violation = *violation;
      BP_FUZZ_CHECK(out.violation == *violation);
      break;
    }
    BP_FUZZ_CHECK(!before);
    const Frame& frame = std::get<Frame>(result);
    BP_FUZZ_CHECK(consumed == (out.frames.size() + 1) * kFrameSize);
    check_frame(frame, stream.subspan(consumed - kFrameSize, kFrameSize), out.frames);
    out.frames.push_back(frame);
    BP_FUZZ_CHECK(decoder.hello_received() && decoder.last_sequence() == frame.sequence);
    BP_FUZZ_CHECK(frame_time(frame.body).value_or(decoder.last_time()) == decoder.last_time());
    BP_FUZZ_CHECK(decoder.goodbye_received() == (frame_type(frame.body) == FrameType::kGoodbye));
  }
  offset += length;
}

Outcome decode(Bytes stream, const std::vector<std::size_t>& lengths) {
  FrameDecoder decoder;
  Outcome out;
  std::size_t offset = 0;
  for (std::size_t i = 0; offset < stream.size(); ++i) {
    const std::size_t length = std::min(lengths[i % lengths.size()], stream.size() - offset);
    feed(decoder, stream, offset, length, out);
  }
  if (out.violation) {  // stays broken, whatever comes
    const std::array<std::uint8_t, kFrameSize> more{};
    std::size_t ignored = 0;
    feed(decoder, more, ignored, more.size(), out);
  }
  out.end_of_stream = decoder.end_of_stream();
  BP_FUZZ_CHECK(decoder.end_of_stream() == out.end_of_stream);
  if (out.violation) {
    BP_FUZZ_CHECK(out.end_of_stream == out.violation);
  } else if (stream.size() % kFrameSize != 0) {
    BP_FUZZ_CHECK(out.end_of_stream == FrameViolation::kTruncatedFrame);
  } else {
    BP_FUZZ_CHECK(!out.end_of_stream);
  }
  return out;
}

// The stream rules over whole 32-byte blocks, written independently of FrameDecoder: how many
// leading frames are good, and whether something after them must break the stream.
struct Model {
  std::size_t good_frames = 0;
  bool must_break = false;
};

Model model(Bytes stream) {
  Model m;
  std::uint64_t last_sequence = 0;
  MonoTime last_time{};
  bool goodbye = false;
  for (std::size_t at = 0; at < stream.size(); at += kFrameSize) {
    if (goodbye || stream.size() - at < kFrameSize) {
      m.must_break = goodbye;  // a partial last frame may or may not be rejected early
      return m;
    }
    const auto parsed = parse_frame(stream.subspan(at).first<kFrameSize>());
    const bool is_hello = parsed && frame_type(parsed->body) == FrameType::kHello;
    const auto time = parsed ? frame_time(parsed->body) : std::nullopt;
    if (!parsed || is_hello != (at == 0) || parsed->sequence <= last_sequence || (time && *time < last_time)) {
      m.must_break = true;
      return m;
    }
    last_sequence = parsed->sequence;
    last_time = time.value_or(last_time);
    goodbye = frame_type(parsed->body) == FrameType::kGoodbye;
    ++m.good_frames;
  }
  return m;
}

}  // namespace
}  // namespace bp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bp;
  if (size == 0) return 0;
  const std::size_t count = std::min<std::size_t>(data[0] % kMaxPieceLengths, size - 1);
  std::vector<std::size_t> pieces;
  for (std::size_t i = 0; i < count; ++i) pieces.push_back(data[1 + i] % kPieceLengthModulus);
  const Bytes stream(data + 1 + count, size - 1 - count);

  const std::vector<std::size_t> whole{std::max<std::size_t>(stream.size(), 1)};
  const bool any_progress = std::any_of(pieces.begin(), pieces.end(), [](std::size_t n) { return n > 0; });
  const Outcome at_once = decode(stream, whole);
  const Outcome in_pieces = decode(stream, any_progress ? pieces : whole);
  const Outcome byte_by_byte = decode(stream, {1});
  BP_FUZZ_CHECK(in_pieces == at_once);
  BP_FUZZ_CHECK(byte_by_byte == at_once);

  const Model expected = model(stream);
  BP_FUZZ_CHECK(at_once.frames.size() == expected.good_frames);
  if (expected.must_break) BP_FUZZ_CHECK(at_once.violation.has_value());
  if (!expected.must_break && stream.size() % kFrameSize == 0) {
    BP_FUZZ_CHECK(!at_once.violation.has_value());
  }
  return 0;
}
