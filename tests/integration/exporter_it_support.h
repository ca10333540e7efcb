#pragma once
// What the exporter's integration tests share besides the exporter process (exporter_process.h):
// reading one target's samples from a scrape, checks of a whole scrape (histograms, every
// series present, counters that never go down), a targets file to rewrite for SIGHUP, a
// namespace with a non-loopback address of its own, and a stand-in for systemd's notification
// socket.

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "shared/unique_fd.h"
#include "tests/integration/exporter_process.h"
#include "tests/integration/exposition_reader.h"
#include "tests/integration/harness.h"

namespace bp::it {

inline constexpr const char* kPrometheusType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr const char* kOpenMetricsType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
// What Prometheus sends when it prefers OpenMetrics.
inline constexpr const char* kOpenMetricsAccept =
    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";

// The kind label values of better_ping_icmp_errors_total (ping/metrics/icmp_error_kind.h).
const std::vector<std::string>& icmp_error_kinds();

// --- reading a scrape ------------------------------------------------------------------------

std::size_t line_count(const std::string& text);
bool is_v6(const std::string& address);

// target = address = `address` (numeric targets only here), family from its form.
Labels target_labels(const std::string& address);
// The value of the only sample of that name and labels, -1 if there is none (or several): a
// missing series fails any equality with a count.
double value_of(const Exposition& e, const std::string& name, const Labels& labels);
// better_ping_NAME of the target `address`, with the `extra` labels (reason, kind).
double counter(const Exposition& e, const std::string& address, const std::string& name,
               const Labels& extra = {});
// The bucket of `family` with upper bound `le` (within rounding), -1 if there is none.
double bucket(const Exposition& e, const std::string& family, const Labels& labels, double le);

// A histogram's buckets are cumulative, end with +Inf, and +Inf equals _count.
void expect_histogram_consistent(const Exposition& e, const std::string& family,
                                 const Labels& labels);
// Every series of a target is there: each counter, each reason and kind, the whole default
// histogram.
void expect_every_series(const Exposition& e, const std::string& address);
// The sample's name and labels, as text.
std::string sample_key(const Sample& s);
// No counter, bucket, _count or _sum of `before` is smaller, or missing, in `after`.
void expect_never_decrease(const Exposition& before, const Exposition& after);

// --- files and namespaces --------------------------------------------------------------------

// A targets file under /tmp, rewritten atomically (rename) and removed on destruction.
class TargetsFile {
 public:
  explicit TargetsFile(const std::string& text);
  TargetsFile(const TargetsFile&) = delete;
  TargetsFile& operator=(const TargetsFile&) = delete;
  ~TargetsFile();

  void write(const std::string& text) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The TCP sockets listening in `ns` (ss, one line each; empty: none).
std::string listening_sockets(const NetNamespace& ns);

// A namespace with nothing but lo and, on a veth interface, 198.18.5.1 and 2001:db8:5::1:
// addresses of "this host" that are not loopback, and from which nothing is routed anywhere.
class IsolatedHost {
 public:
  static constexpr const char* kAddressV4 = "198.18.5.1";
  static constexpr const char* kAddressV6 = "2001:db8:5::1";

  IsolatedHost();
  const NetNamespace& ns() const { return ns_; }

 private:
  NetNamespace ns_;
};

// --- systemd ---------------------------------------------------------------------------------

// A datagram socket standing in for systemd's $NOTIFY_SOCKET (a path: an abstract address would
// belong to the test's network namespace only).
class NotifySocket {
 public:
  struct Message {
    std::string text;
    std::chrono::steady_clock::time_point at;  // when the test read it
    bool has(const std::string& line) const;   // one of its lines is `line`
  };

  NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  ~NotifySocket();
  const std::string& path() const { return path_; }

  // Collects messages for `duration`, or until one has the line `until_line`; whether it came
  // (true without `until_line`).
  bool collect(std::chrono::milliseconds duration, const std::string& until_line = {});
  const std::vector<Message>& messages() const { return messages_; }
  // The longest time between two keep-alives (WATCHDOG=1) so far.
  std::chrono::milliseconds longest_keepalive_gap() const;

 private:
  std::string path_;
  bp::UniqueFd fd_;
  std::vector<Message> messages_;
};

std::ostream& operator<<(std::ostream& os, const NotifySocket& s);

}  // namespace bp::it
