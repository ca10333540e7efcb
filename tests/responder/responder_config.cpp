#include "tests/responder/responder_config.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <utility>

#include "shared/decimal_seconds.h"

namespace bp::responder {
namespace {

constexpr std::array<std::pair<Scenario, std::string_view>, 16> kNames{{
    {Scenario::kNormal, "normal"},
    {Scenario::kDrop, "drop"},
    {Scenario::kDuplicate, "duplicate"},
    {Scenario::kReorder, "reorder"},
    {Scenario::kBadChecksum, "bad-checksum"},
    {Scenario::kCorruptByte, "corrupt-byte"},
    {Scenario::kChangeIdentifier, "change-id"},
    {Scenario::kChangeSequence, "change-seq"},
    {Scenario::kStampPast, "stamp-past"},
    {Scenario::kStampFuture, "stamp-future"},
    {Scenario::kStampZero, "stamp-zero"},
    {Scenario::kGarbage, "garbage"},
    {Scenario::kTruncate, "truncate"},
    {Scenario::kUnreachable, "unreachable"},
    {Scenario::kTimeExceeded, "time-exceeded"},
    {Scenario::kOtherSource, "other-source"},
}};

std::optional<std::uint64_t> parse_count(std::string_view text, std::uint64_t max) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

// Seconds with an optional fraction ("1", "0.5"), more than 0, at most a day.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  const auto value = parse_decimal_seconds(text);
  if (!value || *value <= std::chrono::nanoseconds::zero() || *value > std::chrono::hours(24)) {
    return std::nullopt;
  }
  return value;
}

std::optional<IpAddress> parse_address(std::string_view text, Family family) {
  const std::string s(text);
  if (family == Family::kIpv4) {
    std::array<std::uint8_t, 4> octets{};
    if (inet_pton(AF_INET, s.c_str(), octets.data()) != 1) return std::nullopt;
    return IpAddress::v4(octets);
  }
  std::array<std::uint8_t, 16> octets{};
  if (inet_pton(AF_INET6, s.c_str(), octets.data()) != 1) return std::nullopt;
  return IpAddress::v6(octets);
}

std::string bad_value(std::string_view option, std::string_view value) {
  return "invalid value for " + std::string(option) + ": '" + std::string(value) + "'";
}

}  // namespace

std::string_view scenario_name(Scenario scenario) {
  for (const auto& [s, name] : kNames) {
    if (s == scenario) return name;
  }
  return "?";
}

std::optional<Scenario> scenario_from_name(std::string_view name) {
  for (const auto& [s, n] : kNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

Expected<ResponderConfig, std::string> parse_responder_args(
    std::span<const std::string_view> args) {
  ResponderConfig config;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view option = args[i];
    if (i + 1 >= args.size()) {
      return Unexpected{
          std::string(option.starts_with("--") ? "missing value for " : "unknown argument ") +
          std::string(option)};
    }
    const std::string_view value = args[++i];
    bool ok = true;
    if (option == "--scenario") {
      const auto s = scenario_from_name(value);
      ok = s.has_value();
      if (ok) config.scenario = *s;
    } else if (option == "--every") {
      const auto n = parse_count(value, 1'000'000);
      ok = n && *n >= 1;
      if (ok) config.every = static_cast<std::uint32_t>(*n);
    } else if (option == "--delay-ms") {
      const auto n = parse_count(value, 60'000);
      ok = n.has_value();
      if (ok) config.delay = std::chrono::milliseconds(*n);
    } else if (option == "--delay-spread-ms") {
      const auto n = parse_count(value, 60'000);
      ok = n.has_value();
      if (ok) config.delay_spread = std::chrono::milliseconds(*n);
    } else if (option == "--hold-ms") {
      const auto n = parse_count(value, 60'000);
      ok = n.has_value();
      if (ok) config.hold_limit = std::chrono::milliseconds(*n);
    } else if (option == "--noise") {
      const auto n = parse_count(value, 100);
      ok = n.has_value();
      if (ok) config.noise_per_request = static_cast<std::size_t>(*n);
    } else if (option == "--noise-limit") {
      const auto n = parse_count(value, 100'000);
      ok = n.has_value();
      if (ok) config.noise_limit = static_cast<std::size_t>(*n);
    } else if (option == "--byte") {
      const auto n = parse_count(value, 65535);
      ok = n.has_value();
      if (ok) config.reply.corrupt_byte = static_cast<std::size_t>(*n);
    } else if (option == "--truncate") {
      const auto n = parse_count(value, 65535);
      ok = n && *n >= 8;
      if (ok) config.reply.truncate_to = static_cast<std::size_t>(*n);
    } else if (option == "--alt-source4") {
      config.reply.alt_source4 = parse_address(value, Family::kIpv4);
      ok = config.reply.alt_source4.has_value();
    } else if (option == "--alt-source6") {
      config.reply.alt_source6 = parse_address(value, Family::kIpv6);
      ok = config.reply.alt_source6.has_value();
    } else if (option == "--max-packets") {
      const auto n = parse_count(value, 1'000'000);
      ok = n && *n >= 1;
      if (ok) config.max_packets = *n;
    } else if (option == "--duration") {
      const auto d = parse_duration(value);
      ok = d.has_value();
      if (ok) config.duration = *d;
    } else {
      return Unexpected{"unknown option " + std::string(option)};
    }
    if (!ok) return Unexpected{bad_value(option, value)};
  }
  if (config.scenario == Scenario::kOtherSource && !config.reply.alt_source4 &&
      !config.reply.alt_source6) {
    return Unexpected{
        std::string("scenario other-source needs --alt-source4 and/or --alt-source6")};
  }
  return config;
}

std::string responder_usage() {
  std::string text =
      "usage: responder [--scenario NAME] [--every N] [--delay-ms N] [--delay-spread-ms N]\n"
      "                 [--noise N] [--noise-limit N] [--byte N] [--truncate N] [--hold-ms N]\n"
      "                 [--alt-source4 ADDR] [--alt-source6 ADDR]\n"
      "                 [--max-packets N] [--duration SECONDS]\n"
      "Answers ICMP and ICMPv6 echo requests in this network namespace (run it with the\n"
      "kernel's echo replies off) the way the scenario says. --delay-spread-ms N adds to\n"
      "each reply an extra delay in [0, N) ms, fixed by its identifier and sequence number.\n"
      "Scenarios:";
  for (const auto& [s, name] : kNames) text += " " + std::string(name);
  return text + "\n";
}

}  // namespace bp::responder
