#include "ping/usage.h"

#ifndef BP_VERSION
#define BP_VERSION "unknown"
#endif

namespace bp {
namespace {

constexpr std::string_view kOptions =
    "\nOptions:\n"
    "  <destination>      host name or IP address to ping\n"
    "  -3                 print round-trip times with 3 decimals, without rounding\n"
    "  -4                 use IPv4 only\n"
    "  -6                 use IPv6 only\n"
    "  -c <count>         stop after sending <count> requests\n"
    "                     (with -w: after <count> replies)\n"
    "  -D                 print a timestamp (seconds since 1970) before each line\n"
    "  -f                 flood: send as fast as replies come back, at least 100 per second\n"
    "  -h, --help         print this help and exit\n"
    "  -I <interface>     send from this interface name or source address\n"
    "  -i <interval>      seconds between requests (default 1, fractions allowed)\n"
    "  -l <preload>       send <preload> requests at once before waiting for replies\n"
    "  -n                 numeric output only, no reverse name lookups\n"
    "  -O                 report a request that has no answer when the next one is sent\n"
    "  -p <pattern>       fill the payload with up to 16 bytes given in hex\n"
    "  -q                 quiet: print only the first line and the summary\n"
    "  -Q <tos>           type of service / traffic class, 0-255 (decimal or 0x hex)\n"
    "  -s <size>          number of payload bytes to send (default 56)\n"
    "  -t <ttl>           time to live / hop limit of the requests\n"
    "  -v                 verbose output\n"
    "  -V, --version      print the version and exit\n"
    "  -w <deadline>      stop after <deadline> seconds (fractions allowed)\n"
    "  -W <timeout>       seconds to wait for replies after the last request (default 10)\n";

constexpr std::string_view kWatchdogOption =
    "  --watchdog-timeout <seconds>\n"
    "                     stop when no reply came for this long (default 10, fractions\n"
    "                     allowed, at most 3600; longer than the interval)\n";

constexpr std::string_view kExitStatus =
    "\nExit status:\n"
    "  0    at least one reply was received\n"
    "  1    no reply was received (with -c and -w: fewer than <count> replies in time)\n"
    "  2    any other error (bad option, unknown host, missing privilege, ...)\n";

constexpr std::string_view kWatchdogExitStatus =
    "  124  stopped by the watchdog after the silence timeout\n"
    "  125  the watchdog failed or vanished\n";

}  // namespace

std::string usage_text(CommandFlavor flavor, std::string_view program) {
  std::string text = "\nUsage\n  ";
  text += program;
  text += " [options] <destination>\n";
  text += kOptions;
  if (flavor == CommandFlavor::kBetterPing) text += kWatchdogOption;
  text += kExitStatus;
  if (flavor == CommandFlavor::kBetterPing) text += kWatchdogExitStatus;
  return text;
}

std::string version_text(std::string_view program) {
  return std::string(program) + " (better_ping) " BP_VERSION "\n";
}

}  // namespace bp
