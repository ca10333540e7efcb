#pragma once
// Command-line options of `ping` and `better_ping`: argv in, an Options value (or the text to
// print and the exit code to use) out. Pure: nothing is printed, nothing exits, no locale is
// consulted (numbers always use '.' as the decimal point).
//
// Letters and meanings follow iputils ping (20250605): -3 -4 -6 -c -D -f -h -I -i -l -n -O -p
// -q -Q -s -t -v -V -w -W, plus --help and --version. better_ping adds
// --watchdog-timeout SECONDS. Short flags combine (`-qc3`), a value may be attached (`-c3`) or
// follow (`-c 3`), options may come after the destination (GNU getopt permutation), `--` ends
// the options, long options may be abbreviated when unambiguous (`--vers`).
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

#include "ping/payload.h"
#include "shared/expected.h"

namespace bp {

enum class AddressFamily { kUnspecified, kIpv4, kIpv6 };

// Which program is parsing: better_ping accepts --watchdog-timeout, ping rejects it.
enum class CommandFlavor { kPing, kBetterPing };

// -I: iputils' rule. Text with ':' is an IPv6 source address, optionally "addr%device";
// a dotted IPv4 literal is an IPv4 source address; anything else is an interface (or VRF) name.
struct InterfaceOrSource {
  std::string text;                                        // as given
  std::string address;                                     // numeric source address, or empty
  AddressFamily address_family = AddressFamily::kUnspecified;  // of `address`
  std::string device;                                      // interface name, or empty
};

struct Options {
  AddressFamily family = AddressFamily::kUnspecified;       // -4 / -6 (or argv[0] "ping4"/"ping6")
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
  std::optional<PayloadPattern> pattern;                     // -p, 1..16 bytes; none = default fill
  std::optional<InterfaceOrSource> interface_or_source;      // -I
  bool quiet = false;                                        // -q
  bool numeric = false;                                      // -n (and implied by -f)
  bool print_timestamps = false;                             // -D
  bool report_outstanding = false;                           // -O
  bool flood = false;                                        // -f
  bool verbose = false;                                      // -v
  bool rtt_three_decimals = false;                           // -3
  std::string destination;                                   // the one operand
  std::chrono::nanoseconds watchdog_timeout = std::chrono::seconds{10};  // better_ping only
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
// argv[1..argc) as views (argv itself must outlive them).
std::vector<std::string_view> arguments_from_argv(int argc, const char* const* argv);

// iputils' limits for a user without privilege (iputils tests uid != 0; the caller decides):
// preload <= 3 and interval >= 2 ms (so -f needs -i 0.002 or more). Returns the error, exit 2.
std::optional<EarlyExit> check_unprivileged_limits(const Options& options,
                                                   std::string_view program);

// Largest payload for a family: 65507 for IPv4 (65535 - 20 - 8), 65527 for IPv6 (65535 - 8);
// kUnspecified gives the larger. The parser already applies the limit of -4/-6 or of a
// numeric destination; call this after resolving a name to catch an IPv4 result.
std::size_t max_payload_size(AddressFamily family);
std::optional<EarlyExit> check_payload_size(const Options& options, AddressFamily resolved,
                                            std::string_view program);

}  // namespace bp
