#include "shared/seconds_text.h"

#include <algorithm>
#include <cstdint>

namespace bp {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

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

}  // namespace bp
