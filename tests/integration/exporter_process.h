#pragma once
// The exporter under test (issue 14): `ping ... --metrics-listen 127.0.0.1:0` started in a
// test namespace, its port read from the one line it prints at start, its memory and open
// descriptors read from /proc while it runs.
//
// Test code: waits are bounded; setup failures throw std::runtime_error.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace bp::it {

class ExporterProcess {
 public:
  // Starts the ping under test in `netns` with `args` followed by
  // "--metrics-listen 127.0.0.1:0", and waits up to 5 s for
  //   ping: metrics at http://127.0.0.1:PORT/metrics
  // on stderr. `lifetime` is the hard limit after which the harness kills it. Throws
  // std::runtime_error with what it printed if the line does not come.
  static ExporterProcess start(const std::string& netns, std::vector<std::string> args,
                               std::chrono::milliseconds lifetime);

  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  Process& process() { return process_; }

  // SIGTERM (the contract's way to stop it), then its exit and output within the lifetime.
  RunResult stop();

 private:
  ExporterProcess(Process process, int port) : process_(std::move(process)), port_(port) {}

  Process process_;
  int port_;
};

// The port in "ping: metrics at http://127.0.0.1:PORT/metrics" (or "[::1]:PORT") among the
// lines of `err`; nullopt if there is no such line.
std::optional<int> metrics_port_of(const std::string& err);

// VmRSS of /proc/PID/status in KiB; nullopt if the process is gone.
std::optional<long> resident_kib(pid_t pid);

// The number of entries of /proc/PID/fd; nullopt if the process is gone.
std::optional<std::size_t> open_fd_count(pid_t pid);

}  // namespace bp::it
