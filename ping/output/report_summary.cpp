#include <cstdio>

#include "ping/output/report.h"
#include "ping/output/report_format.h"

namespace bp {
namespace {

using report_detail::microseconds_as_ms;

std::string us_as_ms(std::chrono::nanoseconds duration) {
  return microseconds_as_ms(to_report_microseconds(duration));
}

// iputils prints the loss with printf("%g") of a float: the cast to float first is what
// makes 1 of 3 lost print as "33.3333". The program never calls setlocale(), so "%g" has the
// C locale's '.' (std::to_chars would do as well, but it drags libm into the process).
std::string loss_percent(std::int64_t transmitted, std::int64_t received) {
  const double exact = static_cast<double>(transmitted - received) * 100.0 /
                       static_cast<double>(transmitted);
  const auto as_float = static_cast<float>(exact);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", static_cast<double>(as_float));
  return buffer;
}

// iputils: 1000 * tv_sec + (tv_nsec + 500000) / 1000000, i.e. ms rounded half up.
std::int64_t elapsed_ms(std::chrono::nanoseconds elapsed) {
  return (elapsed.count() + 500000) / 1000000;
}

std::string counts_line(const SummaryCounts& c) {
  std::string text = std::to_string(c.transmitted) + " packets transmitted, " +
                     std::to_string(c.received) + " received";
  if (c.duplicates != 0) text += ", +" + std::to_string(c.duplicates) + " duplicates";
  if (c.corrupted != 0) text += ", +" + std::to_string(c.corrupted) + " corrupted";
  if (c.errors != 0) text += ", +" + std::to_string(c.errors) + " errors";
  if (c.transmitted != 0) {
    text += ", " + loss_percent(c.transmitted, c.received) + "% packet loss";
    text += ", time " + std::to_string(elapsed_ms(c.elapsed)) + "ms";
  }
  return text + "\n";
}

// iputils: the elapsed time truncated to us, divided by the gaps between requests.
std::string inter_packet_gap(const SummaryCounts& c) {
  const std::int64_t elapsed_us = c.elapsed.count() / 1000;
  return microseconds_as_ms(elapsed_us / (c.transmitted - 1));
}

}  // namespace

std::string format_summary(const Summary& summary) {
  const SummaryCounts& c = summary.counts;
  std::string text = "\n--- " + summary.host + " ping statistics ---\n" + counts_line(c);
  std::string_view separator;
  if (c.received > 0 && summary.rtt) {
    const RttFigures& r = *summary.rtt;
    text += "rtt min/avg/max/mdev = " + us_as_ms(r.min) + "/" + us_as_ms(r.avg) + "/" +
            us_as_ms(r.max) + "/" + us_as_ms(r.mdev) + " ms";
    separator = ", ";
  }
  if (summary.pipe > 1) {
    text += std::string(separator) + "pipe " + std::to_string(summary.pipe);
    separator = ", ";
  }
  if (c.received > 0 && summary.fast_mode && c.transmitted > 1) {
    const std::chrono::nanoseconds ewma = summary.rtt ? summary.rtt->ewma : std::chrono::nanoseconds{0};
    text += std::string(separator) + "ipg/ewma " + inter_packet_gap(c) + "/" + us_as_ms(ewma) + " ms";
  }
  return text + "\n";
}

std::string format_status_line(const SummaryCounts& counts, const std::optional<RttFigures>& rtt) {
  const std::int64_t loss =
      counts.transmitted != 0 ? (counts.transmitted - counts.received) * 100 / counts.transmitted : 0;
  std::string text = "\r" + std::to_string(counts.received) + "/" +
                     std::to_string(counts.transmitted) + " packets, " + std::to_string(loss) +
                     "% loss";
  if (counts.received > 0 && rtt) {
    text += ", min/avg/ewma/max = " + us_as_ms(rtt->min) + "/" + us_as_ms(rtt->avg) + "/" +
            us_as_ms(rtt->ewma) + "/" + us_as_ms(rtt->max) + " ms";
  }
  return text + "\n";
}

}  // namespace bp
