#pragma once
// The exporter under test (issue 14), shared by integration_exporter and
// integration_prometheus: `ping ... --metrics-listen ADDRESS:PORT` started in a test namespace,
// where it listens read from the one line it prints at start, scraped over HTTP, and its memory
// and open descriptors read from /proc while it runs.
//
// Network rule: the exporters run in the tests' namespaces only (Process refuses ping outside).
// Test code: waits are bounded; setup failures throw std::runtime_error.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/exposition_reader.h"
#include "tests/integration/harness.h"
#include "tests/integration/http_client.h"

namespace bp::it {

inline constexpr std::chrono::milliseconds kHttpTimeout{3000};

// "ping: metrics at http://127.0.0.1:PORT/metrics" (or "[::1]", or any numeric address) among
// the lines of `err`: the address (without brackets) and the port.
std::optional<std::pair<std::string, std::uint16_t>> listening_at(const std::string& err);

// `ping --metrics-listen LISTEN ARGS` in a namespace, once it says where it listens (5 s at
// most). `lifetime` is the hard limit after which the harness kills it. Throws
// std::runtime_error with what it printed (the test fails) if it never says.
class Exporter {
 public:
  Exporter(const std::string& netns, std::vector<std::string> args,
           const std::string& listen = "127.0.0.1:0",
           std::chrono::milliseconds lifetime = std::chrono::milliseconds(30000));

  const HttpEndpoint& endpoint() const { return endpoint_; }
  Process& process() { return *process_; }
  pid_t pid() const { return process_->pid(); }

  std::optional<HttpResponse> request(const HttpRequest& request, std::string* error = nullptr) {
    return http_exchange(endpoint_, request, kHttpTimeout, error);
  }
  // GET /metrics in the Prometheus text format; a test failure (and an empty exposition) if
  // the answer is not a 200 or has a line that is not a sample.
  Exposition scrape();
  // Scrapes every 50 ms until `done` holds on a scrape (returned), the process ends or
  // `timeout` passes (nullopt).
  std::optional<Exposition> scrape_until(const std::function<bool(const Exposition&)>& done,
                                         std::chrono::milliseconds timeout);
  // SIGTERM (the contract's way to stop it), then its exit and output within the lifetime.
  RunResult stop();

 private:
  std::optional<Process> process_;
  HttpEndpoint endpoint_;
};

// VmRSS of /proc/PID/status in KiB; nullopt if the process is gone.
std::optional<long> resident_kib(pid_t pid);

// The number of entries of /proc/PID/fd; nullopt if the process is gone.
std::optional<std::size_t> open_fd_count(pid_t pid);

}  // namespace bp::it
