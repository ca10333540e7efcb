#include "ping/output/utf8_scan.h"

namespace bp {
namespace {

struct LeadRule {
  std::size_t continuation;  // 0: not a lead byte
  unsigned char second_low;
  unsigned char second_high;
};

LeadRule lead_rule(unsigned char lead) {
  if (lead >= 0xc2 && lead <= 0xdf) return {1, 0x80, 0xbf};
  if (lead == 0xe0) return {2, 0xa0, 0xbf};  // below a0: overlong
  if (lead == 0xed) return {2, 0x80, 0x9f};  // above 9f: a surrogate
  if (lead >= 0xe1 && lead <= 0xef) return {2, 0x80, 0xbf};
  if (lead == 0xf0) return {3, 0x90, 0xbf};  // below 90: overlong
  if (lead >= 0xf1 && lead <= 0xf3) return {3, 0x80, 0xbf};
  if (lead == 0xf4) return {3, 0x80, 0x8f};  // above 8f: over U+10FFFF
  return {0, 0, 0};  // continuation bytes, C0, C1, F5..FF
}

}  // namespace

Utf8Sequence scan_utf8(std::string_view bytes) {
  const LeadRule rule = lead_rule(static_cast<unsigned char>(bytes[0]));
  if (rule.continuation == 0) return {1, false};
  for (std::size_t k = 1; k <= rule.continuation; ++k) {
    if (k >= bytes.size()) return {k, false};  // truncated
    const auto byte = static_cast<unsigned char>(bytes[k]);
    const unsigned char low = k == 1 ? rule.second_low : 0x80;
    const unsigned char high = k == 1 ? rule.second_high : 0xbf;
    if (byte < low || byte > high) return {k, false};
  }
  return {rule.continuation + 1, true};
}

}  // namespace bp
