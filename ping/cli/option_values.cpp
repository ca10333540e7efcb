#include "ping/cli/option_values.h"

#include "ping/cli/listen_address.h"
#include "ping/cli/message_quote.h"

#include "shared/decimal_seconds.h"
#include "shared/seconds_text.h"
#include "shared/watchdog_command.h"

#include <arpa/inet.h>

#include <charconv>
#include <optional>
#include <system_error>

namespace bp {
namespace {

using std::chrono::nanoseconds;

constexpr nanoseconds kMaxTimer = std::chrono::milliseconds(2147483647);  // iputils: INT_MAX ms
constexpr nanoseconds kMaxDeadline = std::chrono::seconds(2147483647);      // iputils: INT_MAX s

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// strtol/strtod skip leading white space and accept one '+'; from_chars does neither.
std::string_view strip_leading_blanks_and_plus(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  if (text.size() >= 2 && text[0] == '+' && text[1] != '+' && text[1] != '-') {
    text.remove_prefix(1);
  }
  return text;
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// iputils reads seconds with strtod: leading blanks and one '+' are allowed in front of the
// shared decimal parser.
std::optional<nanoseconds> parse_option_seconds(std::string_view text) {
  const std::string_view number = strip_leading_blanks_and_plus(text);
  if (number.empty() || number.front() == '+') return std::nullopt;
  return parse_decimal_seconds(number);
}

// iputils' -i/-W rule (ping_strtod + range check): one message for every failure.
Expected<nanoseconds, std::string> parse_timer_seconds(std::string_view text,
                                                        std::string_view what) {
  const std::optional<nanoseconds> seconds = parse_option_seconds(text);
  if (!seconds || *seconds < nanoseconds::zero() || *seconds > kMaxTimer) {
    return Unexpected{std::string(what) + ": " + std::string(text)};
  }
  return *seconds;
}

}  // namespace

Expected<std::int64_t, std::string> parse_integer_option(std::string_view text, std::int64_t min,
                                                         std::int64_t max) {
  const std::string invalid = "invalid argument: " + quoted(text);
  const std::string_view digits = strip_leading_blanks_and_plus(text);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range) return Unexpected{invalid + ": Numerical result out of range"};
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
    return Unexpected{invalid};
  }
  if (value < min || value > max) {
    return Unexpected{invalid + ": out of range: " + std::to_string(min) +
                      " <= value <= " + std::to_string(max)};
  }
  return value;
}

Expected<nanoseconds, std::string> parse_interval_option(std::string_view text) {
  return parse_timer_seconds(text, "bad timing interval");
}

Expected<nanoseconds, std::string> parse_linger_option(std::string_view text) {
  return parse_timer_seconds(text, "bad linger time");
}

Expected<nanoseconds, std::string> parse_deadline_option(std::string_view text) {
  const std::string invalid = "invalid argument: " + quoted(text);
  const std::optional<nanoseconds> seconds = parse_option_seconds(text);
  if (!seconds) return Unexpected{invalid};
  if (*seconds < nanoseconds::zero() || *seconds > kMaxDeadline) {
    return Unexpected{invalid + ": out of range: 0 <= value <= 2147483647"};
  }
  return *seconds;
}

Expected<nanoseconds, std::string> parse_watchdog_timeout_option(std::string_view text) {
  const std::string bad = "bad watchdog timeout: " + std::string(text);
  const std::optional<nanoseconds> seconds = parse_option_seconds(text);
  if (!seconds) return Unexpected{bad};
  // A value so small that it rounds to 0 ns is as useless as 0.
  if (*seconds > kMaxWatchdogTimeout || *seconds <= nanoseconds::zero()) {
    return Unexpected{bad + ": out of range: 0 < value <= " + format_seconds(kMaxWatchdogTimeout)};
  }
  return *seconds;
}

Expected<nanoseconds, std::string> parse_summary_every_option(std::string_view text) {
  const std::string prefix = "--summary-every: ";
  const std::optional<nanoseconds> seconds = parse_option_seconds(text);
  if (!seconds) return Unexpected{prefix + quoted(text) + " is not a number of seconds"};
  if (*seconds < kMinSummaryEvery) {
    return Unexpected{prefix + std::string(text) + " is less than " +
                      format_seconds(kMinSummaryEvery) + " seconds"};
  }
  if (*seconds > kMaxSummaryEvery) {
    return Unexpected{prefix + std::string(text) + " is more than " +
                      format_seconds(kMaxSummaryEvery) + " seconds"};
  }
  return *seconds;
}

Expected<std::uint32_t, std::string> parse_flow_label_option(std::string_view text) {
  constexpr std::uint64_t kMaxFlowLabel = 0xFFFFF;  // 20 bits (RFC 8200)
  std::string_view digits = strip_leading_blanks_and_plus(text);
  int base = 10;
  if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
    base = 16;
  }
  std::uint64_t value = 0;  // strtoul reads nothing from "": iputils takes 0
  if (!digits.empty()) {
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (ec == std::errc::result_out_of_range) value = kMaxFlowLabel + 1;
    if ((ec != std::errc() && ec != std::errc::result_out_of_range) ||
        end != digits.data() + digits.size()) {
      return Unexpected{"bad value for flowinfo: " + std::string(text)};
    }
  }
  if (value > kMaxFlowLabel) return Unexpected{"flow value is greater than 20 bits: " + std::string(text)};
  return static_cast<std::uint32_t>(value);
}

Expected<PmtuDiscovery, std::string> parse_pmtu_option(std::string_view text) {
  if (text == "do") return PmtuDiscovery::kDo;
  if (text == "dont") return PmtuDiscovery::kDont;
  if (text == "want") return PmtuDiscovery::kWant;
  if (text == "probe") return PmtuDiscovery::kProbe;
  return Unexpected{"invalid -M argument: " + std::string(text)};
}

Expected<TimestampKind, std::string> parse_timestamp_option(std::string_view text) {
  if (text == "tsonly") return TimestampKind::kTsOnly;
  if (text == "tsandaddr") return TimestampKind::kTsAndAddr;
  if (text == "tsprespec") return TimestampKind::kTsPrespec;
  return Unexpected{"invalid timestamp type: " + std::string(text)};
}

NodeInfoRequest parse_node_info_option(std::string_view text) {
  static constexpr std::string_view kQueries[] = {
      "name", "ipv6", "ipv6-all", "ipv6-compatible", "ipv6-global", "ipv6-linklocal",
      "ipv6-sitelocal", "ipv4", "ipv4-all"};
  static constexpr std::string_view kSubjects[] = {"subject-ipv6=", "subject-ipv4=",
                                                   "subject-name=", "subject-fqdn="};
  if (text == "help") return NodeInfoRequest::kHelp;
  for (std::string_view query : kQueries) {
    if (text == query) return NodeInfoRequest::kQuery;
  }
  for (std::string_view subject : kSubjects) {
    if (text.starts_with(subject)) return NodeInfoRequest::kQuery;
  }
  return NodeInfoRequest::kInvalid;
}

std::string_view node_info_help_text() {
  return "ping -6 -N <nodeinfo opt>\n"
         "Help:\n  help\n"
         "Query:\n  name\n  ipv6\n  ipv6-all\n  ipv6-compatible\n  ipv6-global\n"
         "  ipv6-linklocal\n  ipv6-sitelocal\n  ipv4\n  ipv4-all\n"
         "Subject:\n  subject-ipv6=addr\n  subject-ipv4=addr\n  subject-name=name\n"
         "  subject-fqdn=name\n";
}

Expected<std::uint8_t, std::string> parse_tos_option(std::string_view text) {
  const std::string bad = "bad TOS value: " + std::string(text);
  const bool hex = text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const std::string_view digits = hex ? text.substr(2) : text;
  long value = 0;
  const auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
    return Unexpected{bad};
  }
  if (value < 0 || value > 255) {
    return Unexpected{"the decimal value of TOS bits must be in range 0-255: " +
                      std::to_string(value)};
  }
  return static_cast<std::uint8_t>(value);
}

Expected<PayloadPattern, std::string> parse_pattern_option(std::string_view text) {
  auto pattern = parse_payload_pattern(text);
  if (pattern) return *pattern;
  return Unexpected{"patterns must be specified as hex digits: " +
                    std::string(text.substr(pattern.error().position))};
}

std::optional<Family> literal_address_family(std::string_view text) {
  const std::string copy(text);  // inet_pton wants a terminated string
  unsigned char buffer[16];
  if (inet_pton(AF_INET, copy.c_str(), buffer) == 1) return Family::kIpv4;
  if (inet_pton(AF_INET6, copy.c_str(), buffer) == 1) return Family::kIpv6;
  return std::nullopt;
}

Expected<InterfaceOrSource, std::string> parse_interface_option(std::string_view text) {
  InterfaceOrSource result;
  result.text = std::string(text);
  if (text.find(':') != std::string_view::npos) {
    const std::size_t percent = text.find('%');
    const std::string_view address = text.substr(0, percent);
    if (literal_address_family(address) != Family::kIpv6) {
      return Unexpected{"invalid source address: " + std::string(text)};
    }
    result.address = std::string(address);
    result.address_family = Family::kIpv6;
    if (percent != std::string_view::npos) result.device = std::string(text.substr(percent + 1));
  } else if (literal_address_family(text) == Family::kIpv4) {
    result.address = std::string(text);
    result.address_family = Family::kIpv4;
  } else {
    result.device = std::string(text);
  }
  return result;
}

Expected<MetricNames, std::string> parse_metric_names_option(std::string_view text) {
  if (text == "better_ping") return MetricNames::kBetterPing;
  if (text == "smokeping") return MetricNames::kSmokeping;
  return Unexpected{"--metrics-names: " + quoted_for_message(text) + " is not better_ping or smokeping"};
}

std::optional<std::string> metrics_problem(const Options& o) {
  if (!o.metrics_listen) {
    if (o.metrics_allow_remote) return "--metrics-allow-remote needs --metrics-listen";
    if (o.metrics_names != MetricNames::kBetterPing) return "--metrics-names needs --metrics-listen";
    if (o.metrics_buckets) return "--metrics-buckets needs --metrics-listen";
    return std::nullopt;
  }
  if (!o.metrics_allow_remote && !is_loopback(o.metrics_listen->address)) {
    return "--metrics-listen " + listen_address_text(*o.metrics_listen) +
           " is not a loopback address: add --metrics-allow-remote to serve the metrics there";
  }
  if (o.linger == std::chrono::nanoseconds{0}) {
    return "-W 0 cannot be used with --metrics-listen: lost probes are counted after -W";
  }
  if (o.flood) return "-f cannot be used with --metrics-listen";
  return std::nullopt;
}

}  // namespace bp
