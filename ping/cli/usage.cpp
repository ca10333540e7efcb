#include "ping/cli/usage.h"

#include <chrono>

#include "shared/watchdog_command.h"

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
    "  -a                 audible: ring the terminal bell on each reply\n"
    "  -A                 adaptive: the interval follows the round-trip time\n"
    "  -b                 allow pinging a broadcast address\n"
    "  -B                 sticky source: keep the source address chosen at start\n"
    "  -c <count>         stop after sending <count> requests\n"
    "                     (with -w: after <count> replies)\n"
    "  -C                 connect() the socket to the destination\n"
    "  -d                 SO_DEBUG on the socket (where permitted)\n"
    "  -D                 print a timestamp (seconds since 1970) before each line\n"
    "  -e <identifier>    ICMP identifier of the requests, 0-65535\n"
    "  -f                 flood: send as fast as replies come back, at least 100 per second\n"
    "  -F <flowlabel>     IPv6 flow label (decimal, or hex after 0x; 20 bits)\n"
    "  -h, --help         print this help and exit\n"
    "  -H                 reverse name lookups even with -n\n"
    "  -I <interface>     send from this interface name or source address\n"
    "  -i <interval>      seconds between requests (default 1, fractions allowed)\n"
    "  -l <preload>       send <preload> requests at once before waiting for replies\n"
    "  -L                 no loopback of multicast requests\n"
    "  -m <mark>          tag the requests with this firewall mark (SO_MARK)\n"
    "  -M <pmtud>         path MTU discovery: do (set DF), dont, want or probe\n"
    "  -n                 numeric output only, no reverse name lookups\n"
    "  -N <nodeinfo opt>  IPv6 node information query (accepted, see the manual; -N help)\n"
    "  -O                 report a request that has no answer when the next one is sent\n"
    "  -p <pattern>       fill the payload with up to 16 bytes given in hex\n"
    "  -q                 quiet: print only the first line and the summary\n"
    "  -Q <tos>           type of service / traffic class, 0-255 (decimal or 0x hex)\n"
    "  -r                 bypass the routing table: the destination must be on a link\n"
    "  -R                 IPv4 record route: show the route of each reply\n"
    "  -s <size>          number of payload bytes to send (default 56)\n"
    "  -S <size>          socket send buffer size (SO_SNDBUF)\n"
    "  -t <ttl>           time to live / hop limit of the requests\n"
    "  -T <timestamp>     IPv4 timestamp option: tsonly, tsandaddr, or tsprespec\n"
    "                     with up to 4 addresses before the destination\n"
    "  -U                 user-to-user latency: time stamps taken in user space\n"
    "  -v                 verbose output\n"
    "  -V, --version      print the version and exit\n"
    "  -w <deadline>      stop after <deadline> seconds (fractions allowed)\n"
    "  -W <timeout>       seconds to wait for replies after the last request (default 10)\n";

static_assert(kMaxWatchdogTimeout == std::chrono::seconds(3600), "the text below says 3600");
constexpr std::string_view kWatchdogOption =
    "  --watchdog-timeout <seconds>\n"
    "                     stop when no reply came for this long (default 10, fractions\n"
    "                     allowed, at most 3600; longer than the interval)\n";

constexpr std::string_view kExitStatus =
    "\nExit status:\n"
    "  0    at least one reply was received\n"
    "  1    no reply was received (with -c and -w: fewer than <count> replies in time)\n"
    "  2    any other error (bad option, a name that does not resolve, missing privilege, ...)\n";

constexpr std::string_view kWatchdogExitStatus =
    "  124  stopped by the watchdog after the silence timeout\n"
    "  125  the watchdog failed or vanished\n";

}  // namespace

std::string usage_text(CommandFlavor flavor, std::string_view program) {
  std::string text = "\nUsage\n  ";
  text += program_name_from_argv0(program);  // the usage names the command, not its path
  text += " [options] <destination>\n";
  text += kOptions;
  if (flavor == CommandFlavor::kBetterPing) text += kWatchdogOption;
  text += kExitStatus;
  if (flavor == CommandFlavor::kBetterPing) text += kWatchdogExitStatus;
  return text;
}

std::string version_text(std::string_view program) {
  return std::string(program_name_from_argv0(program)) + " (better_ping) " BP_VERSION "\n";
}

}  // namespace bp
