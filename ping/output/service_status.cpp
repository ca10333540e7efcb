#include "ping/output/service_status.h"

#include <algorithm>
#include <cstdio>

#include "ping/output/report.h"

namespace bp {

std::string service_status(const std::string& target, const ServiceProgress& progress) {
  std::string text = target + ": " + std::to_string(progress.transmitted) + " sent, " +
                     std::to_string(progress.received) + " received";
  if (progress.transmitted > 0) {
    const auto lost = progress.transmitted - std::min(progress.received, progress.transmitted);
    const double loss = 100.0 * static_cast<double>(lost) / static_cast<double>(progress.transmitted);
    char figure[32];
    std::snprintf(figure, sizeof figure, "%.3g", loss);
    text += std::string(", ") + figure + "% loss";
  }
  if (progress.last_rtt) text += ", last rtt " + format_rtt_ms(*progress.last_rtt, false) + " ms";
  return text;
}

}  // namespace bp
