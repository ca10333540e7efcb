#include "shared/heartbeat_frame.h"

#include <algorithm>
#include <limits>

#include "shared/byte_order.h"
#include "shared/overloaded.h"

namespace bp {
namespace {

constexpr std::size_t kMagicAt = 0;
constexpr std::size_t kVersionAt = 4;
constexpr std::size_t kTypeAt = 5;
constexpr std::size_t kLengthAt = 6;
constexpr std::size_t kSequenceAt = 8;
constexpr std::size_t kBodyAt = 16;

// Hello body.
constexpr std::size_t kPidAt = 16;
constexpr std::size_t kPgidAt = 20;
constexpr std::size_t kTimeoutAt = 24;
// Heartbeat body.
constexpr std::size_t kIcmpSequenceAt = 16;
constexpr std::size_t kHeartbeatZeroAt = 18;
constexpr std::size_t kRttAt = 20;
// Every body but the Hello's.
constexpr std::size_t kTimeAt = 24;

constexpr std::uint64_t kMaxNanoseconds =
    static_cast<std::uint64_t>(std::numeric_limits<std::chrono::nanoseconds::rep>::max());
constexpr std::uint32_t kMaxPid =
    static_cast<std::uint32_t>(std::numeric_limits<std::int32_t>::max());
constexpr std::uint32_t kMaxRttMicroseconds = std::numeric_limits<std::uint32_t>::max();

bool known_type(std::uint8_t type) {
  return type >= static_cast<std::uint8_t>(FrameType::kHello) &&
         type <= static_cast<std::uint8_t>(FrameType::kGoodbye);
}

// Checks the fixed header fields among the first `available` bytes, in wire order, so a reader
// can reject garbage as soon as the offending field is complete.
std::optional<FrameViolation> check_fixed_header(std::span<const std::uint8_t> b, std::size_t available) {
  if (available >= kVersionAt && load_be32(b, kMagicAt) != kFrameMagic) return FrameViolation::kBadMagic;
  if (available > kVersionAt && b[kVersionAt] != kFrameVersion) return FrameViolation::kBadVersion;
  if (available > kTypeAt && !known_type(b[kTypeAt])) return FrameViolation::kUnknownType;
  if (available >= kSequenceAt && load_be16(b, kLengthAt) != kFrameSize) return FrameViolation::kBadLength;
  return std::nullopt;
}

bool all_zero(std::span<const std::uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

bool valid_pid(std::uint32_t pid) { return pid >= 1 && pid <= kMaxPid; }

std::optional<FrameBody> parse_hello(std::span<const std::uint8_t> b) {
  const std::uint32_t pid = load_be32(b, kPidAt);
  const std::uint32_t pgid = load_be32(b, kPgidAt);
  const std::uint64_t timeout = load_be64(b, kTimeoutAt);
  if (!valid_pid(pid) || !valid_pid(pgid)) return std::nullopt;
  if (timeout == 0 || timeout > kMaxNanoseconds) return std::nullopt;
  return HelloBody{static_cast<std::int32_t>(pid), static_cast<std::int32_t>(pgid),
                   std::chrono::nanoseconds(static_cast<std::chrono::nanoseconds::rep>(timeout))};
}

std::optional<MonoTime> parse_time(std::span<const std::uint8_t> b) {
  const std::uint64_t time = load_be64(b, kTimeAt);
  if (time > kMaxNanoseconds) return std::nullopt;
  return MonoTime(std::chrono::nanoseconds(static_cast<std::chrono::nanoseconds::rep>(time)));
}

std::optional<FrameBody> parse_heartbeat(std::span<const std::uint8_t> b) {
  const std::optional<MonoTime> time = parse_time(b);
  if (!time || load_be16(b, kHeartbeatZeroAt) != 0) return std::nullopt;
  const std::chrono::microseconds rtt(load_be32(b, kRttAt));
  return HeartbeatBody{load_be16(b, kIcmpSequenceAt), rtt, *time};
}

std::optional<FrameBody> parse_body(FrameType type, std::span<const std::uint8_t> b) {
  if (type == FrameType::kHello) return parse_hello(b);
  if (type == FrameType::kHeartbeat) return parse_heartbeat(b);
  const std::optional<MonoTime> time = parse_time(b);
  if (!time || !all_zero(b.subspan(kBodyAt, kTimeAt - kBodyAt))) return std::nullopt;
  if (type == FrameType::kPause) return PauseBody{*time};
  if (type == FrameType::kResume) return ResumeBody{*time};
  return GoodbyeBody{*time};
}

// Whole microseconds, rounded down, within the 32-bit field.
std::uint32_t wire_rtt(std::chrono::nanoseconds rtt) {
  const auto us = std::chrono::floor<std::chrono::microseconds>(rtt).count();
  if (us <= 0) return 0;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(us), kMaxRttMicroseconds));
}

std::uint64_t wire_time(MonoTime time) { return static_cast<std::uint64_t>(time.time_since_epoch().count()); }

}  // namespace

FrameType frame_type(const FrameBody& body) {
  return std::visit(Overloaded{
                        [](const HelloBody&) { return FrameType::kHello; },
                        [](const HeartbeatBody&) { return FrameType::kHeartbeat; },
                        [](const PauseBody&) { return FrameType::kPause; },
                        [](const ResumeBody&) { return FrameType::kResume; },
                        [](const GoodbyeBody&) { return FrameType::kGoodbye; },
                    },
                    body);
}

std::string_view to_string(FrameType type) {
  switch (type) {
    case FrameType::kHello: return "hello";
    case FrameType::kHeartbeat: return "heartbeat";
    case FrameType::kPause: return "pause";
    case FrameType::kResume: return "resume";
    case FrameType::kGoodbye: return "goodbye";
  }
  return "unknown";
}

std::optional<MonoTime> frame_time(const FrameBody& body) {
  return std::visit(Overloaded{
                        [](const HelloBody&) -> std::optional<MonoTime> { return std::nullopt; },
                        [](const auto& timed) -> std::optional<MonoTime> { return timed.time; },
                    },
                    body);
}

std::string_view to_string(FrameViolation violation) {
  switch (violation) {
    case FrameViolation::kBadMagic: return "bad magic";
    case FrameViolation::kBadVersion: return "unsupported version";
    case FrameViolation::kUnknownType: return "unknown frame type";
    case FrameViolation::kBadLength: return "bad frame length";
    case FrameViolation::kSequenceNotIncreasing: return "sequence not increasing";
    case FrameViolation::kBadBody: return "malformed frame body";
    case FrameViolation::kTimeWentBackwards: return "time went backwards";
    case FrameViolation::kTimeInTheFuture: return "time in the future";
    case FrameViolation::kMissingHello: return "first frame is not a hello";
    case FrameViolation::kDuplicateHello: return "second hello";
    case FrameViolation::kDataAfterGoodbye: return "data after goodbye";
    case FrameViolation::kTruncatedFrame: return "stream ended inside a frame";
  }
  return "unknown violation";
}

void encode_frame(const Frame& frame, std::span<std::uint8_t, kFrameSize> out) {
  std::fill(out.begin(), out.end(), std::uint8_t{0});
  store_be32(out, kMagicAt, kFrameMagic);
  out[kVersionAt] = kFrameVersion;
  out[kTypeAt] = static_cast<std::uint8_t>(frame_type(frame.body));
  store_be16(out, kLengthAt, static_cast<std::uint16_t>(kFrameSize));
  store_be64(out, kSequenceAt, frame.sequence);
  std::visit(Overloaded{
                 [&](const HelloBody& h) {
                   store_be32(out, kPidAt, static_cast<std::uint32_t>(h.pid));
                   store_be32(out, kPgidAt, static_cast<std::uint32_t>(h.pgid));
                   store_be64(out, kTimeoutAt, static_cast<std::uint64_t>(h.timeout.count()));
                 },
                 [&](const HeartbeatBody& hb) {
                   store_be16(out, kIcmpSequenceAt, hb.icmp_sequence);
                   store_be32(out, kRttAt, wire_rtt(hb.rtt));
                   store_be64(out, kTimeAt, wire_time(hb.time));
                 },
                 // Pause, Resume, Goodbye: zero up to the Time
                 [&](const auto& timed) { store_be64(out, kTimeAt, wire_time(timed.time)); },
             },
             frame.body);
}

Expected<Frame, FrameViolation> parse_frame(std::span<const std::uint8_t, kFrameSize> bytes) {
  if (auto violation = check_fixed_header(bytes, kFrameSize)) return Unexpected{*violation};
  const auto type = static_cast<FrameType>(bytes[kTypeAt]);
  std::optional<FrameBody> body = parse_body(type, bytes);
  if (!body) return Unexpected{FrameViolation::kBadBody};
  return Frame{load_be64(bytes, kSequenceAt), std::move(*body)};
}

std::optional<FrameViolation> check_frame_time(const FrameBody& body, MonoTime read_at) {
  const std::optional<MonoTime> time = frame_time(body);
  if (time && *time > read_at) return FrameViolation::kTimeInTheFuture;
  return std::nullopt;
}

void FrameEncoder::encode(const FrameBody& body, std::span<std::uint8_t, kFrameSize> out) {
  Frame frame{next_sequence_, body};
  std::visit(Overloaded{
                 [](HelloBody&) {},
                 [&](auto& timed) {
                   timed.time = std::max(timed.time, last_time_);
                   last_time_ = timed.time;
                 },
             },
             frame.body);
  encode_frame(frame, out);
  ++next_sequence_;
}

DecodeResult FrameDecoder::next(std::span<const std::uint8_t>& input) {
  if (violation_) return fail(*violation_, input);
  if (goodbye_received_) {
    if (!input.empty()) return fail(FrameViolation::kDataAfterGoodbye, input);
    return NeedMoreBytes{};
  }
  const std::size_t take = std::min(kFrameSize - filled_, input.size());
  std::copy_n(input.begin(), take, buffer_.begin() + static_cast<std::ptrdiff_t>(filled_));
  filled_ += take;
  input = input.subspan(take);
  if (auto violation = check_header_prefix()) return fail(*violation, input);
  if (filled_ < kFrameSize) return NeedMoreBytes{};

  filled_ = 0;
  Expected<Frame, FrameViolation> parsed = parse_frame(buffer_);
  if (!parsed) return fail(parsed.error(), input);
  if (const std::optional<MonoTime> time = frame_time(parsed->body)) {
    if (*time < last_time_) return fail(FrameViolation::kTimeWentBackwards, input);
    last_time_ = *time;
  }
  last_sequence_ = parsed->sequence;
  const FrameType type = frame_type(parsed->body);
  hello_received_ = true;  // check_header_prefix guarantees the first frame is the Hello
  goodbye_received_ = type == FrameType::kGoodbye;
  return std::move(parsed).value();
}

std::optional<FrameViolation> FrameDecoder::end_of_stream() {
  if (!violation_ && filled_ > 0) violation_ = FrameViolation::kTruncatedFrame;
  return violation_;
}

std::optional<FrameViolation> FrameDecoder::check_header_prefix() const {
  // Fields are judged in wire order, the Hello rules with Type, so the violation reported does
  // not depend on how the stream was split into reads.
  if (auto violation = check_fixed_header(buffer_, std::min(filled_, kTypeAt + 1))) return violation;
  if (filled_ > kTypeAt) {
    const bool is_hello = buffer_[kTypeAt] == static_cast<std::uint8_t>(FrameType::kHello);
    if (!hello_received_ && !is_hello) return FrameViolation::kMissingHello;
    if (hello_received_ && is_hello) return FrameViolation::kDuplicateHello;
  }
  if (auto violation = check_fixed_header(buffer_, filled_)) return violation;  // Length
  if (filled_ >= kBodyAt && load_be64(buffer_, kSequenceAt) <= last_sequence_) {
    return FrameViolation::kSequenceNotIncreasing;
  }
  return std::nullopt;
}

FrameViolation FrameDecoder::fail(FrameViolation violation, std::span<const std::uint8_t>& input) {
  violation_ = violation;
  input = input.subspan(input.size());
  return violation;
}

}  // namespace bp
