#include "ping/metrics/target_metrics.h"

#include <unordered_map>
#include <utility>

namespace bp {
namespace {

std::vector<Family> families_of(const std::vector<TargetLabels>& labels) {
  std::vector<Family> out;
  out.reserve(labels.size());
  for (const TargetLabels& l : labels) out.push_back(l.family);
  return out;
}

// A target is "the same" across a reload when both its text and its address are: a name that
// now resolves elsewhere is a new series, as Prometheus would see it anyway (the labels differ).
std::string identity(const TargetLabels& l) { return l.target + '\n' + l.address; }

}  // namespace

TargetMetrics::TargetMetrics(std::vector<TargetLabels> labels, const RttBuckets& buckets)
    : labels_(std::move(labels)), sink_(families_of(labels_), buckets) {}

void TargetMetrics::carry_over(const TargetMetrics& old) {
  std::unordered_map<std::string, std::size_t> old_index;
  old_index.reserve(old.labels_.size());
  for (std::size_t i = 0; i < old.labels_.size(); ++i) old_index.emplace(identity(old.labels_[i]), i);
  TargetSnapshot snapshot;
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const auto found = old_index.find(identity(labels_[i]));
    if (found == old_index.end()) continue;
    old.sink_.snapshot_into(found->second, snapshot);
    sink_.restore(i, snapshot);
  }
  sink_.restore_exporter(old.sink_.exporter_snapshot());
}

std::vector<TargetSnapshot> TargetMetrics::snapshots() const {
  std::vector<TargetSnapshot> out(labels_.size());
  for (std::size_t i = 0; i < labels_.size(); ++i) sink_.snapshot_into(i, out[i]);
  return out;
}

std::string TargetMetrics::scrape(ExpositionFormat format, MetricNames names,
                                  std::string_view version) const {
  const std::vector<TargetSnapshot> snapshots = this->snapshots();
  Scrape scrape;
  scrape.labels = labels_;
  scrape.snapshots = snapshots;
  scrape.upper_bounds = sink_.buckets().upper_bounds();
  scrape.exporter = sink_.exporter_snapshot();
  scrape.version = version;
  return format_scrape(scrape, format, names);
}

}  // namespace bp
