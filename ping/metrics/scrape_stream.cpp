#include "ping/metrics/scrape_stream.h"

#include <algorithm>
#include <cstring>

namespace bp {
namespace {

// Targets per piece: a histogram piece of 64 targets is about 140 KB, a counter's about 6 KB.
constexpr std::size_t kTargetsPerPiece = 64;

Scrape scrape_of(const TargetMetrics& metrics, const std::vector<TargetSnapshot>& snapshots,
                 std::string_view version) {
  Scrape scrape;
  scrape.labels = metrics.labels();
  scrape.snapshots = snapshots;
  scrape.upper_bounds = metrics.sink().buckets().upper_bounds();
  scrape.exporter = metrics.sink().exporter_snapshot();
  scrape.version = version;
  return scrape;
}

}  // namespace

ScrapeStream::ScrapeStream(std::shared_ptr<const TargetMetrics> metrics, ExpositionFormat format,
                           MetricNames names, std::string_view version)
    : metrics_(std::move(metrics)),
      snapshots_(metrics_->snapshots()),
      version_(version),
      scrape_(scrape_of(*metrics_, snapshots_, version_)),
      text_(scrape_, format, names) {}

std::size_t ScrapeStream::read(char* to, std::size_t room) {
  std::size_t written = 0;
  while (written < room) {
    if (offset_ == piece_.size()) {
      piece_.clear();  // keeps its capacity: the same pages serve every piece
      offset_ = 0;
      if (!text_.next(piece_, kTargetsPerPiece)) break;
    }
    const std::size_t n = std::min(room - written, piece_.size() - offset_);
    std::memcpy(to + written, piece_.data() + offset_, n);
    written += n;
    offset_ += n;
  }
  return written;
}

}  // namespace bp
