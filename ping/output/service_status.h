#pragma once
// The one-line status a service manager shows (systemd's STATUS=), e.g.
//   "198.18.0.2: 12 sent, 11 received, 8.33% loss, last rtt 0.023 ms"
// Pure: the loop's counters in, text out.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace bp {

struct ServiceProgress {
  std::uint64_t transmitted = 0;
  std::uint64_t received = 0;
  std::optional<std::chrono::nanoseconds> last_rtt;
};

std::string service_status(const std::string& target, const ServiceProgress& progress);

}  // namespace bp
