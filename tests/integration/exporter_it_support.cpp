#include "tests/integration/exporter_it_support.h"

#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

namespace bp::it {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

bool is_counter_like(const std::string& name) {
  for (const char* suffix : {"_total", "_bucket", "_count", "_sum"}) {
    if (name.ends_with(suffix)) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& icmp_error_kinds() {
  static const std::vector<std::string> kinds = {"unreachable",   "time_exceeded",  "parameter_problem",
                                                 "redirect",      "source_quench",  "packet_too_big",
                                                 "other"};
  return kinds;
}

// --- reading a scrape ------------------------------------------------------------------------

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

bool is_v6(const std::string& address) { return address.find(':') != std::string::npos; }

Labels target_labels(const std::string& address) {
  return {{"target", address}, {"address", address}, {"family", is_v6(address) ? "ipv6" : "ipv4"}};
}

// The value of one sample, -1 if there is none (or several): a missing series fails any
// equality with a count.
double value_of(const Exposition& e, const std::string& name, const Labels& labels) {
  return e.value(name, labels).value_or(-1);
}

double counter(const Exposition& e, const std::string& address, const std::string& name,
               const Labels& extra) {
  Labels labels = target_labels(address);
  labels.insert(extra.begin(), extra.end());
  return value_of(e, "better_ping_" + name, labels);
}

// The bucket with upper bound `le` (within rounding), -1 if there is none.
double bucket(const Exposition& e, const std::string& family, const Labels& labels, double le) {
  for (const Sample* s : e.find_all(family + "_bucket", labels)) {
    const auto it = s->labels.find("le");
    if (it != s->labels.end() && std::fabs(le_value(it->second) - le) <= le * 1e-9) return s->value;
  }
  return -1;
}

// A histogram's buckets are cumulative, end with +Inf and +Inf equals _count.
void expect_histogram_consistent(const Exposition& e, const std::string& family,
                                 const Labels& labels) {
  std::vector<std::pair<double, double>> buckets;
  for (const Sample* s : e.find_all(family + "_bucket", labels)) {
    buckets.emplace_back(le_value(s->labels.at("le")), s->value);
  }
  ASSERT_FALSE(buckets.empty()) << family;
  std::sort(buckets.begin(), buckets.end());
  EXPECT_TRUE(std::isinf(buckets.back().first)) << family << ": no +Inf bucket";
  for (std::size_t i = 1; i < buckets.size(); ++i) {
    EXPECT_LE(buckets[i - 1].second, buckets[i].second)
        << family << " not cumulative at le=" << buckets[i].first;
  }
  EXPECT_EQ(buckets.back().second, value_of(e, family + "_count", labels)) << family;
  EXPECT_GE(value_of(e, family + "_sum", labels), 0.0) << family;
}

// Every series of a target is there from the start: each counter, each reason and kind, the
// whole histogram.
void expect_every_series(const Exposition& e, const std::string& address) {
  for (const char* name : {"requests_total", "replies_total", "duplicates_total", "timeouts_total",
                           "rtt_seconds_count", "rtt_seconds_sum"}) {
    EXPECT_GE(counter(e, address, name), 0.0) << name << " of " << address;
  }
  for (const char* reason : {"checksum", "payload"}) {
    EXPECT_GE(counter(e, address, "corrupt_total", {{"reason", reason}}), 0.0) << reason;
  }
  for (const std::string& kind : icmp_error_kinds()) {
    EXPECT_GE(counter(e, address, "icmp_errors_total", {{"kind", kind}}), 0.0) << kind;
  }
  EXPECT_EQ(e.find_all("better_ping_rtt_seconds_bucket", target_labels(address)).size(), 19u)
      << "18 default bounds (25 us .. 10 s, 1-2.5-5) and +Inf";
}

// A key for a sample: its name and labels, as text.
std::string sample_key(const Sample& s) {
  std::string key = s.name;
  for (const auto& [k, v] : s.labels) key += "|" + k + "=" + v;
  return key;
}


// No counter, bucket, _count or _sum of `before` is smaller, or missing, in `after`.
void expect_never_decrease(const Exposition& before, const Exposition& after) {
  std::map<std::string, double> later;
  for (const Sample& s : after.samples()) later[sample_key(s)] = s.value;
  for (const Sample& s : before.samples()) {
    if (!is_counter_like(s.name)) continue;
    const auto it = later.find(sample_key(s));
    ASSERT_NE(it, later.end()) << sample_key(s) << " disappeared";
    EXPECT_GE(it->second, s.value) << sample_key(s) << " went down";
  }
}

// --- files and namespaces --------------------------------------------------------------------

TargetsFile::TargetsFile(const std::string& text) {
  std::string pattern = "/tmp/bp-it-exporter-targets-XXXXXX";
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  path_ = pattern;
  write(text);
}

TargetsFile::~TargetsFile() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

void TargetsFile::write(const std::string& text) const {
  const std::string next = path_ + ".next";
  std::ofstream(next, std::ios::binary | std::ios::trunc) << text;
  std::filesystem::rename(next, path_);
}

std::string listening_sockets(const NetNamespace& ns) {
  Launch launch;
  launch.netns = ns.name();
  return run({"ss", "-Hltn"}, launch).out;
}

IsolatedHost::IsolatedHost() : ns_("bpi") {
  // A veth pair with both ends here (the dummy driver may not be loadable in a container).
  const std::string& ns = ns_.name();
  run_checked({"ip", "link", "add", "bpv0", "type", "veth", "peer", "name", "bpv1"}, ns);
  run_checked({"ip", "addr", "add", std::string(kAddressV4) + "/24", "dev", "bpv0"}, ns);
  run_checked({"ip", "addr", "add", std::string(kAddressV6) + "/64", "dev", "bpv0", "nodad"}, ns);
  for (const char* link : {"bpv0", "bpv1"}) run_checked({"ip", "link", "set", link, "up"}, ns);
}

// --- systemd ---------------------------------------------------------------------------------

bool NotifySocket::Message::has(const std::string& line) const {
  return ("\n" + text + "\n").find("\n" + line + "\n") != std::string::npos;
}

NotifySocket::NotifySocket()
    : path_("/tmp/bp-it-exporter-notify-" + std::to_string(::getpid()) + ".sock") {
  ::unlink(path_.c_str());
  fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  path_.copy(address.sun_path, sizeof address.sun_path - 1);
  if (!fd_ || ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("cannot bind " + path_);
  }
}

NotifySocket::~NotifySocket() { ::unlink(path_.c_str()); }

bool NotifySocket::collect(milliseconds duration, const std::string& until_line) {
  const auto until = Clock::now() + duration;
  while (Clock::now() < until) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, 20) != 1) continue;
    char buffer[4096];
    const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
    if (n <= 0) continue;
    messages_.push_back({std::string(buffer, static_cast<std::size_t>(n)), Clock::now()});
    if (!until_line.empty() && messages_.back().has(until_line)) return true;
  }
  return until_line.empty();
}

milliseconds NotifySocket::longest_keepalive_gap() const {
  std::optional<Clock::time_point> last;
  milliseconds longest{0};
  for (const Message& m : messages_) {
    if (!m.has("WATCHDOG=1")) continue;
    if (last) longest = std::max(longest, std::chrono::duration_cast<milliseconds>(m.at - *last));
    last = m.at;
  }
  return longest;
}

std::ostream& operator<<(std::ostream& os, const NotifySocket& s) {
  for (const auto& m : s.messages()) os << "[" << m.text << "] ";
  return os;
}

}  // namespace bp::it
