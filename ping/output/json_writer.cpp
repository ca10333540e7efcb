#include "ping/output/json_writer.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstddef>

#include "ping/output/utf8_scan.h"

namespace bp {
namespace {

constexpr std::uint64_t kMicrosPerSecond = 1'000'000;
constexpr std::uint32_t kNanosPerSecond = 1'000'000'000;

[[maybe_unused]] bool is_plain_key(std::string_view key) {
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
}

std::uint64_t magnitude(std::int64_t value) {
  return value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
}

void append_unsigned_digits(std::string& out, std::uint64_t value) {
  char digits[20];  // 2^64 - 1 has 20 digits
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

// `value` as exactly `width` digits, zero-padded (value < 10^width).
void append_padded(std::string& out, std::uint64_t value, std::size_t width) {
  char digits[20];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  const auto length = static_cast<std::size_t>(result.ptr - digits);
  if (length < width) out.append(width - length, '0');
  out.append(digits, result.ptr);
}

// "[-]whole.fraction" with a fraction of `width` digits; no sign for zero.
void append_decimal(std::string& out, bool negative, std::uint64_t whole, std::uint64_t fraction,
                    std::size_t width) {
  if (negative && (whole != 0 || fraction != 0)) out += '-';
  append_unsigned_digits(out, whole);
  out += '.';
  append_padded(out, fraction, width);
}

// The escapes JSON has a short form for; the other control characters become \u00XX.
void append_escaped_ascii(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
  }
  constexpr char kHex[] = "0123456789abcdef";
  const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
  out.append(escape, sizeof escape);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  // Bytes that need no change are copied in runs, not one by one.
  std::size_t run_start = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const Utf8Sequence sequence = scan_utf8(text.substr(i));
      if (sequence.well_formed) {
        i += sequence.length;
        continue;
      }
      out.append(text.data() + run_start, i - run_start);
      out += kUtf8Replacement;
      i += sequence.length;
    } else {
      out.append(text.data() + run_start, i - run_start);
      append_escaped_ascii(out, c);
      ++i;
    }
    run_start = i;
  }
  out.append(text.data() + run_start, text.size() - run_start);
  out += '"';
}

JsonLine::JsonLine(std::string& out) : out_(out) { out_ += '{'; }

void JsonLine::write_separator() {
  assert(depth_ > 0 && "JsonLine used after finish()");
  // Only a container's opening bracket is followed directly by a member or element: every
  // value ends in a quote, a digit, a letter or a closing bracket.
  const char last = out_.back();
  if (last != '{' && last != '[') out_ += ',';
}

void JsonLine::write_key(std::string_view key) {
  assert(is_plain_key(key) && "JSON keys are written raw: plain ASCII constants only");
  write_separator();
  out_ += '"';
  out_ += key;
  out_ += "\":";
}

void JsonLine::append_string(std::string_view text) { append_json_string(out_, text); }

void JsonLine::append_signed(std::int64_t number) {
  char digits[20];  // "-9223372036854775808" has 20 characters
  const auto result = std::to_chars(digits, digits + sizeof digits, number);
  out_.append(digits, result.ptr);
}

void JsonLine::append_unsigned(std::uint64_t number) { append_unsigned_digits(out_, number); }

JsonLine& JsonLine::field(std::string_view key, std::string_view text) {
  write_key(key);
  append_string(text);
  return *this;
}

JsonLine& JsonLine::raw_members(std::string_view members) {
  write_separator();
  out_ += members;
  return *this;
}

std::string members_text(std::initializer_list<std::pair<std::string_view, std::string_view>> members) {
  std::string out;
  for (const auto& [key, text] : members) {
    if (!out.empty()) out += ',';
    out += '"';
    out += key;
    out += "\":";
    append_json_string(out, text);
  }
  return out;
}

JsonLine& JsonLine::field(std::string_view key, const char* text) {
  if (text == nullptr) return null_field(key);
  return field(key, std::string_view(text));
}

JsonLine& JsonLine::field(std::string_view key, bool flag) {
  write_key(key);
  out_ += flag ? "true" : "false";
  return *this;
}

JsonLine& JsonLine::null_field(std::string_view key) {
  write_key(key);
  out_ += "null";
  return *this;
}

JsonLine& JsonLine::fixed(std::string_view key, double number, int decimals) {
  if (!std::isfinite(number)) return null_field(key);
  write_key(key);
  // The largest double has 309 integer digits; with a sign, a point and 17 decimals that fits.
  char text[400];
  const auto result = std::to_chars(text, text + sizeof text, number, std::chars_format::fixed,
                                    std::clamp(decimals, 0, 17));
  char* start = text;
  // -0, and negatives that round to zero, would read "-0.00": write them as 0.
  const auto zero_digit = [](char c) { return c == '0' || c == '.'; };
  if (*start == '-' && std::all_of(start + 1, result.ptr, zero_digit)) ++start;
  out_.append(start, result.ptr);
  return *this;
}

JsonLine& JsonLine::fixed(std::string_view key, std::optional<double> number, int decimals) {
  return number ? fixed(key, *number, decimals) : null_field(key);
}

JsonLine& JsonLine::millis(std::string_view key, std::optional<Duration> duration) {
  if (!duration) return null_field(key);
  write_key(key);
  const std::int64_t ns = duration->count();
  const std::uint64_t abs_ns = magnitude(ns);
  // Rounded in unsigned arithmetic: |INT64_MIN| + 500 still fits.
  const std::uint64_t us = (abs_ns + 500) / 1000;
  append_decimal(out_, ns < 0, us / 1000, us % 1000, 3);
  return *this;
}

JsonLine& JsonLine::unix_seconds(std::string_view key, std::chrono::system_clock::time_point time) {
  write_key(key);
  const std::int64_t us = std::chrono::floor<std::chrono::microseconds>(time.time_since_epoch()).count();
  const std::uint64_t abs_us = magnitude(us);
  append_decimal(out_, us < 0, abs_us / kMicrosPerSecond, abs_us % kMicrosPerSecond, 6);
  return *this;
}

JsonLine& JsonLine::unix_seconds(std::string_view key, std::int64_t seconds,
                                 std::uint32_t nanoseconds) {
  write_key(key);
  // seconds + carry cannot overflow: the carry (at most 4) is added to a negative number or
  // in unsigned arithmetic.
  const std::uint32_t carry = nanoseconds / kNanosPerSecond;
  const std::uint64_t micros = (nanoseconds % kNanosPerSecond) / 1000;
  if (seconds >= 0) {
    append_decimal(out_, false, static_cast<std::uint64_t>(seconds) + carry, micros, 6);
  } else if (const std::int64_t whole = seconds + carry; whole >= 0) {
    append_decimal(out_, false, static_cast<std::uint64_t>(whole), micros, 6);
  } else if (micros == 0) {
    append_decimal(out_, true, magnitude(whole), 0, 6);
  } else {
    // whole + micros/10^6 is negative: -(|whole| - 1) - (10^6 - micros)/10^6.
    append_decimal(out_, true, magnitude(whole) - 1, kMicrosPerSecond - micros, 6);
  }
  return *this;
}

JsonLine& JsonLine::begin_object(std::string_view key) {
  write_key(key);
  out_ += '{';
  ++depth_;
  return *this;
}

JsonLine& JsonLine::begin_array(std::string_view key) {
  write_key(key);
  out_ += '[';
  ++depth_;
  return *this;
}

JsonLine& JsonLine::begin_object() {
  write_separator();
  out_ += '{';
  ++depth_;
  return *this;
}

JsonLine& JsonLine::value(std::string_view text) {
  write_separator();
  append_string(text);
  return *this;
}

JsonLine& JsonLine::value(const char* text) {
  if (text == nullptr) return null_value();
  return value(std::string_view(text));
}

JsonLine& JsonLine::value(bool flag) {
  write_separator();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonLine& JsonLine::null_value() {
  write_separator();
  out_ += "null";
  return *this;
}

JsonLine& JsonLine::end_object() {
  assert(depth_ > 1 && "end_object() without begin_object()");
  out_ += '}';
  --depth_;
  return *this;
}

JsonLine& JsonLine::end_array() {
  assert(depth_ > 1 && "end_array() without begin_array()");
  out_ += ']';
  --depth_;
  return *this;
}

void JsonLine::finish() {
  assert(depth_ == 1 && "finish() with an object or array still open");
  out_ += "}\n";
  depth_ = 0;
}

}  // namespace bp
