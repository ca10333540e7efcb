// iputils' own test cases for ping, written again as ours: one row per case, an argument list,
// then the exit code, stdout line by line and stderr expected from Debian 12's iputils 20221126.
//
// Where the cases come from (upstream iputils, read at its HEAD; nothing copied):
//   - the meson test matrix (test/ping/meson.build, earlier ping/test/meson.build): -V; -c1 to
//     localhost, 127.0.0.1 and ::1 with no family switch, -4 and -6 (failing where the switch
//     contradicts the address); -c1, -c5 -i0.1, -c1 -I lo, -c1 -w1, -c1 -W1, -c1 -W1.1 to
//     127.0.0.1 and ::1 (must pass); -c1.1, -I nonexisting, -w0.1, -w0,1 (must fail);
//     -c1 -i0.001 (passes for root, fails for other users).
//   - test/ping/ping-01-basics.t: -V, and the whole output of -c1 to 127.0.0.1, ::1, localhost
//     with -4 and -6. Our matrix rows check the whole output of every run, so they cover these.
//   - test/ping/ping-02-errors.t: no destination; -c1 -i0.001 as root and as an ordinary user.
// Upstream checks the exit status of the matrix and a few output lines; we check the exit code,
// every stdout line and stderr exactly. Upstream's expectations are for its HEAD (e.g. the newer
// "cannot flood" wording, "PING ::1 (::1)"); ours are Debian's 20221126, which is the reference.
//
// Beyond upstream (upstream tests no other option): the matrix's pattern, -c1 to 127.0.0.1 and
// ::1, for each other option letter of iputils 20221126 (-M -m -A -a -B -b -e -r -R -S -T -L -F
// -N -C -d -U), their bad values, -M do against a 1500-byte MTU, and -m's mark on the wire.
// Not here: -M probe and -H, which iputils 20221126 rejects (later iputils has them).
//
// Network: every run happens in the client namespace of a TestNet (no route out) and targets
// 127.0.0.1, ::1, localhost or the TestNet host. "localhost" comes from a hosts file of ours,
// bind-mounted over /etc/hosts in a private mount namespace for that one run, so both common
// forms (127.0.0.1 only; 127.0.0.1 and ::1) are tested on every machine.
//
// Checked against iputils: BP_IT_PING=/usr/bin/ping passes every case. Where we differ on
// purpose, the row states it and carries iputils' own expectation beside ours (`iputils`), used
// when the ping under test says "ping from iputils 20221126" for -V. The differences:
//   - bad numbers (-c1.1, -w0,1, -m abc, -e 70000, -S 0...) and no destination exit 2, where
//     iputils 20221126 exits 1 (README "Where we differ on purpose");
//   - a fractional -w (-w0.1) is accepted (iputils: "invalid argument", exit 1);
//   - -V names our program and version, not "ping from iputils" and its build options;
//   - -4 localhost, when the hosts file also maps localhost to ::1: iputils 20221126 prints an
//     empty name ("PING  (127.0.0.1)", "---  ping statistics ---"), a bug we do not copy.

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/harness.h"

namespace bp::it {
namespace {

// --- expected output -------------------------------------------------------------------------

// Expected lines are regular expressions, each matched against one whole line.
using Lines = std::vector<std::string>;

Lines operator+(Lines a, const Lines& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// `text` as a regular expression matching exactly itself.
std::string lit(std::string_view text) {
  static const std::string kSpecial = R"(\^$.|?*+()[]{})";
  std::string re;
  for (char c : text) {
    if (kSpecial.find(c) != std::string::npos) re += '\\';
    re += c;
  }
  return re;
}

const std::string kRtt = R"(\d+(\.\d+)?)";  // "0.063", "1.23", "12.3", "101"
const std::string kStat = R"(\d+\.\d{3})";  // summary values: always microsecond precision

// How a target appears in the output.
struct Target {
  std::string arg;      // as given on the command line
  bool v6;
  std::string peer;     // in the header's parentheses (IPv6: "name (addr)" for a name)
  std::string from;     // after "bytes from" in a reply line
  std::string summary;  // in "--- NAME ping statistics ---"
};

const Target kLo4{"127.0.0.1", false, "127.0.0.1", "127.0.0.1", "127.0.0.1"};
const Target kLo6{"::1", true, "::1", "::1", "::1"};
const Target kLocalhost4{"localhost", false, "127.0.0.1", "localhost (127.0.0.1)", "localhost"};
const Target kLocalhost6{"localhost", true, "localhost (::1)", "localhost (::1)", "localhost"};
const Target kHost4{TestNet::kHostV4, false, TestNet::kHostV4, TestNet::kHostV4, TestNet::kHostV4};
const Target kHost6{TestNet::kHostV6, true, TestNet::kHostV6, TestNet::kHostV6, TestNet::kHostV6};

// "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data." or "PING ::1(::1) 56 data bytes" (iputils
// 20221126 puts no space before an IPv6 parenthesis). `between` goes after the parenthesis
// (-I, -B, -F), `ip_options` is the size of -R / -T's IPv4 options.
std::string header(const Target& t, std::string_view between = "", int size = 56,
                   int ip_options = 0) {
  if (t.v6) {
    return lit("PING " + t.arg + "(" + t.peer + ") " + std::string(between) +
               std::to_string(size) + " data bytes");
  }
  return lit("PING " + t.arg + " (" + t.peer + ") " + std::string(between) +
             std::to_string(size) + "(" + std::to_string(size + 28 + ip_options) +
             ") bytes of data.");
}

std::string reply(const Target& t, int seq, int size = 56, std::string_view tail = "") {
  return lit(std::to_string(size + 8) + " bytes from " + t.from + ": icmp_seq=" +
             std::to_string(seq) + " ttl=64 time=") +
         kRtt + " ms" + lit(tail);
}

// The summary after the replies: blank line, title, counts, then the rtt line if any replied,
// else a blank line.
Lines summary(const Target& t, int sent, int received, std::string_view errors = "") {
  const int loss = sent == 0 ? 0 : (sent - received) * 100 / sent;
  Lines lines{"", lit("--- " + t.summary + " ping statistics ---"),
              lit(std::to_string(sent) + " packets transmitted, " + std::to_string(received) +
                  " received, " + std::string(errors) + std::to_string(loss) +
                  "% packet loss, time ") +
                  R"(\d+ms)"};
  if (received > 0) {
    lines.push_back("rtt min/avg/max/mdev = " + kStat + "/" + kStat + "/" + kStat + "/" + kStat +
                    " ms");
  } else {
    lines.push_back("");  // iputils ends a summary without replies with a blank line
  }
  return lines;
}

// The whole output of a run whose probes 1..count were all answered.
Lines replies(const Target& t, int count, const std::string& header_line) {
  Lines lines{header_line};
  for (int seq = 1; seq <= count; ++seq) lines.push_back(reply(t, seq));
  return lines + summary(t, count, count);
}
Lines replies(const Target& t, int count) { return replies(t, count, header(t)); }
Lines one_reply(const Target& t) { return replies(t, 1); }

// A record route (-R) or timestamp (-T) block after a reply: its lines, then a blank line.
Lines option_block(const Lines& lines) { return lines + Lines{""}; }

// --- cases -----------------------------------------------------------------------------------

// What a run must leave: its exit code, its whole stdout (one regex per line) and its whole
// stderr (literal lines).
struct Expect {
  int exit_code = 0;
  Lines out;
  std::vector<std::string> err;
};

Expect ok(Lines out) { return {0, std::move(out), {}}; }
Expect fails(int exit_code, std::string err, Lines out = {}) {
  return {exit_code, std::move(out), {std::move(err)}};
}

// Which hosts file a run sees.
enum class Hosts {
  kMachine,    // the machine's /etc/hosts (the row must not depend on it)
  kV4Only,     // localhost is 127.0.0.1 only
  kV4AndV6,    // localhost is 127.0.0.1 and ::1, as Debian installs it
};

struct Case {
  Case(std::string name_, std::vector<std::string> args_, Expect expect_)
      : name(std::move(name_)), args(std::move(args_)), expect(std::move(expect_)) {}

  // Where we differ on purpose: what iputils 20221126 gives instead.
  Case iputils_gives(Expect theirs) && {
    iputils = std::move(theirs);
    return std::move(*this);
  }
  Case hosts_file(Hosts h) && {
    hosts = h;
    return std::move(*this);
  }
  // Ours may instead refuse the option: exit 2, one line on stderr naming it.
  Case refusal_allowed() && {
    may_refuse = true;
    return std::move(*this);
  }

  std::string name;
  std::vector<std::string> args;
  Expect expect;                  // ours
  std::optional<Expect> iputils;  // iputils 20221126, only where we differ on purpose
  Hosts hosts = Hosts::kMachine;
  bool may_refuse = false;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << "ping";
  for (const auto& a : c.args) *os << ' ' << a;
}

// Bad numbers exit 2 with iputils' message; iputils 20221126 exits 1 with the same message.
Case bad_number(std::string name, std::vector<std::string> args, const std::string& message) {
  const std::string err = "ping: " + message;
  return Case(std::move(name), std::move(args), fails(2, err)).iputils_gives(fails(1, err));
}

// Names for the rows: "127.0.0.1" -> "v4", "::1" -> "v6".
std::string tag(const Target& t) { return t.v6 ? "v6" : "v4"; }

// The meson matrix: -c1 to each destination, with no family switch, -4 and -6.
std::vector<Case> family_matrix() {
  const std::string no_v6 = "ping: localhost: Address family for hostname not supported";
  std::vector<Case> cases = {
      {"c1_127_0_0_1", {"-c1", "127.0.0.1"}, ok(one_reply(kLo4))},
      {"v4_c1_127_0_0_1", {"-4", "-c1", "127.0.0.1"}, ok(one_reply(kLo4))},
      {"v6_c1_127_0_0_1_fails",
       {"-6", "-c1", "127.0.0.1"},
       fails(2, "ping: 127.0.0.1: Address family for hostname not supported")},
      {"c1_ipv6_loopback", {"-c1", "::1"}, ok(one_reply(kLo6))},
      {"v4_c1_ipv6_loopback_fails",
       {"-4", "-c1", "::1"},
       fails(2, "ping: ::1: Address family for hostname not supported")},
      {"v6_c1_ipv6_loopback", {"-6", "-c1", "::1"}, ok(one_reply(kLo6))},

      // localhost as 127.0.0.1 only: -6 has no address to use, and fails at once (no resolver is
      // reachable from the namespace either).
      Case("c1_localhost_v4_hosts", {"-c1", "localhost"}, ok(one_reply(kLocalhost4)))
          .hosts_file(Hosts::kV4Only),
      Case("v4_c1_localhost_v4_hosts", {"-4", "-c1", "localhost"}, ok(one_reply(kLocalhost4)))
          .hosts_file(Hosts::kV4Only),
      Case("v6_c1_localhost_v4_hosts_fails", {"-6", "-c1", "localhost"}, fails(2, no_v6))
          .hosts_file(Hosts::kV4Only),

      // localhost as 127.0.0.1 and ::1: with no switch the lookup's first answer is used, ::1 by
      // glibc's default address sorting (RFC 6724; a custom /etc/gai.conf could change that).
      Case("c1_localhost_v4v6_hosts", {"-c1", "localhost"}, ok(one_reply(kLocalhost6)))
          .hosts_file(Hosts::kV4AndV6),
      // Deliberate: iputils 20221126 loses the name here ("PING  (127.0.0.1)"); we keep it.
      Case("v4_c1_localhost_v4v6_hosts", {"-4", "-c1", "localhost"}, ok(one_reply(kLocalhost4)))
          .iputils_gives(ok(one_reply(Target{"", false, "127.0.0.1", "localhost (127.0.0.1)", ""})))
          .hosts_file(Hosts::kV4AndV6),
      Case("v6_c1_localhost_v4v6_hosts", {"-6", "-c1", "localhost"}, ok(one_reply(kLocalhost6)))
          .hosts_file(Hosts::kV4AndV6),
  };
  return cases;
}

// The meson matrix: options that must work, to 127.0.0.1 and ::1.
std::vector<Case> options_matrix() {
  std::vector<Case> cases;
  for (const Target& t : {kLo4, kLo6}) {
    const std::string to = "_" + tag(t);
    cases.push_back({"c1" + to, {"-c1", t.arg}, ok(one_reply(t))});
    cases.push_back({"c5_i0_1" + to, {"-c5", "-i0.1", t.arg}, ok(replies(t, 5))});
    cases.push_back({"c1_I_lo" + to,
                     {"-c1", "-I", "lo", t.arg},
                     ok(replies(t, 1, header(t, "from " + t.arg + " lo: ")))});
    cases.push_back({"c1_w1" + to, {"-c1", "-w1", t.arg}, ok(one_reply(t))});
    cases.push_back({"c1_W1" + to, {"-c1", "-W1", t.arg}, ok(one_reply(t))});
    cases.push_back({"c1_W1_1" + to, {"-c1", "-W1.1", t.arg}, ok(one_reply(t))});
  }
  return cases;
}

// The meson matrix: options that must fail, to 127.0.0.1 and ::1.
std::vector<Case> failing_options_matrix() {
  std::vector<Case> cases;
  for (const Target& t : {kLo4, kLo6}) {
    const std::string to = "_" + tag(t);
    // Deliberate: exit 2 for a bad number (iputils 20221126: 1).
    cases.push_back(bad_number("c1_1" + to, {"-c1.1", t.arg}, "invalid argument: '1.1'"));
    // IPv4 binds the socket to the device first; IPv6 looks the interface up first.
    cases.push_back({"I_nonexisting" + to,
                     {"-I", "nonexisting", t.arg},
                     fails(2, t.v6 ? "ping: unknown iface: nonexisting"
                                   : "ping: SO_BINDTODEVICE nonexisting: No such device")});
    // Deliberate: a fractional deadline is accepted (iputils 20221126: integers only).
    cases.push_back(Case("w0_1" + to, {"-w0.1", t.arg}, ok(one_reply(t)))
                        .iputils_gives(fails(1, "ping: invalid argument: '0.1'")));
    // Deliberate: exit 2 for a bad number (iputils 20221126: 1). The decimal point is '.'.
    cases.push_back(bad_number("w0_comma_1" + to, {"-w0,1", t.arg}, "invalid argument: '0,1'"));
  }
  return cases;
}

// The meson matrix and ping-02-errors.t: a 1 ms interval is allowed to root.
std::vector<Case> root_interval_matrix() {
  return {{"c1_i0_001_v4", {"-c1", "-i0.001", "127.0.0.1"}, ok(one_reply(kLo4))},
          {"c1_i0_001_v6", {"-c1", "-i0.001", "::1"}, ok(one_reply(kLo6))}};
}

// ping-01-basics.t and ping-02-errors.t beyond what the matrix runs.
std::vector<Case> basics_and_errors() {
  return {
      // Deliberate: we are not iputils, so no "ping from iputils" and build options line.
      Case("version", {"-V"}, ok({R"(ping \(better_ping\) \d+\.\d+\.\d+)"}))
          .iputils_gives(ok({lit("ping from iputils 20221126"),
                             R"(libcap: (yes|no), IDN: (yes|no), NLS: (yes|no), )"
                             R"(error\.h: (yes|no), getrandom\(\): (yes|no), )"
                             R"(__fpending\(\): (yes|no))"})),
      // Deliberate: exit 2, as upstream iputils since its fix of #528 (20221126: 1).
      Case("no_destination", {}, fails(2, "ping: usage error: Destination address required"))
          .iputils_gives(fails(1, "ping: usage error: Destination address required")),
  };
}

// Beyond upstream: every other option letter of iputils 20221126, with -c1.
std::vector<Case> other_option_letters() {
  std::vector<Case> cases;
  for (const Target& t : {kLo4, kLo6}) {
    const std::string to = "_" + tag(t);
    auto plain = [&](std::string name, std::vector<std::string> opts) {
      opts.insert(opts.begin(), "-c1");
      opts.push_back(t.arg);
      cases.push_back({name + to, std::move(opts), ok(one_reply(t))});
    };
    plain("M_do", {"-M", "do"});
    plain("M_dont", {"-M", "dont"});
    plain("M_want", {"-M", "want"});
    plain("m_7", {"-m", "7"});
    plain("A", {"-A"});
    plain("b", {"-b"});
    plain("e_4242", {"-e", "4242"});
    plain("r", {"-r"});
    plain("S_65536", {"-S", "65536"});
    plain("L", {"-L"});
    plain("C", {"-C"});
    plain("d", {"-d"});
    plain("U", {"-U"});
    // -a rings the terminal bell at the end of each reply line.
    cases.push_back({"a" + to,
                     {"-c1", "-a", t.arg},
                     ok(Lines{header(t), reply(t, 1, 56, "\a")} + summary(t, 1, 1))});
    // -B: the header names the source address, with no device.
    cases.push_back({"B" + to,
                     {"-c1", "-B", t.arg},
                     ok(replies(t, 1, header(t, "from " + t.arg + " : ")))});
  }

  // IPv4-only options are ignored for an IPv6 destination, and -F (IPv6-only) for IPv4.
  for (auto [name, opts] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"R_ignored_v6", {"-R"}},
           {"T_tsonly_ignored_v6", {"-T", "tsonly"}},
           {"T_tsandaddr_ignored_v6", {"-T", "tsandaddr"}}}) {
    opts.insert(opts.begin(), "-c1");
    opts.push_back("::1");
    cases.push_back({name, opts, ok(one_reply(kLo6))});
  }
  cases.push_back({"F_ignored_v4", {"-c1", "-F", "0x12345", "127.0.0.1"}, ok(one_reply(kLo4))});

  // -R: 40 bytes of IP options; lo records 127.0.0.1 in all four slots it reaches.
  const std::string tab_lo = "\t127.0.0.1";
  cases.push_back(
      {"R_v4",
       {"-c1", "-R", "127.0.0.1"},
       ok(Lines{header(kLo4, "", 56, 40), reply(kLo4, 1)} +
          option_block({lit("RR: " + tab_lo), lit(tab_lo), lit(tab_lo), lit(tab_lo)}) +
          summary(kLo4, 1, 1))});
  // -T: the first stamp absolute (ms since midnight UTC), the others relative to it.
  cases.push_back({"T_tsonly_v4",
                   {"-c1", "-T", "tsonly", "127.0.0.1"},
                   ok(Lines{header(kLo4, "", 56, 40), reply(kLo4, 1)} +
                      option_block({R"(TS: \t\d+ absolute)", R"(\t-?\d+)", R"(\t-?\d+)",
                                    R"(\t-?\d+)"}) +
                      summary(kLo4, 1, 1))});
  const std::string stamp_lo = R"(\t127\.0\.0\.1\t)";
  cases.push_back({"T_tsandaddr_v4",
                   {"-c1", "-T", "tsandaddr", "127.0.0.1"},
                   ok(Lines{header(kLo4, "", 56, 40), reply(kLo4, 1)} +
                      option_block({"TS: " + stamp_lo + R"(\d+ absolute)", stamp_lo + R"(-?\d+)",
                                    stamp_lo + R"(-?\d+)", stamp_lo + R"(-?\d+)"}) +
                      summary(kLo4, 1, 1))});
  // tsprespec: the addresses to stamp come before the destination.
  cases.push_back({"T_tsprespec_v4",
                   {"-c1", "-T", "tsprespec", "127.0.0.1", "127.0.0.1"},
                   ok(Lines{header(kLo4, "", 56, 40), reply(kLo4, 1)} +
                      option_block({"TS: " + stamp_lo + R"(\d+ absolute)"}) +
                      summary(kLo4, 1, 1))});

  // -F: the flow label in the header, given in hex or decimal ("%05x").
  cases.push_back({"F_hex_v6",
                   {"-c1", "-F", "0x12345", "::1"},
                   ok(replies(kLo6, 1, header(kLo6, ", flow 0x12345, ")))});
  cases.push_back({"F_decimal_v6",
                   {"-c1", "-F", "12345", "::1"},
                   ok(replies(kLo6, 1, header(kLo6, ", flow 0x03039, ")))});

  // -N (node information query, IPv6): the loopback kernel does not answer the query, so
  // nothing comes back within -W1. Ignored for IPv4. Ours may refuse -N with a clear error.
  cases.push_back(Case("N_name_v6", {"-c1", "-W1", "-N", "name", "::1"},
                       Expect{1, Lines{header(kLo6)} + summary(kLo6, 1, 0), {}})
                      .refusal_allowed());
  cases.push_back(
      Case("N_name_ignored_v4", {"-c1", "-N", "name", "127.0.0.1"}, ok(one_reply(kLo4)))
          .refusal_allowed());
  return cases;
}

// Beyond upstream: bad values of those options.
std::vector<Case> other_option_values() {
  const std::string to = TestNet::kHostV4;
  return {
      {"M_bogus", {"-c1", "-M", "bogus", to}, fails(2, "ping: invalid -M argument: bogus")},
      // -M takes the next word, whatever it is.
      {"M_takes_next_word", {"-c1", "-M", to}, fails(2, "ping: invalid -M argument: " + to)},
      {"T_bogus", {"-c1", "-T", "bogus", to}, fails(2, "ping: invalid timestamp type: bogus")},
      {"F_not_a_number", {"-c1", "-F", "zz", to}, fails(2, "ping: bad value for flowinfo: zz")},
      {"F_over_20_bits",
       {"-c1", "-F", "0x100000", to},
       fails(2, "ping: flow value is greater than 20 bits: 0x100000")},
      // Deliberate, for the rest: exit 2 for a bad number (iputils 20221126: 1).
      bad_number("m_not_a_number", {"-c1", "-m", "abc", to}, "invalid argument: 'abc'"),
      bad_number("m_over_32_bits",
                 {"-c1", "-m", "4294967296", to},
                 "invalid argument: '4294967296': out of range: 0 <= value <= 4294967295"),
      bad_number("m_negative",
                 {"-c1", "-m", "-1", to},
                 "invalid argument: '-1': out of range: 0 <= value <= 4294967295"),
      bad_number("e_not_a_number", {"-c1", "-e", "abc", to}, "invalid argument: 'abc'"),
      bad_number("e_over_16_bits",
                 {"-c1", "-e", "70000", to},
                 "invalid argument: '70000': out of range: 0 <= value <= 65535"),
      bad_number("S_zero",
                 {"-c1", "-S", "0", to},
                 "invalid argument: '0': out of range: 1 <= value <= 2147483647"),
      bad_number("S_not_a_number", {"-c1", "-S", "abc", to}, "invalid argument: 'abc'"),
  };
}

// Beyond upstream: -M against the veth's 1500-byte MTU (the host answers). "do" forbids
// fragmenting: a probe one byte too big fails locally, counted as an error, exit 1.
std::vector<Case> path_mtu_discovery() {
  auto too_long = [](const Target& t, int size, const std::string& err) {
    return fails(1, err, Lines{header(t, "", size)} + summary(t, 1, 0, "+1 errors, "));
  };
  auto answered = [](const Target& t, int size) {
    return ok(Lines{header(t, "", size), reply(t, 1, size)} + summary(t, 1, 1));
  };
  const std::string v4 = TestNet::kHostV4;
  const std::string v6 = TestNet::kHostV6;
  return {
      {"M_do_fits_v4", {"-c1", "-W1", "-M", "do", "-s", "1472", v4}, answered(kHost4, 1472)},
      {"M_do_too_long_v4",
       {"-c1", "-W1", "-M", "do", "-s", "1473", v4},
       too_long(kHost4, 1473, "ping: local error: message too long, mtu=1500")},
      {"M_dont_fragments_v4", {"-c1", "-W1", "-M", "dont", "-s", "1600", v4},
       answered(kHost4, 1600)},
      {"M_want_fragments_v4", {"-c1", "-W1", "-M", "want", "-s", "1600", v4},
       answered(kHost4, 1600)},
      {"M_do_fits_v6", {"-c1", "-W1", "-M", "do", "-s", "1452", v6}, answered(kHost6, 1452)},
      // IPv6 words it "mtu: 1500".
      {"M_do_too_long_v6",
       {"-c1", "-W1", "-M", "do", "-s", "1453", v6},
       too_long(kHost6, 1453, "ping: local error: message too long, mtu: 1500")},
      {"M_dont_fragments_v6", {"-c1", "-W1", "-M", "dont", "-s", "1600", v6},
       answered(kHost6, 1600)},
  };
}

// --- running ---------------------------------------------------------------------------------

// Hosts files of ours, and a TestNet whose client namespace runs every case.
class Environment {
 public:
  Environment() {
    char dir[] = "/tmp/bp-iputils-cases-XXXXXX";
    if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir;
    write(v4_only(), "127.0.0.1 localhost\n");
    write(v4_and_v6(), "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n");
  }
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  ~Environment() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  const TestNet& net() const { return net_; }
  std::filesystem::path v4_only() const { return dir_ / "hosts-v4"; }
  std::filesystem::path v4_and_v6() const { return dir_ / "hosts-v4v6"; }

  // The argv that runs `argv` with `hosts` as /etc/hosts, seen by that process only (a private
  // mount namespace), under its own basename as argv[0].
  std::vector<std::string> with_hosts(Hosts hosts, const std::vector<std::string>& argv) const {
    if (hosts == Hosts::kMachine) return argv;
    const auto file = hosts == Hosts::kV4Only ? v4_only() : v4_and_v6();
    std::vector<std::string> wrapped{
        "unshare", "--mount", "--propagation", "private", "bash", "-c",
        R"(mount --bind "$0" /etc/hosts && exec -a "${1##*/}" "$@")", file.string()};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return wrapped;
  }

  // Whether the ping under test is iputils 20221126 (BP_IT_PING=/usr/bin/ping).
  bool reference_is_iputils() {
    if (!is_iputils_) {
      const RunResult r = run(ping_command({"-V"}), launch(5s));
      is_iputils_ = r.out.rfind("ping from iputils 20221126", 0) == 0;
    }
    return *is_iputils_;
  }

  Launch launch(std::chrono::milliseconds timeout) const {
    Launch l;
    l.netns = net_.client().name();
    l.timeout = timeout;
    return l;
  }

 private:
  static void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
  }

  std::filesystem::path dir_;
  TestNet net_;
  std::optional<bool> is_iputils_;
};

::testing::AssertionResult lines_match(const std::vector<std::string>& actual,
                                       const Lines& expected, const char* what) {
  const std::size_t n = std::max(actual.size(), expected.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= actual.size()) {
      return ::testing::AssertionFailure()
             << what << " ends before line " << i + 1 << ", expected /" << expected[i] << "/";
    }
    if (i >= expected.size()) {
      return ::testing::AssertionFailure()
             << what << " has an extra line " << i + 1 << ": \"" << actual[i] << "\"";
    }
    if (!std::regex_match(actual[i], std::regex(expected[i]))) {
      return ::testing::AssertionFailure() << what << " line " << i + 1 << " \"" << actual[i]
                                           << "\" does not match /" << expected[i] << "/";
    }
  }
  return ::testing::AssertionSuccess();
}

class UpstreamCase : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() == 0) env_ = new Environment();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    ASSERT_NE(env_, nullptr);
  }

  static Environment* env_;
};

Environment* UpstreamCase::env_ = nullptr;

TEST_P(UpstreamCase, ExitCodeAndOutputAreIputils) {
  const Case& c = GetParam();
  const bool iputils = env_->reference_is_iputils();
  const Expect& want = iputils && c.iputils ? *c.iputils : c.expect;

  const RunResult r = run(env_->with_hosts(c.hosts, ping_command(c.args)), env_->launch(5s));

  if (c.may_refuse && !iputils && r.exit_code == 2) {
    // A refusal must say so in one line that names the option.
    const auto err = r.err_lines();
    ASSERT_EQ(err.size(), 1u) << r;
    EXPECT_TRUE(err[0].rfind("ping: ", 0) == 0 && err[0].find("-N") != std::string::npos) << r;
    EXPECT_EQ(r.out, "") << r;
    return;
  }
  EXPECT_EQ(r.exit_code, want.exit_code) << r;
  EXPECT_TRUE(lines_match(r.out_lines(), want.out, "stdout")) << r;
  EXPECT_EQ(r.err_lines(), want.err) << r;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(MatrixFamily, UpstreamCase, ::testing::ValuesIn(family_matrix()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(MatrixOptions, UpstreamCase, ::testing::ValuesIn(options_matrix()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(MatrixFailingOptions, UpstreamCase,
                         ::testing::ValuesIn(failing_options_matrix()), case_name);
INSTANTIATE_TEST_SUITE_P(MatrixRootInterval, UpstreamCase,
                         ::testing::ValuesIn(root_interval_matrix()), case_name);
INSTANTIATE_TEST_SUITE_P(BasicsAndErrors, UpstreamCase, ::testing::ValuesIn(basics_and_errors()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(OtherOptionLetters, UpstreamCase,
                         ::testing::ValuesIn(other_option_letters()), case_name);
INSTANTIATE_TEST_SUITE_P(OtherOptionValues, UpstreamCase,
                         ::testing::ValuesIn(other_option_values()), case_name);
INSTANTIATE_TEST_SUITE_P(PathMtuDiscovery, UpstreamCase, ::testing::ValuesIn(path_mtu_discovery()),
                         case_name);

// --- cases that need more than one run ------------------------------------------------------

// The meson matrix and ping-02-errors.t, as an ordinary user: a 1 ms interval is refused after
// the header, exit 2. The user pings through an ICMP datagram socket (ping_group_range allows
// every group), with a copy of the ping that holds no capability.
TEST(UpstreamUnprivileged, FastIntervalIsRefusedToOrdinaryUsers) {
  BP_SKIP_UNLESS_ROOT();
  TestNet net;
  net.client().set_sysctl("net.ipv4.ping_group_range", "0 2147483647");
  BinaryCopies copies;
  const auto binary = copies.copy(ping_binary(), "plain");
  Launch as_user;
  as_user.netns = net.client().name();
  as_user.user = kNobody;
  as_user.timeout = 5s;

  for (const Target& t : {kLo4, kLo6}) {
    SCOPED_TRACE(t.arg);
    const RunResult r = run({binary.string(), "-c1", "-i0.001", t.arg}, as_user);

    EXPECT_EQ(r.exit_code, 2) << r;
    // The header first: iputils checks the interval once the socket is set up.
    EXPECT_TRUE(lines_match(r.out_lines(), {header(t)}, "stdout")) << r;
    // 20221126's wording. Upstream HEAD (and its ping-02-errors.t) says "cannot flood, minimal
    // interval for user must be >= 2 ms, use -i 0.002 (or higher)".
    EXPECT_EQ(r.err_lines(), std::vector<std::string>{
                                 "ping: cannot flood; minimal interval allowed for user is 2ms"})
        << r;
  }
}

// Beyond upstream: -m MARK sets the firewall mark of each probe, seen by a rule in the client
// namespace that counts marked ICMP packets leaving it.
TEST(UpstreamMark, MarkTagsEveryProbe) {
  BP_SKIP_UNLESS_ROOT();
  TestNet net;
  const std::string ns = net.client().name();
  run_checked({"iptables", "-w", "-A", "OUTPUT", "-p", "icmp", "-m", "mark", "--mark", "7"}, ns);
  Launch launch;
  launch.netns = ns;
  launch.timeout = 5s;

  const RunResult r = run(ping_command({"-c2", "-i0.2", "-m", "7", TestNet::kHostV4}), launch);

  EXPECT_EQ(r.exit_code, 0) << r;
  const RunResult rules = run({"iptables", "-w", "-L", "OUTPUT", "-v", "-x", "-n"}, launch);
  const std::regex marked(R"(\s*(\d+)\s+\d+\s.*mark match 0x7\s*)");
  std::optional<long> packets;
  for (const auto& line : rules.out_lines()) {
    std::smatch m;
    if (std::regex_match(line, m, marked)) packets = std::stol(m[1]);
  }
  ASSERT_TRUE(packets) << rules;
  EXPECT_EQ(*packets, 2) << rules;
}

}  // namespace
}  // namespace bp::it
