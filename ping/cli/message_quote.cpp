#include "ping/cli/message_quote.h"

#include <cstddef>

namespace bp {
namespace {

constexpr std::size_t kMaxQuotedBytes = 128;

std::string escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += c;
    } else if (c >= 0x20 && c <= 0x7E) {
      out += c;
    } else {
      append_hex_escape(out, c);
    }
  }
  return out;
}

}  // namespace

void append_hex_escape(std::string& out, char c) {
  constexpr std::string_view kHex = "0123456789abcdef";
  const auto byte = static_cast<unsigned char>(c);
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0x0F];
}

std::string quoted_for_message(std::string_view text) {
  const bool cut = text.size() > kMaxQuotedBytes;
  return "'" + escaped(text.substr(0, kMaxQuotedBytes)) + (cut ? "'..." : "'");
}

}  // namespace bp
