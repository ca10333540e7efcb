// libFuzzer target: the JSON Lines writer (ping/output/json_writer.h).
//
// Input: byte 0 picks the decimals of fixed() (-1..18, so the clamping is reached) and how many
// whole seconds the timespec form carries in its nanoseconds (0..3); the rest is split at each
// 0x00 byte into pieces (at most 16). Each piece is a name (any bytes) and, through its first and
// last 8 bytes read big-endian, two 64-bit numbers. One line per piece is written with every
// kind of member and element, strings nested in objects and arrays.
//
// Invariants: each line is strict JSON (tests/fuzz/json_check.h) and ends in its only newline;
// a name that is well-formed UTF-8 decodes back to itself, any other decodes to well-formed
// UTF-8 holding U+FFFD; integers read back exactly; fixed() is finite or null, within half a
// unit of its last decimal, and never "-0"; millis() has 3 decimals and is within half a
// microsecond of the duration; both unix_seconds() forms give the same text, with 6 decimals.

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ping/output/json_writer.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/json_check.h"

namespace bp {
namespace {

using json_check::Value;

constexpr std::size_t kMaxPieces = 16;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::string_view kReplacement = "\xef\xbf\xbd";

struct Settings {
  int decimals;
  std::uint32_t carried_seconds;
};

struct Piece {
  std::string_view name;
  std::uint64_t first;  // the first 8 bytes, big-endian, zero-padded
  std::uint64_t last;   // the last 8 bytes
};

std::uint64_t big_endian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    value = value << 8 | (i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0u);
  }
  return value;
}

Piece piece_of(std::string_view name) {
  const std::string_view tail = name.size() > 8 ? name.substr(name.size() - 8) : name;
  return {name, big_endian(name), big_endian(tail)};
}

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> pieces;
  while (pieces.size() < kMaxPieces) {
    const std::size_t end = text.find('\0');
    pieces.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return pieces;
}

const Value& member(const Value& object, std::string_view key) {
  const Value* value = object.find(key);
  BP_FUZZ_CHECK(value != nullptr);
  return *value;
}

std::string integer_text(std::uint64_t value) {
  char digits[24];
  return std::string(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

std::string integer_text(std::int64_t value) {
  char digits[24];
  return std::string(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

void write_line(std::string& out, const Piece& piece, const Settings& settings) {
  const auto number = static_cast<std::int64_t>(piece.first);
  const auto other = static_cast<std::int64_t>(piece.last);
  const bool flag = (piece.first & 1) != 0;

  // The same instant as a time_point and as (seconds, nanoseconds), the nanoseconds carrying
  // some whole seconds when the seconds can give them up.
  std::int64_t seconds = other / kNanosPerSecond;
  std::int64_t nanos = other % kNanosPerSecond;
  if (nanos < 0) {
    seconds -= 1;
    nanos += kNanosPerSecond;
  }
  std::uint32_t nanoseconds = static_cast<std::uint32_t>(nanos);
  const auto carried = static_cast<std::int64_t>(settings.carried_seconds);
  if (seconds >= std::numeric_limits<std::int64_t>::min() + carried) {
    seconds -= carried;
    nanoseconds += settings.carried_seconds * static_cast<std::uint32_t>(kNanosPerSecond);
  }
  const std::chrono::system_clock::time_point time{std::chrono::nanoseconds(other)};

  JsonLine(out)
      .field("type", "fuzz")
      .field("name", piece.name)
      .field("i64", number)
      .field("u64", piece.first)
      .field("u8", static_cast<std::uint8_t>(piece.first))
      .field("flag", flag)
      .null_field("none")
      .field("maybe", flag ? std::optional<int>(-7) : std::nullopt)
      .fixed("fixed", std::bit_cast<double>(piece.last), settings.decimals)
      .millis("ms", Duration(number))
      .millis("no_ms", std::nullopt)
      .unix_seconds("time", time)
      .unix_seconds("timespec", seconds, nanoseconds)
      .begin_object("nested")
      .field("name", piece.name)
      .begin_array("list")
      .value(piece.name)
      .value(number)
      .null_value()
      .value(flag)
      .begin_object()
      .field("u64", piece.first)
      .end_object()
      .end_array()
      .begin_array("empty")
      .end_array()
      .end_object()
      .finish();
}

void check_name(const Value& value, std::string_view name) {
  BP_FUZZ_CHECK(value.kind == Value::Kind::kString);
  BP_FUZZ_CHECK(json_check::is_valid_utf8(value.text));
  if (json_check::is_valid_utf8(name)) {
    BP_FUZZ_CHECK(value.text == name);
  } else {
    BP_FUZZ_CHECK(value.text.find(kReplacement) != std::string::npos);
    // One U+FFFD (3 bytes) replaces at least one byte.
    BP_FUZZ_CHECK(value.text.size() <= 3 * name.size());
  }
}

// A number's text with exactly `decimals` digits after its point; the digits, sign dropped.
std::optional<std::uint64_t> scaled_digits(const std::string& text, std::size_t decimals) {
  const std::size_t point = text.find('.');
  if (point == std::string::npos || text.size() - point - 1 != decimals) return std::nullopt;
  std::string digits = text.substr(text[0] == '-' ? 1 : 0);
  digits.erase(digits.find('.'), 1);
  std::uint64_t value = 0;
  const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (result.ec != std::errc() || result.ptr != digits.data() + digits.size()) return std::nullopt;
  return value;
}

void check_fixed(const Value& value, double number, int decimals) {
  if (!std::isfinite(number)) {
    BP_FUZZ_CHECK(value.kind == Value::Kind::kNull);
    return;
  }
  BP_FUZZ_CHECK(value.kind == Value::Kind::kNumber);
  const int places = std::clamp(decimals, 0, 17);
  const std::size_t point = value.text.find('.');
  if (places == 0) {
    BP_FUZZ_CHECK(point == std::string::npos);
  } else {
    BP_FUZZ_CHECK(point != std::string::npos);
    BP_FUZZ_CHECK(value.text.size() - point - 1 == static_cast<std::size_t>(places));
  }
  double back = 0;
  const auto result = std::from_chars(value.text.data(), value.text.data() + value.text.size(), back);
  BP_FUZZ_CHECK(result.ec == std::errc());
  if (back == 0) BP_FUZZ_CHECK(value.text[0] != '-');
  const double half_unit = 0.5 * std::pow(10.0, -places);
  const double slack = std::abs(number) * 1e-15;
  BP_FUZZ_CHECK(std::abs(back - number) <= half_unit + slack);
}

void check_millis(const Value& value, Duration duration) {
  BP_FUZZ_CHECK(value.kind == Value::Kind::kNumber);
  const std::optional<std::uint64_t> micros = scaled_digits(value.text, 3);
  BP_FUZZ_CHECK(micros.has_value());
  const std::int64_t ns = duration.count();
  const std::uint64_t abs_ns =
      ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  // Within half a microsecond: |micros * 1000 - |ns|| <= 500, in unsigned arithmetic.
  const std::uint64_t low = abs_ns >= 500 ? abs_ns - 500 : 0;
  BP_FUZZ_CHECK(*micros >= (low + 999) / 1000 && *micros <= (abs_ns + 500) / 1000);
  BP_FUZZ_CHECK((value.text[0] == '-') == (ns < 0 && *micros != 0));
}

void check_line(std::string_view line, const Piece& piece, const Settings& settings) {
  BP_FUZZ_CHECK(!line.empty() && line.back() == '\n');
  BP_FUZZ_CHECK(line.find('\n') == line.size() - 1);
  std::string error;
  const std::optional<Value> parsed = json_check::parse(line.substr(0, line.size() - 1), &error);
  if (!parsed) std::fprintf(stderr, "not JSON (%s): %.*s", error.c_str(), static_cast<int>(line.size()), line.data());
  BP_FUZZ_CHECK(parsed.has_value());
  const Value& object = *parsed;
  BP_FUZZ_CHECK(object.kind == Value::Kind::kObject);

  check_name(member(object, "name"), piece.name);
  BP_FUZZ_CHECK(member(object, "i64").text == integer_text(static_cast<std::int64_t>(piece.first)));
  BP_FUZZ_CHECK(member(object, "u64").text == integer_text(piece.first));
  BP_FUZZ_CHECK(member(object, "u8").text == integer_text(std::uint64_t{piece.first & 0xff}));
  BP_FUZZ_CHECK(member(object, "flag").boolean == ((piece.first & 1) != 0));
  BP_FUZZ_CHECK(member(object, "none").kind == Value::Kind::kNull);
  check_fixed(member(object, "fixed"), std::bit_cast<double>(piece.last), settings.decimals);
  check_millis(member(object, "ms"), Duration(static_cast<std::int64_t>(piece.first)));
  BP_FUZZ_CHECK(member(object, "no_ms").kind == Value::Kind::kNull);

  const Value& time = member(object, "time");
  BP_FUZZ_CHECK(time.kind == Value::Kind::kNumber);
  BP_FUZZ_CHECK(scaled_digits(time.text, 6).has_value());
  BP_FUZZ_CHECK(member(object, "timespec").text == time.text);

  const Value& nested = member(object, "nested");
  BP_FUZZ_CHECK(member(nested, "name").text == member(object, "name").text);
  const Value& list = member(nested, "list");
  BP_FUZZ_CHECK(list.kind == Value::Kind::kArray && list.elements.size() == 5);
  BP_FUZZ_CHECK(list.elements[0].text == member(object, "name").text);
  BP_FUZZ_CHECK(list.elements[1].text == member(object, "i64").text);
  BP_FUZZ_CHECK(list.elements[2].kind == Value::Kind::kNull);
  BP_FUZZ_CHECK(list.elements[3].kind == Value::Kind::kBool);
  BP_FUZZ_CHECK(member(list.elements[4], "u64").text == member(object, "u64").text);
  BP_FUZZ_CHECK(member(nested, "empty").elements.empty());
}

}  // namespace
}  // namespace bp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bp::Settings settings{static_cast<int>(data[0] % 20) - 1,
                              static_cast<std::uint32_t>(data[0] / 20 % 4)};
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::vector<bp::Piece> pieces;
  for (std::string_view name : bp::split(text)) pieces.push_back(bp::piece_of(name));
  std::string out;
  std::vector<std::size_t> starts;
  for (const bp::Piece& piece : pieces) {
    starts.push_back(out.size());
    bp::write_line(out, piece, settings);
  }
  starts.push_back(out.size());
  BP_FUZZ_CHECK(static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n')) == pieces.size());
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const std::string_view line = std::string_view(out).substr(starts[i], starts[i + 1] - starts[i]);
    bp::check_line(line, pieces[i], settings);
  }
  return 0;
}
