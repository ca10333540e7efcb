#pragma once
// The token at the start of each probe's payload with several targets: 8 bytes that only this
// run, this target and this round produce. A reply counts only when it echoes the token of a
// probe we sent, so another process's replies never count, even with the same identifier and
// sequence (two runs forced onto one identifier with -e, or two datagram sockets' identifiers
// colliding in a raw socket's view), and neither does a reply to an older probe whose sequence
// number has since been reused.
//
// It is no secret (anyone on the path sees it); it tells our probes from others', it does not
// authenticate. SplitMix64 (Steele, Lea and Flood, 2014) spreads (nonce, target, round) over
// all 64 bits, so neighbouring targets and rounds get unrelated tokens.

#include <cstddef>
#include <cstdint>
#include <span>

namespace bp {

inline constexpr std::size_t kProbeTokenBytes = 8;

constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

constexpr std::uint64_t probe_token(std::uint64_t nonce, std::size_t target, std::uint64_t round) {
  return splitmix64(nonce ^ splitmix64(static_cast<std::uint64_t>(target) ^ splitmix64(round)));
}

// The token's first min(8, out.size()) bytes, most significant first.
inline void write_probe_token(std::uint64_t token, std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < out.size() && i < kProbeTokenBytes; ++i) {
    out[i] = static_cast<std::uint8_t>(token >> (56 - 8 * i));
  }
}

// Whether `payload` starts with the first min(8, sent_size) bytes of `token`. A payload shorter
// than that cannot be told apart, and is not taken as ours.
inline bool has_probe_token(std::uint64_t token, std::span<const std::uint8_t> payload,
                            std::size_t sent_size) {
  const std::size_t n = sent_size < kProbeTokenBytes ? sent_size : kProbeTokenBytes;
  if (payload.size() < n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (payload[i] != static_cast<std::uint8_t>(token >> (56 - 8 * i))) return false;
  }
  return true;
}

}  // namespace bp
