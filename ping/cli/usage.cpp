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
    "  <destination>      host name or IP address to ping; several may be given\n"
    "  --targets <file>   ping the hosts listed in <file>, one per line\n"
    "                     (- reads standard input; # starts a comment)\n"
    "  -3                 print round-trip times with 3 decimals, without rounding\n"
    "  -4                 use IPv4 only\n"
    "  -6                 use IPv6 only\n"
    "  -a                 audible: ring the terminal bell on each reply\n"
    "  -A                 adaptive: the interval follows the round-trip time\n"
    "  -b                 allow pinging a broadcast address\n"
    "  -B                 sticky source: keep the source address chosen at start\n"
    "  -c <count>         stop after sending <count> requests (to each target)\n"
    "                     (with -w: after <count> replies)\n"
    "  -C                 connect() the socket to the destination\n"
    "  -d                 SO_DEBUG on the socket (where permitted)\n"
    "  -D                 print a timestamp (seconds since 1970) before each line\n"
    "  -e <identifier>    ICMP identifier of the requests, 0-65535\n"
    "  -f                 flood: send as fast as replies come back, at least 100\n"
    "                     per second\n"
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
    "  -N <nodeinfo opt>  IPv6 node information query (accepted, see the manual;\n"
    "                     -N help)\n"
    "  -O                 report a request that has no answer when the next one\n"
    "                     is sent\n"
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
    "  -W <timeout>       seconds to wait for replies after the last request\n"
    "                     (default 10); with several targets, how long each\n"
    "                     request waits for its reply\n"
    "  --json             JSON Lines on standard output instead of the text, one\n"
    "                     object per line (-q: no line per probe)\n"
    "  --stats            add percentiles, jitter, standard deviation, outages,\n"
    "                     reordered replies and TTL changes to each text summary\n"
    "  --summary-every <seconds>\n"
    "                     every <seconds> (0.1 to 3600), a summary of that interval\n"
    "                     for each target (on standard error; with --json, a line)\n";

static_assert(kMaxWatchdogTimeout == std::chrono::seconds(3600), "the text below says 3600");
constexpr std::string_view kWatchdogOption =
    "  --watchdog-timeout <seconds>\n"
    "                     stop when no reply came for this long (default 10,\n"
    "                     fractions allowed, at most 3600; longer than the interval)\n";

// ping only: the Prometheus exporter (issue 14, docs/PROMETHEUS.md).
constexpr std::string_view kMetricsOptions =
    "  --metrics-listen <address>:<port>\n"
    "                     serve Prometheus metrics at http://<address>:<port>/metrics\n"
    "                     (127.0.0.1:9374, [::1]:9374; port 0: any free port) and run\n"
    "                     until stopped; SIGHUP reads the --targets file again\n"
    "  --metrics-allow-remote\n"
    "                     allow a --metrics-listen address that is not loopback\n"
    "  --metrics-names <better_ping|smokeping>\n"
    "                     metric names: ours (default) or smokeping_prober's\n"
    "  --metrics-buckets <seconds,...>\n"
    "                     the RTT histogram's upper bounds (default 25 us to 10 s)\n";

static_assert(kMinSummaryEvery == std::chrono::milliseconds(100) &&
                  kMaxSummaryEvery == std::chrono::seconds(3600),
              "the text above says 0.1 to 3600");

// Issue 12's behaviour in short: what changes once there is more than one target.
constexpr std::string_view kSeveralTargets =
    "\nSeveral targets (more than one once duplicates are dropped):\n"
    "  Each target is probed every <interval>, the requests to different targets\n"
    "  spread evenly over the interval. -c counts the requests to each target, -w\n"
    "  ends the whole run, -W is how long a request waits for its reply. Output:\n"
    "  a header line per target, the replies as they come, then each target's\n"
    "  summary (-q: the summaries only); SIGQUIT prints a status line per target.\n"
    "  A name that does not resolve is reported and the others are pinged.\n"
    "  -f -A -l -R -T -O -C -F -N cannot be used. With -T tsprespec the operands\n"
    "  before the last are hops, so there is one target.\n";

constexpr std::string_view kWatchdogSeveralTargets =
    "  Any valid reply from any target is a heartbeat: the watchdog stops the\n"
    "  group only when no target has answered for the timeout (the network is gone).\n";

constexpr std::string_view kExitStatus =
    "\nExit status:\n"
    "  0    at least one reply was received (several targets: every target answered)\n"
    "  1    no reply was received (with -c and -w: fewer than <count> replies in\n"
    "       time; several targets: at least one target did not answer)\n"
    "  2    any other error (bad option, a name that does not resolve, a bad\n"
    "       targets file, missing privilege, ...)\n";

constexpr std::string_view kWatchdogExitStatus =
    "  124  stopped by the watchdog after the silence timeout\n"
    "  125  the watchdog failed or vanished\n";

}  // namespace

std::string usage_text(CommandFlavor flavor, std::string_view program) {
  const std::string_view name = program_name_from_argv0(program);  // the command, not its path
  std::string text = "\nUsage\n";
  // iputils' synopsis line first, unchanged, then the forms with several targets.
  for (std::string_view form : {" [options] <destination>\n", " [options] <destination>...\n",
                                " [options] --targets <file> [<destination>...]\n"}) {
    text += "  ";
    text += name;
    text += form;
  }
  text += kOptions;
  text += flavor == CommandFlavor::kBetterPing ? kWatchdogOption : kMetricsOptions;
  text += kSeveralTargets;
  if (flavor == CommandFlavor::kBetterPing) text += kWatchdogSeveralTargets;
  text += kExitStatus;
  if (flavor == CommandFlavor::kBetterPing) text += kWatchdogExitStatus;
  return text;
}

std::string version_text(std::string_view program) {
  return std::string(program_name_from_argv0(program)) + " (better_ping) " BP_VERSION "\n";
}

}  // namespace bp
