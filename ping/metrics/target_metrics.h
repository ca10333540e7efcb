#pragma once
// TargetMetrics: what /metrics shows for one list of targets: their labels and the MetricsSink
// that counts them. The exporter makes one at the start and one at each reload (SIGHUP), and
// hands it to the HTTP thread as a shared_ptr: the probe loop writes the sink, scrapes read it
// (without locks: metrics_sink.h), and a scrape that started before a reload finishes on the
// list it started with. Pure.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ping/metrics/exposition.h"
#include "ping/metrics/metrics_sink.h"

namespace bp {

class TargetMetrics {
 public:
  TargetMetrics(std::vector<TargetLabels> labels, const RttBuckets& buckets);

  // The probe loop's side (and the readers', const).
  MetricsSink& sink() { return sink_; }
  const MetricsSink& sink() const { return sink_; }
  // A reload keeps the figures of every target that is in both lists (the same target text
  // and address); the others start at 0. So do the exporter's own counters. Before publishing.
  void carry_over(const TargetMetrics& old);

  // The HTTP side: every target's figures at this moment, and one whole scrape made of them
  // (scrape_stream.h sends one in pieces).
  std::vector<TargetSnapshot> snapshots() const;
  std::string scrape(ExpositionFormat format, MetricNames names, std::string_view version) const;
  std::size_t size() const { return labels_.size(); }
  const std::vector<TargetLabels>& labels() const { return labels_; }

 private:
  std::vector<TargetLabels> labels_;
  MetricsSink sink_;
};

}  // namespace bp
