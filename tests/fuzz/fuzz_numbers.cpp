// libFuzzer target: the small text parsers behind the options: decimal seconds (-i, -W, -w,
// --watchdog-timeout), the watchdog's plain seconds and their formatting, and -p patterns.
//
// Input: the text itself. Its first 8 bytes, read as a big-endian integer, also give a duration
// for the format/parse round trip.
//
// Invariants: no crash; where the watchdog's exact parser accepts a text, the decimal parser
// gives the same nanoseconds (both are exact); a leading '-' negates; format_seconds output
// parses back to the same value; a pattern has (hex digits + 1) / 2 bytes, at most 16, and an
// error points at the first character that is not a hex digit; a payload filled with a
// pattern matches itself.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ping/packet/payload.h"
#include "shared/decimal_seconds.h"
#include "shared/seconds_text.h"
#include "tests/fuzz/fuzz_check.h"

namespace bp {
namespace {

using std::chrono::nanoseconds;

// The largest duration parse_seconds() reads: it refuses 9223372036 s and more.
constexpr nanoseconds kMaxPlainSeconds{9'223'372'035'999'999'999};

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

void fuzz_decimal_seconds(std::string_view text) {
  const std::optional<nanoseconds> decimal = parse_decimal_seconds(text);
  if (const std::optional<nanoseconds> plain = parse_seconds(text)) {
    BP_FUZZ_CHECK(decimal == plain);
    BP_FUZZ_CHECK(parse_seconds(format_seconds(*plain)) == plain);
  }
  if (!text.empty() && text[0] != '-' && text[0] != '+') {
    const std::optional<nanoseconds> negated = parse_decimal_seconds("-" + std::string(text));
    BP_FUZZ_CHECK(negated.has_value() == decimal.has_value());
    if (decimal) BP_FUZZ_CHECK(*negated == -*decimal);
  }
}

void fuzz_format_seconds(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 8) return;
  std::uint64_t raw = 0;
  for (std::size_t i = 0; i < 8; ++i) raw = raw << 8 | bytes[i];
  const auto range = static_cast<std::uint64_t>(kMaxPlainSeconds.count()) + 1;
  const nanoseconds d{static_cast<std::int64_t>(raw % range)};
  const std::string text = format_seconds(d);
  BP_FUZZ_CHECK(parse_seconds(text) == d);
  BP_FUZZ_CHECK(parse_decimal_seconds(text) == d);
}

void fuzz_pattern(std::string_view text) {
  const auto pattern = parse_payload_pattern(text);
  if (!pattern) {
    const PatternError& error = pattern.error();
    if (error.kind == PatternError::Kind::kEmpty) {
      BP_FUZZ_CHECK(text.empty());
      return;
    }
    BP_FUZZ_CHECK(error.position < text.size() && !is_hex(text[error.position]));
    for (std::size_t i = 0; i < error.position; ++i) BP_FUZZ_CHECK(is_hex(text[i]));
    return;
  }
  for (char c : text) BP_FUZZ_CHECK(is_hex(c));
  const std::size_t expected = std::min<std::size_t>((text.size() + 1) / 2, PayloadPattern::kMaxBytes);
  BP_FUZZ_CHECK(pattern->size == expected);

  std::array<std::uint8_t, 100> payload{};
  fill_payload(std::span<std::uint8_t>(payload).first(text.size() % payload.size()), *pattern);
  BP_FUZZ_CHECK(!find_payload_mismatch(payload, payload));
  for (std::size_t i = 0; i < text.size() % payload.size(); ++i) {
    BP_FUZZ_CHECK(payload[i] == pattern->bytes[i % pattern->size]);
  }
}

}  // namespace
}  // namespace bp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  bp::fuzz_decimal_seconds(text);
  bp::fuzz_format_seconds(std::span<const std::uint8_t>(data, size));
  bp::fuzz_pattern(text);
  return 0;
}
