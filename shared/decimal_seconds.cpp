#include "shared/decimal_seconds.h"

#include <cstdint>
#include <limits>

namespace bp {
namespace {

__extension__ using U128 = unsigned __int128;

constexpr int kMaxDigits = 36;  // significant digits kept: far more than int64 needs

bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct Decimal {
  U128 mantissa = 0;
  int exponent = 0;  // value = mantissa * 10^exponent
  bool negative = false;
};

// Reads digits into the mantissa; digits beyond kMaxDigits only move the exponent.
std::size_t read_digits(std::string_view text, std::size_t i, Decimal& d, int& kept,
                        bool fraction) {
  const std::size_t start = i;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    if (kept < kMaxDigits) {
      d.mantissa = d.mantissa * 10 + static_cast<unsigned>(text[i] - '0');
      if (d.mantissa != 0) ++kept;
      if (fraction) --d.exponent;
    } else if (!fraction) {
      ++d.exponent;
    }
  }
  return i - start;
}

std::optional<Decimal> parse(std::string_view text) {
  Decimal d;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) d.negative = text[i++] == '-';
  int kept = 0;
  std::size_t digits = read_digits(text, i, d, kept, false);
  i += digits;
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction = read_digits(text, i + 1, d, kept, true);
    digits += fraction;
    i += 1 + fraction;
  }
  if (digits == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative_exponent = text[i++] == '-';
    if (i == text.size()) return std::nullopt;
    int exponent = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
      if (exponent < 100000) exponent = exponent * 10 + (text[i] - '0');
    }
    d.exponent += negative_exponent ? -exponent : exponent;
  }
  if (i != text.size()) return std::nullopt;
  return d;
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_decimal_seconds(std::string_view text) {
  const auto d = parse(text);
  if (!d) return std::nullopt;
  constexpr auto kMax = static_cast<U128>(std::numeric_limits<std::int64_t>::max());
  U128 ns = d->mantissa;
  int exponent = d->exponent + 9;  // seconds -> nanoseconds
  for (; exponent > 0 && ns != 0; --exponent) {
    if (ns > kMax) break;
    ns *= 10;
  }
  if (exponent > 0 && ns != 0) ns = kMax + 1;  // saturate
  if (exponent < 0) {
    U128 divisor = 1;
    for (; exponent < 0 && divisor <= ns; ++exponent) divisor *= 10;
    ns = exponent < 0 ? 0 : (ns + divisor / 2) / divisor;  // nearest, halves away from zero
  }
  const auto value = static_cast<std::int64_t>(ns > kMax ? kMax : ns);
  return std::chrono::nanoseconds(d->negative ? -value : value);
}

}  // namespace bp
