#pragma once
// Command-line options of `ping` and `better_ping`: argv in, an Options value (or the text to
// print and the exit code to use) out. Pure: nothing is printed, nothing exits, no locale is
// consulted (numbers always use '.' as the decimal point).
//
// Letters and meanings follow iputils ping (20221126, and -3 from 20240905): every letter of its
// getopt string but -j (HEAD's experimental JSON), plus --help and --version. Both programs add
// --targets FILE (the hosts to ping, read from FILE), --json, --stats and --summary-every SECONDS,
// and take several HOST operands; better_ping adds --watchdog-timeout SECONDS. Short flags
// combine (`-qc3`), a value may be attached (`-c3`) or follow (`-c 3`), options may come after
// the destinations (GNU getopt permutation), `--` ends the options, long options may be
// abbreviated when unambiguous (`--vers`; `--s` is ambiguous, as getopt_long says).
//
// Exit codes carried in EarlyExit: 2 for every error (iputils exits 1 for some bad numbers,
// e.g. `-c 0`; we use 2 throughout so that 1 keeps meaning "no reply"), 2 for -h, 0 for
// --help and -V/--version.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ping/cli/listen_address.h"
#include "ping/metrics/metric_names.h"
#include "ping/metrics/rtt_histogram.h"
#include "ping/packet/ip_address.h"
#include "ping/packet/payload.h"
#include "shared/expected.h"

namespace bp {

// --summary-every's range, in seconds: 0.1 to 3600.
inline constexpr std::chrono::nanoseconds kMinSummaryEvery = std::chrono::milliseconds{100};
inline constexpr std::chrono::nanoseconds kMaxSummaryEvery = std::chrono::seconds{3600};

// Which program is parsing: better_ping accepts --watchdog-timeout, ping rejects it.
enum class CommandFlavor { kPing, kBetterPing };

// -I: iputils' rule. Text with ':' is an IPv6 source address, optionally "addr%device";
// a dotted IPv4 literal is an IPv4 source address; anything else is an interface (or VRF) name.
struct InterfaceOrSource {
  std::string text;                                        // as given
  std::string address;                                     // numeric source address, or empty
  std::optional<Family> address_family;                    // of `address`
  std::string device;                                      // interface name, or empty
};

// -M: IP_MTU_DISCOVER / IPV6_MTU_DISCOVER (do sets DF and never fragments locally).
enum class PmtuDiscovery { kDo, kDont, kWant, kProbe };

// -T: the IPv4 timestamp option's flag (RFC 791): stamps only, stamp + address, or stamps from
// prespecified addresses (given as operands before the destination, at most 4).
enum class TimestampKind { kTsOnly, kTsAndAddr, kTsPrespec };

struct Options {
  std::optional<Family> family;                              // -4 / -6 (or argv[0] "ping4"/"ping6")
  std::optional<std::int64_t> count;                         // -c, 1..LONG_MAX; none = no limit
  std::chrono::nanoseconds interval = std::chrono::seconds{1};  // -i; 0 with -f unless -i given
  bool interval_given = false;                               // -i was on the command line
  std::chrono::nanoseconds linger = std::chrono::seconds{10};   // -W; 0 = wait forever (iputils)
  std::optional<std::chrono::nanoseconds> deadline;          // -w; -w 0 = none (iputils).
                                                             // Fractions accepted (iputils: integer)
  std::size_t payload_size = 56;                             // -s
  std::optional<std::uint8_t> ttl;                           // -t 0..255
  std::optional<std::uint8_t> tos;                           // -Q 0..255, decimal or 0x hex
  int preload = 1;                                           // -l 1..65536
  bool preload_given = false;                                // -l was on the command line
  std::optional<PayloadPattern> pattern;                     // -p, 1..16 bytes; none = default fill
  std::optional<InterfaceOrSource> interface_or_source;      // -I
  bool quiet = false;                                        // -q
  bool numeric = false;                                      // -n (and implied by -f)
  bool print_timestamps = false;                             // -D
  bool report_outstanding = false;                           // -O
  bool flood = false;                                        // -f
  bool verbose = false;                                      // -v
  bool rtt_three_decimals = false;                           // -3
  // The other iputils options (ping(8) of iputils 20221126 for each meaning).
  bool audible = false;                                      // -a: a bell per reply
  bool adaptive = false;                                     // -A: interval follows the RTT
  bool allow_broadcast = false;                              // -b: SO_BROADCAST
  bool sticky_source = false;                                // -B: bind to the first source
  bool connect_socket = false;                               // -C: connect() the socket
  bool socket_debug = false;                                 // -d: SO_DEBUG
  std::optional<std::uint16_t> identifier;                   // -e 0..65535 (raw sockets)
  std::optional<std::uint32_t> flow_label;                   // -F hex, 20 bits (IPv6)
  bool force_reverse_lookup = false;                         // -H: names even with -n
  bool no_multicast_loop = false;                            // -L: IP_MULTICAST_LOOP 0
  std::optional<std::uint32_t> mark;                         // -m: SO_MARK
  std::optional<PmtuDiscovery> pmtu;                         // -M do|dont|want|probe
  std::optional<std::string> node_info;                      // -N (IPv6 only; see README)
  bool dont_route = false;                                   // -r: SO_DONTROUTE
  bool record_route = false;                                 // -R: IPv4 record route option
  std::optional<int> send_buffer;                            // -S: SO_SNDBUF, 1..INT_MAX
  std::optional<TimestampKind> timestamp_option;             // -T (IPv4 option)
  bool user_latency = false;                                 // -U: user-space time stamps
  std::vector<std::string> prespecified;                     // -T tsprespec: the hops
  // The HOST operands that are targets, in command-line order: every operand, but with
  // -T tsprespec only the last (the others are its hops). Empty only when --targets is given.
  // Duplicates are kept: removing them (and resolving) is the caller's job.
  std::vector<std::string> destinations;
  std::string destination;                                   // destinations.back(), or empty
  std::optional<std::string> targets_file;                   // --targets FILE ("-": stdin),
                                                             // never empty; the last one given
  std::chrono::nanoseconds watchdog_timeout = std::chrono::seconds{10};  // better_ping only
  // Issue 13's outputs (both programs). Each is allowed with every other option, -f and
  // several targets included; given twice, the last one counts.
  // --json: standard output carries JSON Lines only, no iputils text (docs/JSON.md). With -q
  // the start, interval and summary lines stay and the per-probe lines go; -D, -a, -3, -v and
  // -n change nothing in it, and -f prints no flood marks.
  bool json = false;
  // --stats: each text summary gets lines after its rtt line: percentiles, jitter, standard
  // deviation, outages, reordered replies, TTL changes. No effect with --json (the JSON
  // summary always has them).
  bool stats = false;
  // --summary-every SECONDS, kMinSummaryEvery..kMaxSummaryEvery: a summary of each interval,
  // per target, counted over that interval only (not since the start): text on stderr in
  // fping's -Q shape, or an "interval" JSON line. None: no interval summaries.
  std::optional<std::chrono::nanoseconds> summary_every;
  // Issue 14's Prometheus exporter (ping only: better_ping does not know these options).
  // --metrics-listen ADDR:PORT serves /metrics there and runs until stopped (-c and -w still
  // end it when given); a non-loopback ADDR needs --metrics-allow-remote. The other three
  // need --metrics-listen.
  std::optional<ListenAddress> metrics_listen;
  bool metrics_allow_remote = false;
  MetricNames metrics_names = MetricNames::kBetterPing;  // --metrics-names better_ping|smokeping
  std::optional<RttBuckets> metrics_buckets;             // --metrics-buckets LIST; none: default
};

// The command line asks to stop before pinging: print stdout_text to stdout and stderr_text to
// stderr (either may be empty; each already ends with '\n'), then exit with exit_code.
// Errors are one line "<program>: <message>\n", followed by the usage text for getopt-style
// errors (unknown option, missing value), as iputils does.
struct EarlyExit {
  std::string stdout_text;
  std::string stderr_text;
  int exit_code = 2;
};

using ParseResult = Expected<Options, EarlyExit>;

// `program` is the name used as message prefix, e.g. program_name_from_argv0(argv[0]).
// `args` are the arguments after argv[0].
ParseResult parse_ping_command_line(std::string_view program,
                                    std::span<const std::string_view> args);
ParseResult parse_better_ping_command_line(std::string_view program,
                                           std::span<const std::string_view> args);
ParseResult parse_command_line(CommandFlavor flavor, std::string_view program,
                               std::span<const std::string_view> args);

// "/usr/bin/ping" -> "ping"; "" -> "ping".
std::string_view program_name_from_argv0(std::string_view argv0);
// The prefix of messages: argv[0] as invoked ("/usr/bin/ping"), as glibc's error() prints it for
// iputils; `fallback` when argv[0] is missing or empty.
std::string_view message_prefix_from_argv0(const char* argv0, std::string_view fallback);
// argv[1..argc) as views (argv itself must outlive them).
std::vector<std::string_view> arguments_from_argv(int argc, const char* const* argv);

// iputils' limits for a user without privilege (iputils tests uid != 0; the caller decides):
// preload <= 3, checked with the options; interval >= 2 ms (so -f needs -i 0.002 or more),
// which iputils 20221126 checks after printing its header ("cannot flood; minimal interval
// allowed for user is 2ms"). Each returns the error, exit 2.
std::optional<EarlyExit> check_unprivileged_limits(const Options& options,
                                                   std::string_view program);
std::optional<EarlyExit> check_unprivileged_interval(const Options& options,
                                                     std::string_view program);

// With several targets (more than one after duplicates are removed and names resolved) these
// options are refused: -f, -A, -l, -R, -T, -O, -C, -F, -N. Returns the first of them, in that
// order, that `options` holds, as "<program>: -f cannot be used with several targets\n" on
// stderr with exit code 2; nothing when none is given. The caller decides when there are
// several targets (with -T tsprespec the parser already took the extra operands as hops).
std::optional<EarlyExit> several_targets_conflict(const Options& options, std::string_view program);

// Largest payload for a family: 65507 for IPv4 (65535 - 20 - 8), 65527 for IPv6 (65535 - 8);
// no family gives the larger. The parser already applies the limit of -4/-6 or of a
// numeric destination; call this after resolving a name to catch an IPv4 result.
std::size_t max_payload_size(std::optional<Family> family);
std::optional<EarlyExit> check_payload_size(const Options& options, std::optional<Family> resolved,
                                            std::string_view program);

}  // namespace bp
