#include "ping/output/report_format.h"

namespace bp::report_detail {
namespace {

// |value| in unsigned arithmetic, so that INT64_MIN has one too.
std::uint64_t magnitude(std::int64_t value) {
  return value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
}

}  // namespace

void append_decimal(std::string& out, std::uint64_t value, int width) {
  char digits[20];  // 2^64 - 1 has 20 digits
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0 && n < static_cast<int>(sizeof digits));
  for (int pad = width - n; pad > 0; --pad) out += '0';
  while (n > 0) out += digits[--n];
}

void append_signed_decimal(std::string& out, std::int64_t value, int width) {
  if (value < 0) out += '-';
  append_decimal(out, magnitude(value), width);
}

void append_microseconds_as_ms(std::string& out, std::int64_t microseconds) {
  // Negative values never come from a clock that only moves forward, but print them sanely
  // ("-0.005") rather than as C's "%ld.%03ld" would ("0.-05").
  const std::uint64_t whole = magnitude(microseconds);
  if (microseconds < 0) out += '-';
  append_decimal(out, whole / 1000);
  out += '.';
  append_decimal(out, whole % 1000, 3);
}

std::string microseconds_as_ms(std::int64_t microseconds) {
  std::string text;
  append_microseconds_as_ms(text, microseconds);
  return text;
}

}  // namespace bp::report_detail
