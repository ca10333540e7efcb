#include "ping/metrics/exposition.h"

#include <algorithm>
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

// What the lines of one target in one family are made from.
struct LineContext {
  ScrapeWriter& writer;
  const std::vector<std::string>& le_labels;  // le="..." per bucket, +Inf last
};

using TargetLines = void (*)(LineContext&, const MetricFamily&, std::string_view labels,
                             const TargetSnapshot&);

template <std::uint64_t TargetSnapshot::*Field>
void counter_lines(LineContext& c, const MetricFamily& f, std::string_view labels, const TargetSnapshot& s) {
  c.writer.sample(f.name, labels, {}, s.*Field);
}

void corrupt_lines(LineContext& c, const MetricFamily& f, std::string_view labels, const TargetSnapshot& s) {
  for (const CorruptReason reason : kAllCorruptReasons) {
    std::string extra;
    append_label(extra, "reason", corrupt_reason_label(reason));
    c.writer.sample(f.name, labels, extra, s.corrupt[static_cast<std::size_t>(reason)]);
  }
}

void icmp_error_lines(LineContext& c, const MetricFamily& f, std::string_view labels, const TargetSnapshot& s) {
  for (const IcmpErrorKind kind : kAllIcmpErrorKinds) {
    std::string extra;
    append_label(extra, "kind", icmp_error_kind_label(kind));
    c.writer.sample(f.name, labels, extra, s.icmp_errors[static_cast<std::size_t>(kind)]);
  }
}

void ttl_lines(LineContext& c, const MetricFamily& f, std::string_view labels, const TargetSnapshot& s) {
  if (s.last_ttl) c.writer.sample(f.name, labels, {}, *s.last_ttl);
}

void histogram_lines(LineContext& c, const MetricFamily& f, std::string_view labels, const TargetSnapshot& s) {
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

// A metric family of the targets and how each target's lines are written.
struct FamilyLines {
  MetricFamily family;
  TargetLines lines;
};

const FamilyLines kBetterPingFamilies[] = {
    {{"better_ping_requests_total", MetricType::kCounter,
     "Echo requests sent to the target, failed sends included."},
     counter_lines<&TargetSnapshot::requests>},
    {{"better_ping_replies_total", MetricType::kCounter,
     "Valid first echo replies from the target (no duplicate, corrupt, truncated or "
     "foreign ones)."},
     counter_lines<&TargetSnapshot::replies>},
    {{"better_ping_rtt_seconds", MetricType::kHistogram,
     "Round-trip time of the valid first replies.", "seconds"},
     histogram_lines},
    {{"better_ping_duplicates_total", MetricType::kCounter, "Duplicate echo replies."},
     counter_lines<&TargetSnapshot::duplicates>},
    {{"better_ping_corrupt_total", MetricType::kCounter,
     "Echo replies with a bad checksum or a wrong payload byte, by reason."},
     corrupt_lines},
    {{"better_ping_icmp_errors_total", MetricType::kCounter,
     "ICMP errors quoting a probe to the target, by kind."},
     icmp_error_lines},
    {{"better_ping_timeouts_total", MetricType::kCounter,
     "Probes lost: no reply within the timeout."},
     counter_lines<&TargetSnapshot::timeouts>},
    {{"better_ping_reply_ttl", MetricType::kGauge,
     "TTL or hop limit of the latest valid reply."},
     ttl_lines},
};

const FamilyLines kSmokepingFamilies[] = {
    {{"smokeping_requests_total", MetricType::kCounter, "Ping requests sent."},
     counter_lines<&TargetSnapshot::requests>},
    {{"smokeping_response_duration_seconds", MetricType::kHistogram,
     "Latency of the ping responses, as a histogram.", "seconds"},
     histogram_lines},
    {{"smokeping_response_duplicates_total", MetricType::kCounter,
     "Duplicate response packets."},
     counter_lines<&TargetSnapshot::duplicates>},
    {{"smokeping_response_ttl", MetricType::kGauge,
     "Time To Live of the latest response."},
     ttl_lines},
};

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

ScrapeText::ScrapeText(const Scrape& scrape, ExpositionFormat format, MetricNames names)
    : scrape_(scrape), format_(format), names_(names), le_labels_(le_labels(scrape.upper_bounds, format)) {
  assert(scrape.labels.size() == scrape.snapshots.size());
  labels_.reserve(scrape.labels.size());
  for (const TargetLabels& labels : scrape.labels) labels_.push_back(target_label_text(labels, names));
}

bool ScrapeText::next(std::string& out, std::size_t targets) {
  const std::span<const FamilyLines> families =
      names_ == MetricNames::kSmokeping ? std::span<const FamilyLines>(kSmokepingFamilies)
                                        : std::span<const FamilyLines>(kBetterPingFamilies);
  ScrapeWriter writer(out, format_);
  if (family_ == families.size()) {  // the exporter's own families and the end
    if (done_) return false;
    write_exporter(writer, scrape_);
    if (format_ == ExpositionFormat::kOpenMetrics) out += "# EOF\n";
    done_ = true;
    return true;
  }
  const FamilyLines& family = families[family_];
  if (target_ == 0) writer.metadata(family.family);
  LineContext context{writer, le_labels_};
  const std::size_t end = std::min(labels_.size(), target_ + std::max<std::size_t>(targets, 1));
  for (; target_ < end; ++target_) family.lines(context, family.family, labels_[target_], scrape_.snapshots[target_]);
  if (target_ == labels_.size()) {
    ++family_;
    target_ = 0;
  }
  return true;
}

std::string format_scrape(const Scrape& scrape, ExpositionFormat format, MetricNames names) {
  ScrapeText text(scrape, format, names);
  std::string out;
  while (text.next(out, scrape.labels.size())) {
  }
  return out;
}

}  // namespace bp
