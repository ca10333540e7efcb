#pragma once
// Parsers for the values of single options. Each returns the value or the error message
// without the program prefix, worded as iputils words it (iputils_common.c strtol_or_err,
// ping.c ping_strtod/parsetos/fill). Locale-independent: std::from_chars only.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ping/cli/options.h"
#include "ping/packet/payload.h"
#include "shared/expected.h"

namespace bp {

// A decimal integer in [min, max], like iputils' strtol_or_err():
//   "abc"  -> "invalid argument: 'abc'"
//   "0"    -> "invalid argument: '0': out of range: 1 <= value <= 9223372036854775807"
//   "99999999999999999999" -> "invalid argument: '99999999999999999999': Numerical result out of range"
// Leading blanks and one '+' are accepted, as strtol accepts them.
Expected<std::int64_t, std::string> parse_integer_option(std::string_view text, std::int64_t min,
                                                         std::int64_t max);

// Seconds are decimal numbers ("1", "0.2", "1e-3", leading blanks and '+' allowed, as strtod
// allows them), finite, rounded to the nearest nanosecond.

// -i and -W: 0 <= seconds <= INT_MAX / 1000 (iputils' bound, 2147483.647 s).
// Errors: "bad timing interval: TEXT" / "bad linger time: TEXT".
Expected<std::chrono::nanoseconds, std::string> parse_interval_option(std::string_view text);
Expected<std::chrono::nanoseconds, std::string> parse_linger_option(std::string_view text);

// -w: 0 <= seconds <= 2147483647, fractions accepted (iputils takes an integer only).
// Errors worded like strtol_or_err: "invalid argument: 'TEXT'[: out of range: 0 <= value <= 2147483647]".
Expected<std::chrono::nanoseconds, std::string> parse_deadline_option(std::string_view text);

// --watchdog-timeout: 0 < seconds <= 3600. Errors: "bad watchdog timeout: TEXT" and
// "bad watchdog timeout: TEXT: out of range: 0 < value <= 3600".
Expected<std::chrono::nanoseconds, std::string> parse_watchdog_timeout_option(std::string_view text);

// --summary-every: kMinSummaryEvery <= seconds <= kMaxSummaryEvery (0.1 to 3600). Errors name
// the option, as TEXT was given: "--summary-every: 'TEXT' is not a number of seconds",
// "--summary-every: TEXT is less than 0.1 seconds" (negative numbers included),
// "--summary-every: TEXT is more than 3600 seconds".
Expected<std::chrono::nanoseconds, std::string> parse_summary_every_option(std::string_view text);

// --metrics-names: "better_ping" or "smokeping". Error:
// "--metrics-names: 'TEXT' is not better_ping or smokeping".
Expected<MetricNames, std::string> parse_metric_names_option(std::string_view text);

// The exporter options' combinations (checked once the whole command line is read): the
// message of the first problem, or nothing. --metrics-allow-remote, --metrics-names and
// --metrics-buckets need --metrics-listen; its address must be loopback unless
// --metrics-allow-remote; -W 0 is refused with it (a silent target's probes must time out to
// be counted, and a reload waits for the probes in flight).
std::optional<std::string> metrics_problem(const Options& options);

// -Q: decimal or 0x-prefixed hex, 0..255. Errors: "bad TOS value: TEXT",
// "the decimal value of TOS bits must be in range 0-255: N".
Expected<std::uint8_t, std::string> parse_tos_option(std::string_view text);

// -p: hex digits read in pairs, at most 16 bytes (more digits are ignored, an odd last digit
// is a byte of its own), as iputils' sscanf("%2x"...). Error at the first non-hex character:
// "patterns must be specified as hex digits: REST".
Expected<PayloadPattern, std::string> parse_pattern_option(std::string_view text);

// -I, see InterfaceOrSource. Error for text with ':' that is no IPv6 address:
// "invalid source address: TEXT".
Expected<InterfaceOrSource, std::string> parse_interface_option(std::string_view text);

// -F: decimal, or hexadecimal after "0x" (iputils' parseflow: "12" is 12, "0x12" is 18), at
// most 20 bits. Errors: "bad value for flowinfo: TEXT", "flow value is greater than 20 bits: TEXT".
Expected<std::uint32_t, std::string> parse_flow_label_option(std::string_view text);

// -M: "do", "dont", "want" or "probe". Error: "invalid -M argument: TEXT".
Expected<PmtuDiscovery, std::string> parse_pmtu_option(std::string_view text);

// -T: "tsonly", "tsandaddr" or "tsprespec". Error: "invalid timestamp type: TEXT".
Expected<TimestampKind, std::string> parse_timestamp_option(std::string_view text);

// -N: iputils' node information keywords (RFC 4620 queries): "help", a query ("name", "ipv6",
// "ipv4-all", ...) or a subject ("subject-ipv6=ADDR", "subject-name=NAME", ...).
enum class NodeInfoRequest { kHelp, kQuery, kInvalid };
NodeInfoRequest parse_node_info_option(std::string_view text);
// The keyword list iputils prints for "-N help" (stdout) and a wrong keyword (stderr).
std::string_view node_info_help_text();

// Family of a numeric address literal (inet_pton rules), nothing for anything else.
std::optional<Family> literal_address_family(std::string_view text);

}  // namespace bp
