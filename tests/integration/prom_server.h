#pragma once
// Debian's real Prometheus (/usr/bin/prometheus) for the exporter tests (issue 14), started
// in a test namespace on 127.0.0.1 with a temporary configuration and storage that scrapes one
// target every second, and queried through its HTTP API (/api/v1/query).
//
// Its only listener is --web.listen-address on loopback. Everything (process, directory) goes
// when the object is destroyed.
//
// Test code: waits are bounded; setup failures throw std::runtime_error.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace bp::it {

inline constexpr const char* kPrometheusBinary = "/usr/bin/prometheus";

// One element of an instant vector.
struct PromSeries {
  std::map<std::string, std::string> labels;
  double value = 0;  // NaN and infinities as Prometheus gives them
};

class PrometheusServer {
 public:
  // Starts Prometheus in `netns` on 127.0.0.1:`port` (the namespace is the test's own, so any
  // port is free there), scraping http://`scrape_target`/metrics (host:port) every second as
  // job "bping". Does not wait for it: see wait_ready().
  PrometheusServer(const std::string& netns, const std::string& scrape_target, int port = 9090);
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;
  // Stops it (SIGTERM, then SIGKILL after 10 s) and removes its directory.
  ~PrometheusServer();

  // Polls /-/ready until it answers 200 or `timeout` passes.
  bool wait_ready(std::chrono::milliseconds timeout);

  // An instant query at `at` (Unix seconds; the present time if not given): the elements of
  // its vector (or one element without labels for a scalar), or nullopt with the reason in
  // `why`. Queries that must see the same samples should name the same time, a little in the
  // past so that no scrape is still being stored at it.
  std::optional<std::vector<PromSeries>> query(const std::string& promql,
                                               std::optional<double> at = std::nullopt,
                                               std::string* why = nullptr);

  // Keeps reading its log (so it never blocks on a full pipe) for `duration`.
  void pause(std::chrono::milliseconds duration);

  // What it logged so far, for failure messages.
  std::string log() const;

 private:
  std::string netns_;
  int port_;
  std::filesystem::path dir_;
  std::optional<Process> process_;
};

// Only the values of `series`, keyed by label `key`.
std::map<std::string, double> by_label(const std::vector<PromSeries>& series,
                                       const std::string& key);

}  // namespace bp::it
