#include "ping/output/json_sink.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include "ping/net/socket_address.h"
#include "ping/output/json_writer.h"
#include "ping/packet/icmp_error_text.h"

namespace bp {
namespace {

const char* family_name(Family family) { return family == Family::kIpv6 ? "ipv6" : "ipv4"; }

double seconds_of(Duration d) { return static_cast<double>(d.count()) / 1e9; }

// iputils' loss: (transmitted - received) / transmitted, here with fractions.
double loss_percent(std::uint64_t transmitted, std::uint64_t received) {
  if (transmitted == 0 || received >= transmitted) return 0.0;
  return 100.0 * static_cast<double>(transmitted - received) / static_cast<double>(transmitted);
}

std::uint64_t count_of(std::int64_t n) { return n > 0 ? static_cast<std::uint64_t>(n) : 0; }

}  // namespace

std::string local_error_text(int err, std::uint32_t info, Family family) {
  if (err == EMSGSIZE) {
    return std::string("message too long, mtu") + (family == Family::kIpv6 ? ": " : "=") +
           std::to_string(info);
  }
  return std::strerror(err);
}

JsonSink::JsonSink(JsonSinkSettings settings, std::vector<JsonTarget> targets,
                   const TargetStatistics& stats, std::function<WallClockTime()> wall_clock,
                   std::string& out)
    : settings_(std::move(settings)),
      targets_(std::move(targets)),
      stats_(stats),
      wall_clock_(std::move(wall_clock)),
      out_(out) {
  members_.reserve(targets_.size());
  for (const JsonTarget& t : targets_) {
    members_.push_back(members_text({{"target", t.target}, {"address", t.address}}));
  }
}

void JsonSink::start(const Options& o) {
  JsonLine line(out_);
  line.field("type", "start").field("program", settings_.program).field("version", BP_VERSION);
  line.field("schema", kSchemaVersion).unix_seconds("time", wall_clock_());
  line.begin_object("options").field("count", o.count);
  line.fixed("interval_s", seconds_of(o.interval), 3).fixed("wait_s", seconds_of(o.linger), 3);
  if (o.deadline) {
    line.fixed("deadline_s", seconds_of(*o.deadline), 3);
  } else {
    line.null_field("deadline_s");
  }
  line.field("size", static_cast<std::uint64_t>(o.payload_size));
  line.field("ttl", o.ttl ? std::optional<unsigned>(*o.ttl) : std::nullopt);
  line.field("family", !o.family ? "any" : family_name(*o.family));
  if (o.summary_every) {
    line.fixed("summary_every_s", seconds_of(*o.summary_every), 3);
  } else {
    line.null_field("summary_every_s");
  }
  line.field("stats", o.stats).end_object();
  line.begin_array("targets");
  for (const JsonTarget& t : targets_) {
    line.begin_object().field("target", t.target).field("address", t.address);
    line.field("family", family_name(t.family)).end_object();
  }
  line.end_array().finish();
}

JsonLine& JsonSink::begin(JsonLine& line, std::string_view type, std::size_t target) {
  return line.field("type", type).raw_members(members_[target]);
}

WallClockTime JsonSink::event_time(const std::optional<KernelTime>& kernel) const {
  if (kernel) return WallClockTime(std::chrono::duration_cast<WallClockTime::duration>(*kernel));
  return wall_clock_();
}

void JsonSink::on_send_failed(std::size_t target, int err) {
  write_local_error(target, std::strerror(err));
}

void JsonSink::on_local_error(std::size_t target, int err, std::uint32_t info) {
  write_local_error(target, local_error_text(err, info, targets_[target].family));
}

void JsonSink::write_local_error(std::size_t target, std::string_view message) {
  if (settings_.quiet) return;
  JsonLine line(out_);
  begin(line, "local_error", target).null_field("seq").field("message", message);
  line.unix_seconds("time", wall_clock_()).finish();
}

void JsonSink::on_reply(std::size_t target, const ReplyEvent& event) {
  if (settings_.quiet) return;
  if (event.status == ReplyStatus::kBadChecksum) return write_corrupt(target, event, "checksum");
  if (event.mismatch) return write_corrupt(target, event, "payload");
  write_reply(target, event);
}

void JsonSink::write_reply(std::size_t target, const ReplyEvent& event) {
  const bool duplicate = event.status == ReplyStatus::kDuplicate;
  JsonLine line(out_);
  begin(line, "reply", target).field("seq", event.sequence);
  line.field("bytes", static_cast<std::uint64_t>(event.icmp_bytes));
  line.field("ttl", event.ttl ? std::optional<unsigned>(*event.ttl) : std::nullopt);
  line.millis("rtt_ms", event.rtt).field("duplicate", duplicate);
  line.unix_seconds("time", event_time(event.received_at));
  if (!duplicate && stats_.last_reply().reordered) line.field("reordered", true);
  if (!duplicate && stats_.last_reply().ttl_changed) line.field("ttl_changed", true);
  if (event.different_address) line.field("from", address_text(event.from));
  line.finish();
}

void JsonSink::write_corrupt(std::size_t target, const ReplyEvent& event, std::string_view reason) {
  JsonLine line(out_);
  begin(line, "corrupt", target).field("seq", event.sequence);
  line.field("bytes", static_cast<std::uint64_t>(event.icmp_bytes));
  line.field("ttl", event.ttl ? std::optional<unsigned>(*event.ttl) : std::nullopt);
  line.millis("rtt_ms", event.rtt).field("reason", reason);
  line.unix_seconds("time", event_time(event.received_at));
  if (event.different_address) line.field("from", address_text(event.from));
  line.finish();
}

void JsonSink::on_icmp_error(std::size_t target, const IcmpErrorEvent& event) {
  if (settings_.quiet) return;
  JsonLine line(out_);
  begin(line, "error", target).field("seq", event.sequence);
  if (event.from) {
    line.field("from", address_text(*event.from));
  } else {
    line.null_field("from");
  }
  line.field("icmp_type", static_cast<unsigned>(event.type)).field("icmp_code", static_cast<unsigned>(event.code));
  line.field("message", describe_icmp(targets_[target].family, event.type, event.code, event.info));
  line.unix_seconds("time", wall_clock_()).finish();
}

void JsonSink::on_lost(std::size_t target, std::uint16_t sequence) {
  if (settings_.quiet) return;
  JsonLine line(out_);
  begin(line, "timeout", target).field("seq", sequence).unix_seconds("time", wall_clock_()).finish();
}

void JsonSink::interval(std::size_t target, const IntervalFigures& f) {
  JsonLine line(out_);
  begin(line, "interval", target).unix_seconds("time", wall_clock_());
  line.field("transmitted", f.transmitted).field("received", f.received);
  line.fixed("loss_percent", loss_percent(f.transmitted, f.received), 3);
  const bool some = f.rtt.count > 0;
  line.begin_object("rtt_ms");
  line.millis("min", some ? std::optional(f.rtt.min) : std::nullopt);
  line.millis("avg", some ? std::optional(f.rtt.sum / static_cast<Duration::rep>(f.rtt.count)) : std::nullopt);
  line.millis("max", some ? std::optional(f.rtt.max) : std::nullopt);
  line.end_object().millis("outage_ms", f.outage).finish();
}

void JsonSink::status(std::size_t target, const Summary& s, MonoTime now) {
  const auto transmitted = count_of(s.counts.transmitted);
  const auto received = count_of(s.counts.received);
  JsonLine line(out_);
  begin(line, "status", target).unix_seconds("time", wall_clock_());
  line.field("transmitted", transmitted).field("received", received);
  line.fixed("loss_percent", loss_percent(transmitted, received), 3);
  line.begin_object("rtt_ms");
  line.millis("min", s.rtt ? std::optional(s.rtt->min) : std::nullopt);
  line.millis("avg", s.rtt ? std::optional(s.rtt->avg) : std::nullopt);
  line.millis("max", s.rtt ? std::optional(s.rtt->max) : std::nullopt);
  line.end_object().millis("outage_ms", stats_.of(target).outage(now).total).finish();
}

void JsonSink::summary(std::size_t target, const Summary& s, MonoTime now) {
  const ReplyStats& stats = stats_.of(target);
  const auto transmitted = count_of(s.counts.transmitted);
  const auto received = count_of(s.counts.received);
  JsonLine line(out_);
  begin(line, "summary", target).field("transmitted", transmitted).field("received", received);
  line.field("duplicates", count_of(s.counts.duplicates)).field("corrupt", count_of(s.counts.corrupted));
  line.field("errors", count_of(s.counts.errors));
  line.fixed("loss_percent", loss_percent(transmitted, received), 3);
  line.millis("time_ms", s.counts.elapsed);
  write_rtt(line, s, stats);
  line.millis("jitter_ms", stats.jitter());
  line.field("reordered", stats.reordered()).field("ttl_changes", stats.ttl_changes());
  const auto outage = stats.outage(now);
  line.begin_object("outage_ms").millis("total", outage.total).millis("longest", outage.longest);
  line.end_object().finish();
}

void JsonSink::write_rtt(JsonLine& line, const Summary& s, const ReplyStats& stats) {
  const QuantileSketch& q = stats.rtt_quantiles();
  const std::optional<RttFigures>& r = s.rtt;
  const std::uint64_t samples = count_of(s.counts.received) + count_of(s.counts.duplicates);
  line.begin_object("rtt_ms");
  line.millis("min", r ? std::optional(r->min) : std::nullopt);
  line.millis("avg", r ? std::optional(r->avg) : std::nullopt);
  line.millis("max", r ? std::optional(r->max) : std::nullopt);
  line.millis("mdev", r ? std::optional(r->mdev) : std::nullopt);
  line.millis("stddev", r ? sample_stddev(r->mdev, samples) : std::nullopt);
  line.millis("p50", q.quantile(0.50)).millis("p90", q.quantile(0.90));
  line.millis("p95", q.quantile(0.95)).millis("p99", q.quantile(0.99));
  line.millis("p999", q.quantile(0.999)).end_object();
}

}  // namespace bp
