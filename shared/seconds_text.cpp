#include "shared/seconds_text.h"

#include <algorithm>
#include <cstdint>

#include "shared/decimal_seconds.h"

namespace bp {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
// 9223372036 s and more are refused, so that every accepted text, its 9 decimals included, fits
// in int64 nanoseconds.
constexpr std::chrono::nanoseconds kPlainLimit = std::chrono::seconds(9'223'372'036);

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string format_seconds(std::chrono::nanoseconds d) {
  const std::int64_t total = std::max<std::int64_t>(d.count(), 0);
  std::string text = std::to_string(total / kNanosPerSecond);
  std::int64_t nanos = total % kNanosPerSecond;
  if (nanos == 0) return text;
  std::string fraction(9, '0');
  for (std::size_t i = 9; i-- > 0; nanos /= 10) fraction[i] = static_cast<char>('0' + nanos % 10);
  while (fraction.back() == '0') fraction.pop_back();
  return text + "." + fraction;
}

std::optional<std::chrono::nanoseconds> parse_seconds(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (!all_digits(whole)) return std::nullopt;
  if (dot != std::string_view::npos && (!all_digits(fraction) || fraction.size() > 9)) return std::nullopt;
  // The plain form is a strict subset of the decimal one, exact in it; the decimal parser
  // saturates where this refuses.
  const std::optional<std::chrono::nanoseconds> value = parse_decimal_seconds(text);
  if (!value || *value >= kPlainLimit) return std::nullopt;
  return value;
}

}  // namespace bp
