#pragma once
// The echo payload: what we fill it with (iputils' default ramp or a -p pattern) and how a
// reply's payload is checked against it. Pure; nothing here allocates.
//
// Unlike iputils, we keep no timestamp in the payload (send times stay in memory, so a peer
// cannot forge an RTT), so every payload byte is pattern and every byte is verified. iputils
// skips the first 16 bytes (its struct timeval) when verifying; indices here are payload
// offsets exactly as in its "wrong data byte #N" message, so the same byte gets the same N.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "shared/expected.h"

namespace bp {

// A -p pattern: 1 to 16 bytes, repeated over the payload.
struct PayloadPattern {
  static constexpr std::size_t kMaxBytes = 16;
  std::array<std::uint8_t, kMaxBytes> bytes{};
  std::size_t size = 0;

  std::span<const std::uint8_t> view() const { return {bytes.data(), size}; }
  friend bool operator==(const PayloadPattern&, const PayloadPattern&) = default;
};

struct PatternError {
  enum class Kind {
    kEmpty,   // "" (iputils accepts it and sends zeros; we refuse it)
    kNotHex,  // a character that is not a hex digit, at `position`
  };
  Kind kind;
  std::size_t position = 0;  // iputils prints text.substr(position) after its message
  friend bool operator==(const PatternError&, const PatternError&) = default;
};

// Parses the -p argument with iputils' rules (fill() in ping_common.c): every character must
// be a hex digit, no "0x" prefix; digits are taken two at a time ("ff00" -> ff 00), an odd last
// digit is a byte of its own ("abc" -> ab 0c), and digits past the 32nd are ignored.
Expected<PayloadPattern, PatternError> parse_payload_pattern(std::string_view text);

// iputils' default payload: byte i is i mod 256.
void fill_payload(std::span<std::uint8_t> payload);

// The pattern repeated from payload byte 0 (the last repetition cut short as needed).
void fill_payload(std::span<std::uint8_t> payload, const PayloadPattern& pattern);

// The first byte where a reply's payload differs from what we sent.
struct PayloadMismatch {
  std::size_t index = 0;  // payload offset: iputils' "wrong data byte #index"
  std::uint8_t expected = 0;
  std::uint8_t actual = 0;
  friend bool operator==(const PayloadMismatch&, const PayloadMismatch&) = default;
};

// Compares the bytes both spans have. A reply shorter than what we sent is "(truncated)", which
// the caller detects from the lengths first, as iputils does; bytes beyond `sent` are ignored.
std::optional<PayloadMismatch> find_payload_mismatch(std::span<const std::uint8_t> sent,
                                                     std::span<const std::uint8_t> received);

}  // namespace bp
