#pragma once
// printf "%x": lowercase hex without padding, for the texts iputils prints ("wrong data byte
// #3 should be 0x3 but was 0xfc", "PATTERN: 0xab12", "unknown option 9a").

#include <string>
#include <string_view>

namespace bp {

inline std::string lowercase_hex(unsigned value) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string text;
  do {
    text.insert(text.begin(), kDigits[value % 16]);
    value /= 16;
  } while (value != 0);
  return text;
}

}  // namespace bp
