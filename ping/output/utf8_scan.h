#pragma once
// UTF-8 well-formedness, for the writers whose output must be valid UTF-8 whatever a target's
// name holds (JSON Lines, the Prometheus exposition): each ill-formed part becomes one U+FFFD.
// Pure.

#include <cstddef>
#include <string_view>

namespace bp {

inline constexpr std::string_view kUtf8Replacement = "\xef\xbf\xbd";  // U+FFFD

// How many bytes at the start of `bytes` (non-empty, a byte >= 0x80 first) form one well-formed
// UTF-8 sequence, or, when they do not, the length of the maximal ill-formed subpart that one
// U+FFFD replaces ("U+FFFD substitution of maximal subparts", Unicode 15 section 3.9).
// Well-formed sequences per Unicode 15 table 3-7: the second byte's range depends on the lead
// byte, which rules out overlongs, surrogates and code points above U+10FFFF.
struct Utf8Sequence {
  std::size_t length;
  bool well_formed;
};
Utf8Sequence scan_utf8(std::string_view bytes);

}  // namespace bp
