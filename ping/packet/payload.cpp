#include "ping/packet/payload.h"

#include <algorithm>

namespace bp {
namespace {

std::optional<std::uint8_t> hex_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
  return std::nullopt;
}

}  // namespace

Expected<PayloadPattern, PatternError> parse_payload_pattern(std::string_view text) {
  if (text.empty()) return Unexpected{PatternError{PatternError::Kind::kEmpty}};
  // iputils checks every character before reading any, so a bad digit past the 32nd is
  // still an error.
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!hex_value(text[i])) return Unexpected{PatternError{PatternError::Kind::kNotHex, i}};
  }
  PayloadPattern pattern;
  for (std::size_t i = 0; i < text.size() && pattern.size < PayloadPattern::kMaxBytes; i += 2) {
    std::uint8_t byte = *hex_value(text[i]);
    if (i + 1 < text.size()) byte = static_cast<std::uint8_t>(byte << 4 | *hex_value(text[i + 1]));
    pattern.bytes[pattern.size++] = byte;
  }
  return pattern;
}

void fill_payload(std::span<std::uint8_t> payload) {
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i);
}

void fill_payload(std::span<std::uint8_t> payload, const PayloadPattern& pattern) {
  if (pattern.size == 0) return;
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = pattern.bytes[i % pattern.size];
}

std::optional<PayloadMismatch> find_payload_mismatch(std::span<const std::uint8_t> sent,
                                                     std::span<const std::uint8_t> received) {
  const std::size_t n = std::min(sent.size(), received.size());
  const auto [s, r] =
      std::mismatch(sent.begin(), sent.begin() + static_cast<std::ptrdiff_t>(n), received.begin());
  if (s == sent.begin() + static_cast<std::ptrdiff_t>(n)) return std::nullopt;
  return PayloadMismatch{static_cast<std::size_t>(s - sent.begin()), *s, *r};
}

}  // namespace bp
