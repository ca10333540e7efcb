#include "tests/integration/range_host.h"

#include <arpa/inet.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <sstream>
#include <stdexcept>

namespace bp::it {

namespace {

constexpr const char* kCountComment = "bp-echo-count";
constexpr std::size_t kMaxRuleAddresses = 4096;

// An address of either family as its bytes in network order, so a range can be walked by
// adding one to the last byte.
struct RawAddress {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};
  std::size_t size() const { return v6 ? 16 : 4; }
  bool operator==(const RawAddress&) const = default;
};

RawAddress parse_address(const std::string& text) {
  RawAddress a;
  a.v6 = text.find(':') != std::string::npos;
  if (::inet_pton(a.v6 ? AF_INET6 : AF_INET, text.c_str(), a.bytes.data()) != 1) {
    throw std::invalid_argument("not an IP address: " + text);
  }
  return a;
}

std::string format_address(const RawAddress& a) {
  char text[INET6_ADDRSTRLEN]{};
  ::inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes.data(), text, sizeof text);
  return text;
}

void increment(RawAddress& a) {
  for (std::size_t i = a.size(); i-- > 0;) {
    if (++a.bytes[i] != 0) return;
  }
}

// Every address from `first` to `last`, inclusive.
std::vector<std::string> addresses_from_to(const std::string& first, const std::string& last) {
  RawAddress at = parse_address(first);
  const RawAddress end = parse_address(last);
  if (at.v6 != end.v6) throw std::invalid_argument("mixed families: " + first + "-" + last);
  std::vector<std::string> all{format_address(at)};
  while (!(at == end)) {
    if (all.size() == kMaxRuleAddresses) {
      throw std::invalid_argument("more than 4096 addresses, or reversed: " + first + "-" + last);
    }
    increment(at);
    all.push_back(format_address(at));
  }
  return all;
}

bool is_v6(const std::string& address) { return address.find(':') != std::string::npos; }

// The echo-request match of each family's tool.
std::vector<std::string> echo_requests(bool v6) {
  if (v6) return {"-p", "ipv6-icmp", "--icmpv6-type", "echo-request"};
  return {"-p", "icmp", "--icmp-type", "echo-request"};
}

std::string join(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
  return joined;
}

// Runs `argv` in `netns` with `input` on its standard input (an in-memory file: the rules of a
// large range do not fit a pipe's buffer); throws with its output unless it exits 0.
void run_with_input(const std::vector<std::string>& argv, const std::string& netns,
                    const std::string& input) {
  bp::UniqueFd file(::memfd_create("bp-it-input", MFD_CLOEXEC));
  if (!file) throw std::runtime_error("memfd_create failed");
  for (std::size_t done = 0; done < input.size();) {
    const ssize_t n = ::write(file.get(), input.data() + done, input.size() - done);
    if (n <= 0) throw std::runtime_error("write to memfd failed");
    done += static_cast<std::size_t>(n);
  }
  ::lseek(file.get(), 0, SEEK_SET);
  Launch launch;
  launch.netns = netns;
  launch.stdin_fd = file.get();
  const RunResult r = run(argv, launch);
  if (r.exit_code != 0) {
    std::ostringstream message;
    message << join(argv) << " failed: " << r;
    throw std::runtime_error(message.str());
  }
}

// The packet count of the counting rule in `iptables -nvx -L INPUT` output.
long counted_packets(const RunResult& listing) {
  const std::string marker = std::string("/* ") + kCountComment + " */";
  for (const std::string& line : listing.out_lines()) {
    if (line.find(marker) == std::string::npos) continue;
    return std::stol(line);  // the first column: pkts
  }
  throw std::runtime_error("no counting rule in: " + listing.out);
}

}  // namespace

RangeHost::RangeHost() {
  const std::string& client = net_.client().name();
  const std::string& target = net_.host().name();
  run_checked({"ip", "-n", target, "route", "add", "local", kRangeV4, "dev", "lo"});
  run_checked({"ip", "-n", target, "-6", "route", "add", "local", kRangeV6, "dev", "lo"});
  run_checked({"ip", "-n", client, "route", "add", kRangeV4, "via", TestNet::kHostV4});
  run_checked({"ip", "-n", client, "-6", "route", "add", kRangeV6, "via", TestNet::kHostV6});
  // Echo replies are outside the default rate masks, but lift every limit anyway: a kernel
  // with another mask must still answer thousands of targets at once.
  net_.host().set_sysctl("net.ipv4.icmp_ratelimit", "0");
  net_.host().set_sysctl("net.ipv4.icmp_msgs_per_sec", "1000000");
  net_.host().set_sysctl("net.ipv4.icmp_msgs_burst", "1000000");
  net_.host().set_sysctl("net.ipv6.icmp.ratelimit", "0");
  // First in the chain, so it sees every request before a rule drops it. No -j: it only counts.
  std::vector<std::string> count4{"-I", "INPUT", "1"};
  for (const auto& w : echo_requests(false)) count4.push_back(w);
  count4.insert(count4.end(), {"-m", "comment", "--comment", kCountComment});
  net_.host_iptables(count4);
  std::vector<std::string> count6{"-I", "INPUT", "1"};
  for (const auto& w : echo_requests(true)) count6.push_back(w);
  count6.insert(count6.end(), {"-m", "comment", "--comment", kCountComment});
  net_.host_ip6tables(count6);
}

void RangeHost::silence(const std::string& first, const std::string& last) const {
  const bool v6 = is_v6(first);
  std::vector<std::string> rule{"-A", "INPUT"};
  for (const auto& w : echo_requests(v6)) rule.push_back(w);
  rule.insert(rule.end(), {"-m", "iprange", "--dst-range", first + "-" + last, "-j", "DROP"});
  v6 ? net_.host_ip6tables(rule) : net_.host_iptables(rule);
}

void RangeHost::drop_every_nth(const std::string& first, const std::string& last, unsigned every,
                               unsigned packet) const {
  if (packet >= every) throw std::invalid_argument("drop_every_nth: packet >= every");
  const bool v6 = is_v6(first);
  std::string rules = "*filter\n";
  for (const std::string& address : addresses_from_to(first, last)) {
    rules += "-A INPUT " + join(echo_requests(v6)) + " -d " + address + (v6 ? "/128" : "/32") +
             " -m statistic --mode nth --every " + std::to_string(every) + " --packet " +
             std::to_string(packet) + " -j DROP\n";
  }
  rules += "COMMIT\n";
  // One restore for all of them: thousands of iptables calls would take seconds.
  run_with_input({v6 ? "ip6tables-restore" : "iptables-restore", "-w", "--noflush"},
                 net_.host().name(), rules);
}

RangeHost::EchoCounts RangeHost::echo_requests_seen() const {
  Launch launch;
  launch.netns = net_.host().name();
  EchoCounts counts;
  counts.v4 = counted_packets(run({"iptables", "-w", "-nvx", "-L", "INPUT"}, launch));
  counts.v6 = counted_packets(run({"ip6tables", "-w", "-nvx", "-L", "INPUT"}, launch));
  return counts;
}

void RangeHost::reset_counts() const {
  net_.host_iptables({"-Z", "INPUT"});
  net_.host_ip6tables({"-Z", "INPUT"});
}

}  // namespace bp::it
