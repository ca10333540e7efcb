#include "ping/output/stats_text.h"

#include <ctime>

#include "ping/output/report_format.h"

namespace bp {
namespace {

using report_detail::append_decimal;
using report_detail::append_microseconds_as_ms;

void append_ms(std::string& out, Duration d) {
  append_microseconds_as_ms(out, std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

void append_percentiles(std::string& out, const QuantileSketch& q) {
  static constexpr double kPoints[] = {0.50, 0.90, 0.95, 0.99, 0.999};
  out += "rtt p50/p90/p95/p99/p99.9 = ";
  const char* separator = "";
  for (double p : kPoints) {
    out += separator;
    append_ms(out, q.quantile(p).value_or(Duration::zero()));
    separator = "/";
  }
  out += " ms\n";
}

void append_spread(std::string& out, const ReplyStats& stats, const Summary& summary) {
  const auto samples = static_cast<std::uint64_t>(summary.counts.received + summary.counts.duplicates);
  const auto stddev = summary.rtt ? sample_stddev(summary.rtt->mdev, samples) : std::nullopt;
  const auto jitter = stats.jitter();
  if (!jitter && !stddev) return;
  if (jitter) {
    out += "jitter ";
    append_ms(out, *jitter);
    out += " ms";
  }
  if (stddev) {
    out += jitter ? ", stddev " : "stddev ";
    append_ms(out, *stddev);
    out += " ms";
  }
  out += '\n';
}

}  // namespace

std::string format_stats_lines(const ReplyStats& stats, const Summary& summary, MonoTime now) {
  std::string out;
  if (stats.rtt_quantiles().count() > 0) append_percentiles(out, stats.rtt_quantiles());
  append_spread(out, stats, summary);
  const auto outage = stats.outage(now);
  out += "outage total/longest = ";
  append_ms(out, outage.total);
  out += '/';
  append_ms(out, outage.longest);
  out += " ms, reordered ";
  append_decimal(out, stats.reordered());
  out += ", ttl changes ";
  append_decimal(out, stats.ttl_changes());
  out += '\n';
  return out;
}

std::string format_interval_stamp(WallClockTime now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  localtime_r(&t, &local);
  std::string out = "[";
  append_decimal(out, static_cast<std::uint64_t>(local.tm_hour), 2);
  out += ':';
  append_decimal(out, static_cast<std::uint64_t>(local.tm_min), 2);
  out += ':';
  append_decimal(out, static_cast<std::uint64_t>(local.tm_sec), 2);
  out += "]\n";
  return out;
}

std::string format_interval_line(std::string_view host, const IntervalFigures& f) {
  std::string out(host);
  out += " : xmt/rcv/%loss = ";
  append_decimal(out, f.transmitted);
  out += '/';
  append_decimal(out, f.received);
  out += '/';
  // fping's integer percentage; no loss when more came back than went out in the interval.
  const std::uint64_t lost = f.transmitted > f.received ? f.transmitted - f.received : 0;
  append_decimal(out, f.transmitted == 0 ? 0 : lost * 100 / f.transmitted);
  out += "%, outage(ms) = ";
  append_decimal(out, static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(f.outage).count()));
  if (f.rtt.count > 0) {
    out += ", min/avg/max = ";
    append_ms(out, f.rtt.min);
    out += '/';
    append_ms(out, f.rtt.sum / static_cast<Duration::rep>(f.rtt.count));
    out += '/';
    append_ms(out, f.rtt.max);
  }
  out += '\n';
  return out;
}

}  // namespace bp
