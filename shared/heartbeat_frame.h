#pragma once
// Heartbeat frames: what better_ping tells its watchdog over their private loopback TCP connection.
//
// HEARTBEAT FRAME FORMAT (version 2)
//
// Every frame is exactly 32 bytes: a 16-byte header and a 16-byte body whose meaning depends on
// the type. All fields are unsigned integers in network byte order (big-endian, RFC 1700 "Data
// Notations"); the diagram is drawn in the style of RFC 791. This is the project's own protocol,
// not an IETF one.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                 Magic = 0x42504842 ("BPHB")                   |  0
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Version = 2  |     Type      |          Length = 32          |  4
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |  8
//   +                    Sequence (64 bits)                         +
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               | 16
//   +                                                               +
//   |                     Body (16 bytes, by Type)                  |
//   +                                                               +
//   |                                                               |
//   +                                                               +
//   |                                                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   Type 1, Hello: sent once, first, by better_ping when the watchdog starts.
//   16 |                          PID (32)                             |  better_ping's pid, > 0
//   20 |                          PGID (32)                            |  its process group, > 0
//   24 |                    Timeout (64), nanoseconds                  |  1 .. 2^63-1
//      PID == PGID means better_ping led its process group at start (getpgrp() == getpid()),
//      which is the one case where the watchdog may signal the rest of the group.
//
//   Type 2, Heartbeat: one per valid echo reply; each one restarts the silence timeout.
//   16 |     ICMP sequence (16)        |          Zero (16)            |
//   20 |            Round-trip time (32), microseconds                 |  rounded down,
//   24 |                                                               |  <= 2^32-1
//      +                    Time (64), nanoseconds                     +
//      |                                                               |  0 .. 2^63-1
//
//   Type 3, Pause:   better_ping is about to stop (SIGTSTP); no timeout while paused.
//   Type 4, Resume:  better_ping continues (SIGCONT); a full fresh timeout starts at Time.
//   Type 5, Goodbye: better_ping is exiting on purpose; nothing may follow.
//   16 |                           Zero (32)                           |
//   20 |                           Zero (32)                           |
//   24 |                                                               |
//      +                    Time (64), nanoseconds                     +
//      |                                                               |  0 .. 2^63-1
//
//   Time (every type but Hello) is better_ping's CLOCK_MONOTONIC reading, in nanoseconds, when
//   it produced the frame: for a Heartbeat, the ping loop's reading at which it read the reply.
//   CLOCK_MONOTONIC is one clock for the whole system, so the watchdog measures silence from
//   when things happened, not from when it got round to reading about them: it may leave
//   heartbeats unread in its socket for a whole timeout and still judge them exactly.
//   The RTT is information only (no rule depends on it); above 2^32-1 us (71 min) it saturates.
//
// Rules a receiver enforces (any breach is a protocol violation):
//   - Magic, Version and Length must have exactly the values above; Type must be 1 to 5
//     (type 0 is never valid, so zeroed memory never parses as a frame). A version 1 frame
//     (no Time) is an unsupported version.
//   - Sequence counts frames: the first frame has sequence >= 1 and each frame's sequence is
//     greater than the previous one's (the sender uses 1, 2, 3, ...). A repeated or older
//     sequence is a replay.
//   - Zero fields must be zero; PID, PGID, Timeout and Time must be in range.
//   - Time never decreases from one frame to the next (equal is fine).
//   - Time is not later than the receiver's own CLOCK_MONOTONIC reading taken after it read the
//     frame: better_ping read its clock before sending, so a later Time cannot be honest
//     (check_frame_time; FrameDecoder has no clock, the receiver applies this rule).
//   - The first frame is a Hello, and there is only one; no byte may follow a Goodbye.
// A violation breaks the stream for good: the watchdog logs it and treats the connection as
// silent (a broken stream never counts as a heartbeat), so the timeout still stops better_ping.
// End of stream without a Goodbye means better_ping went away without saying so.
//
// Why fixed 32-byte frames: a reader never needs to buffer more than one frame (bounded memory),
// and the Length field still lets a future version grow frames while this reader rejects
// anything else at once. The frame carries no target name: the watchdog gets that on its
// command line, which is not secret.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "shared/expected.h"
#include "shared/mono_time.h"

namespace bp {

inline constexpr std::uint32_t kFrameMagic = 0x42504842;  // "BPHB"
inline constexpr std::uint8_t kFrameVersion = 2;
inline constexpr std::size_t kFrameSize = 32;

enum class FrameType : std::uint8_t {
  kHello = 1,
  kHeartbeat = 2,
  kPause = 3,
  kResume = 4,
  kGoodbye = 5,
};

struct HelloBody {
  std::int32_t pid = 0;
  std::int32_t pgid = 0;
  std::chrono::nanoseconds timeout{0};

  // better_ping led its process group at start.
  bool leads_group() const { return pid == pgid; }
  bool operator==(const HelloBody&) const = default;
};

// Encoded as whole microseconds: rtt is rounded down, and saturates at 2^32-1 us (a negative
// rtt becomes 0); parsed back as that many microseconds.
struct HeartbeatBody {
  std::uint16_t icmp_sequence = 0;
  std::chrono::nanoseconds rtt{0};
  MonoTime time{};  // when better_ping read the reply
  bool operator==(const HeartbeatBody&) const = default;
};

struct PauseBody {
  MonoTime time{};
  bool operator==(const PauseBody&) const = default;
};
struct ResumeBody {
  MonoTime time{};
  bool operator==(const ResumeBody&) const = default;
};
struct GoodbyeBody {
  MonoTime time{};
  bool operator==(const GoodbyeBody&) const = default;
};

using FrameBody = std::variant<HelloBody, HeartbeatBody, PauseBody, ResumeBody, GoodbyeBody>;

struct Frame {
  std::uint64_t sequence = 0;
  FrameBody body;
  bool operator==(const Frame&) const = default;
};

FrameType frame_type(const FrameBody& body);
std::string_view to_string(FrameType type);
// The frame's Time; nothing for a Hello, which has none.
std::optional<MonoTime> frame_time(const FrameBody& body);

enum class FrameViolation {
  kBadMagic,
  kBadVersion,
  kUnknownType,
  kBadLength,              // Length is not 32 (too long, too short)
  kSequenceNotIncreasing,  // sequence 0, repeated, or lower than the previous frame's
  kBadBody,                // non-zero zero field, or PID/PGID/Timeout/Time out of range
  kTimeWentBackwards,      // Time lower than the previous frame's
  kTimeInTheFuture,        // Time later than the receiver's clock (check_frame_time)
  kMissingHello,           // the first frame is not a Hello
  kDuplicateHello,
  kDataAfterGoodbye,
  kTruncatedFrame,  // the stream ended in the middle of a frame
};

// Short lower-case text for log lines, e.g. "bad magic".
std::string_view to_string(FrameViolation violation);

// Writes frame into out. The values should follow the rules above; apart from the RTT (rounded
// down to microseconds and saturated, see HeartbeatBody) the encoder writes what it is given (a
// negative timeout or Time, for instance, becomes a value every decoder rejects).
void encode_frame(const Frame& frame, std::span<std::uint8_t, kFrameSize> out);

// Reads one complete frame on its own: checks magic, version, type, length and body, but not the
// stream rules (sequence order, Time order, Hello first, Goodbye last), which need FrameDecoder.
Expected<Frame, FrameViolation> parse_frame(std::span<const std::uint8_t, kFrameSize> bytes);

// The receiver's clock rule: kTimeInTheFuture if the frame's Time is later than read_at, the
// receiver's CLOCK_MONOTONIC reading taken after the read that delivered the frame's last byte.
std::optional<FrameViolation> check_frame_time(const FrameBody& body, MonoTime read_at);

// The sending side: numbers frames 1, 2, 3, ... and keeps Time from going backwards: a frame
// whose Time is earlier than the previous frame's is sent with the previous frame's Time (a
// caller may read its clock, then send a frame stamped by a later reading, then this one).
class FrameEncoder {
 public:
  void encode(const FrameBody& body, std::span<std::uint8_t, kFrameSize> out);
  std::uint64_t next_sequence() const { return next_sequence_; }
  // The Time of the last frame that had one; the clock's zero before that.
  MonoTime last_time() const { return last_time_; }

 private:
  std::uint64_t next_sequence_ = 1;
  MonoTime last_time_{};
};

// Returned when every input byte is consumed and the current frame is still incomplete.
struct NeedMoreBytes {
  bool operator==(const NeedMoreBytes&) const = default;
};

using DecodeResult = std::variant<Frame, NeedMoreBytes, FrameViolation>;

// Incremental decoder for the receiving side. Feed it the bytes of each read as they come, in
// chunks of any size: a frame split anywhere, several frames in one chunk, or garbage.
// It holds at most one partial frame (kFrameSize bytes), whatever it is fed.
//
//   std::span<const std::uint8_t> input(buffer, bytes_read);
//   for (;;) {
//     DecodeResult r = decoder.next(input);
//     if (std::holds_alternative<NeedMoreBytes>(r)) break;           // read again later
//     if (auto* v = std::get_if<FrameViolation>(&r)) { ...; break; }  // stream broken
//     handle(std::get<Frame>(r));                                    // loop: more may follow
//   }
//
// Header fields are checked as soon as their bytes are in, so garbage is rejected without waiting
// for a whole frame.
class FrameDecoder {
 public:
  // Takes bytes from the front of input (input is advanced past them) and returns:
  //   Frame          - the next complete frame; input may still hold more bytes;
  //   NeedMoreBytes  - all of input was consumed and no frame is complete yet;
  //   FrameViolation - the stream is broken; all of input was discarded. Every later call
  //                    discards its input and returns the same violation.
  DecodeResult next(std::span<const std::uint8_t>& input);

  // Call when the peer closed the connection. Returns kTruncatedFrame (and breaks the stream) if
  // part of a frame was pending, the earlier violation if the stream was already broken, and
  // nothing if the stream ended on a frame boundary.
  std::optional<FrameViolation> end_of_stream();

  bool broken() const { return violation_.has_value(); }
  std::optional<FrameViolation> violation() const { return violation_; }
  bool hello_received() const { return hello_received_; }
  bool goodbye_received() const { return goodbye_received_; }
  std::uint64_t last_sequence() const { return last_sequence_; }
  // The Time of the last frame that had one; the clock's zero before that.
  MonoTime last_time() const { return last_time_; }

 private:
  std::optional<FrameViolation> check_header_prefix() const;
  FrameViolation fail(FrameViolation violation, std::span<const std::uint8_t>& input);

  std::array<std::uint8_t, kFrameSize> buffer_{};
  std::size_t filled_ = 0;
  std::uint64_t last_sequence_ = 0;
  MonoTime last_time_{};
  bool hello_received_ = false;
  bool goodbye_received_ = false;
  std::optional<FrameViolation> violation_;
};

}  // namespace bp
