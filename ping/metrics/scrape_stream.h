#pragma once
// ScrapeStream: one /metrics response, read out in pieces as the HTTP server sends it. The
// figures are all taken when it is made (so the text is one consistent moment), the text is
// written a few targets at a time into one small buffer that is reused, and the TargetMetrics
// it reads stays alive while it does, even if a reload publishes another. Pure.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ping/metrics/target_metrics.h"

namespace bp {

class ScrapeStream {
 public:
  ScrapeStream(std::shared_ptr<const TargetMetrics> metrics, ExpositionFormat format, MetricNames names,
               std::string_view version);
  ScrapeStream(const ScrapeStream&) = delete;
  ScrapeStream& operator=(const ScrapeStream&) = delete;

  // Copies the next bytes of the text into `to`, at most `room` (> 0); 0 once it is all out.
  std::size_t read(char* to, std::size_t room);

 private:
  std::shared_ptr<const TargetMetrics> metrics_;
  std::vector<TargetSnapshot> snapshots_;
  std::string version_;
  Scrape scrape_;
  ScrapeText text_;
  std::string piece_;  // written, not yet read
  std::size_t offset_ = 0;
};

}  // namespace bp
