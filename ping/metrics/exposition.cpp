#include "ping/metrics/exposition.h"

#include <cassert>
#include <vector>

namespace bp {
namespace {

enum class MetricType { kCounter, kGauge, kHistogram };

struct MetricFamily {
  std::string_view name;  // as its samples are named; a histogram's without _bucket etc.
  MetricType type;
  std::string_view help;
  std::string_view unit = {};  // OpenMetrics' UNIT, a suffix of the name
};

std::string_view type_text(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

// Appends the lines of one scrape: metadata and samples.
class ScrapeWriter {
 public:
  ScrapeWriter(std::string& out, ExpositionFormat format) : out_(out), format_(format) {}

  ExpositionFormat format() const { return format_; }

  void metadata(const MetricFamily& family) {
    std::string_view name = family.name;
    // OpenMetrics names a counter family without the suffix its samples carry.
    if (format_ == ExpositionFormat::kOpenMetrics && family.type == MetricType::kCounter) {
      name.remove_suffix(std::string_view("_total").size());
    }
    line("# HELP ", name, family.help);
    line("# TYPE ", name, type_text(family.type));
    if (format_ == ExpositionFormat::kOpenMetrics && !family.unit.empty()) line("# UNIT ", name, family.unit);
  }

  // name{labels,extra} value; `labels` and `extra` are label text, either may be empty.
  void sample_start(std::string_view name, std::string_view labels, std::string_view extra = {}) {
    out_ += name;
    if (!labels.empty() || !extra.empty()) {
      out_ += '{';
      out_ += labels;
      if (!labels.empty() && !extra.empty()) out_ += ',';
      out_ += extra;
      out_ += '}';
    }
    out_ += ' ';
  }
  void sample(std::string_view name, std::string_view labels, std::string_view extra, std::uint64_t value) {
    sample_start(name, labels, extra);
    append_unsigned(out_, value);
    out_ += '\n';
  }
  void seconds_sample(std::string_view name, std::string_view labels, std::uint64_t ns) {
    sample_start(name, labels);
    append_seconds(out_, ns, format_);
    out_ += '\n';
  }

 private:
  void line(std::string_view start, std::string_view name, std::string_view text) {
    out_ += start;
    out_ += name;
    out_ += ' ';
    out_ += text;
    out_ += '\n';
  }

  std::string& out_;
  ExpositionFormat format_;
};

// name="value" with the value escaped.
void append_label(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += "=\"";
  append_label_value(out, value);
  out += '"';
}

std::string_view family_label(Family family) { return family == Family::kIpv4 ? "ipv4" : "ipv6"; }

// A target's labels, written once per scrape and repeated on each of its lines.
std::string target_label_text(const TargetLabels& labels, MetricNames names) {
  std::string text;
  if (names == MetricNames::kSmokeping) {
    append_label(text, "host", labels.target);
    text += ',';
    append_label(text, "ip", labels.address);
  } else {
    append_label(text, "target", labels.target);
    text += ',';
    append_label(text, "address", labels.address);
    text += ',';
    append_label(text, "family", family_label(labels.family));
  }
  return text;
}

// What one family's lines are made from.
struct ScrapeContext {
  ScrapeWriter& writer;
  const Scrape& scrape;
  std::vector<std::string> labels;     // per target
  std::vector<std::string> le_labels;  // le="..." per bucket, +Inf last
};

using TargetLines = void (*)(ScrapeContext&, const MetricFamily&, std::string_view labels,
                             const TargetSnapshot&);

void write_family(ScrapeContext& context, const MetricFamily& family, TargetLines lines) {
  context.writer.metadata(family);
  for (std::size_t i = 0; i < context.scrape.snapshots.size(); ++i) {
    lines(context, family, context.labels[i], context.scrape.snapshots[i]);
  }
}

template <std::uint64_t TargetSnapshot::*Field>
void counter_lines(ScrapeContext& c, const MetricFamily& f, std::string_view labels, const TargetSnapshot& s) {
  c.writer.sample(f.name, labels, {}, s.*Field);
}

void corrupt_lines(ScrapeContext& c, const MetricFamily& f, std::string_view labels, const TargetSnapshot& s) {
  for (const CorruptReason reason : kAllCorruptReasons) {
    std::string extra;
    append_label(extra, "reason", corrupt_reason_label(reason));
    c.writer.sample(f.name, labels, extra, s.corrupt[static_cast<std::size_t>(reason)]);
  }
}

void icmp_error_lines(ScrapeContext& c, const MetricFamily& f, std::string_view labels, const TargetSnapshot& s) {
  for (const IcmpErrorKind kind : kAllIcmpErrorKinds) {
    std::string extra;
    append_label(extra, "kind", icmp_error_kind_label(kind));
    c.writer.sample(f.name, labels, extra, s.icmp_errors[static_cast<std::size_t>(kind)]);
  }
}

void ttl_lines(ScrapeContext& c, const MetricFamily& f, std::string_view labels, const TargetSnapshot& s) {
  if (s.last_ttl) c.writer.sample(f.name, labels, {}, *s.last_ttl);
}

void histogram_lines(ScrapeContext& c, const MetricFamily& f, std::string_view labels, const TargetSnapshot& s) {
  const std::string name(f.name);
  const std::vector<std::uint64_t> cumulative = s.rtt.cumulative();
  assert(cumulative.size() == c.le_labels.size());
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    c.writer.sample(name + "_bucket", labels, c.le_labels[i], cumulative[i]);
  }
  c.writer.seconds_sample(name + "_sum", labels, s.rtt.sum_ns);
  c.writer.sample(name + "_count", labels, {}, cumulative.empty() ? 0 : cumulative.back());
}

std::vector<std::string> le_labels(std::span<const double> bounds, ExpositionFormat format) {
  std::vector<std::string> labels;
  for (const double bound : bounds) {
    std::string text = "le=\"";
    append_float(text, bound, format);
    labels.push_back(text + '"');
  }
  labels.emplace_back("le=\"+Inf\"");
  return labels;
}

void write_better_ping_targets(ScrapeContext& c) {
  write_family(c, {"better_ping_requests_total", MetricType::kCounter,
                   "Echo requests sent to the target, failed sends included."},
               counter_lines<&TargetSnapshot::requests>);
  write_family(c, {"better_ping_replies_total", MetricType::kCounter,
                   "Valid first echo replies from the target (no duplicate, corrupt, truncated or "
                   "foreign ones)."},
               counter_lines<&TargetSnapshot::replies>);
  write_family(c, {"better_ping_rtt_seconds", MetricType::kHistogram,
                   "Round-trip time of the valid first replies.", "seconds"},
               histogram_lines);
  write_family(c, {"better_ping_duplicates_total", MetricType::kCounter, "Duplicate echo replies."},
               counter_lines<&TargetSnapshot::duplicates>);
  write_family(c, {"better_ping_corrupt_total", MetricType::kCounter,
                   "Echo replies with a bad checksum or a wrong payload byte, by reason."},
               corrupt_lines);
  write_family(c, {"better_ping_icmp_errors_total", MetricType::kCounter,
                   "ICMP errors quoting a probe to the target, by kind."},
               icmp_error_lines);
  write_family(c, {"better_ping_timeouts_total", MetricType::kCounter,
                   "Probes lost: no reply within the timeout."},
               counter_lines<&TargetSnapshot::timeouts>);
  write_family(c, {"better_ping_reply_ttl", MetricType::kGauge,
                   "TTL or hop limit of the latest valid reply."},
               ttl_lines);
}

void write_smokeping_targets(ScrapeContext& c) {
  write_family(c, {"smokeping_requests_total", MetricType::kCounter, "Ping requests sent."},
               counter_lines<&TargetSnapshot::requests>);
  write_family(c, {"smokeping_response_duration_seconds", MetricType::kHistogram,
                   "Latency of the ping responses, as a histogram.", "seconds"},
               histogram_lines);
  write_family(c, {"smokeping_response_duplicates_total", MetricType::kCounter,
                   "Duplicate response packets."},
               counter_lines<&TargetSnapshot::duplicates>);
  write_family(c, {"smokeping_response_ttl", MetricType::kGauge,
                   "Time To Live of the latest response."},
               ttl_lines);
}

void write_exporter(ScrapeWriter& writer, const Scrape& scrape) {
  writer.metadata({"better_ping_build_info", MetricType::kGauge,
                   "better_ping's version, as a label; the value is always 1."});
  std::string version;
  append_label(version, "version", scrape.version);
  writer.sample("better_ping_build_info", version, {}, 1);
  writer.metadata({"better_ping_targets", MetricType::kGauge, "Targets configured."});
  writer.sample("better_ping_targets", {}, {}, scrape.labels.size());
  writer.metadata({"better_ping_send_errors_total", MetricType::kCounter,
                   "Failed sends and local errors (such as a message too long), all targets."});
  writer.sample("better_ping_send_errors_total", {}, {}, scrape.exporter.send_errors);
  writer.metadata({"better_ping_scrape_errors_total", MetricType::kCounter,
                   "Scrapes that could not be answered in full."});
  writer.sample("better_ping_scrape_errors_total", {}, {}, scrape.exporter.scrape_errors);
}

}  // namespace

std::string_view content_type(ExpositionFormat format) {
  return format == ExpositionFormat::kOpenMetrics ? kOpenMetricsContentType : kPrometheusTextContentType;
}

std::string format_scrape(const Scrape& scrape, ExpositionFormat format, MetricNames names) {
  assert(scrape.labels.size() == scrape.snapshots.size());
  std::string out;
  ScrapeWriter writer(out, format);
  ScrapeContext context{writer, scrape, {}, le_labels(scrape.upper_bounds, format)};
  context.labels.reserve(scrape.labels.size());
  for (const TargetLabels& labels : scrape.labels) context.labels.push_back(target_label_text(labels, names));
  if (names == MetricNames::kSmokeping) {
    write_smokeping_targets(context);
  } else {
    write_better_ping_targets(context);
  }
  write_exporter(writer, scrape);
  if (format == ExpositionFormat::kOpenMetrics) out += "# EOF\n";
  return out;
}

}  // namespace bp
