#pragma once
// Test helper: literal packet bytes written as hex, as tcpdump -x prints them
// ("4500 0054 c7ed ..."); spaces, newlines and colons are ignored.

#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace bp::test {

inline std::vector<std::uint8_t> hex(std::string_view text) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<std::uint8_t> out;
  int high = -1;
  for (char c : text) {
    const int v = nibble(c);
    if (v < 0) {
      if (c == ' ' || c == '\n' || c == ':' || c == '\t') continue;
      throw std::invalid_argument("bad hex character");
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("odd number of hex digits");
  return out;
}

}  // namespace bp::test
