#include "ping/output/targets_text_sink.h"

#include <utility>

namespace bp {

TargetsTextSink::TargetsTextSink(const ProbeEngine& engine, std::vector<std::string> names,
                                 TextSink& text, std::string& err)
    : engine_(engine), names_(std::move(names)), text_(text), err_(err) {}

void TargetsTextSink::headers(const std::vector<HeaderLine>& lines) {
  for (const HeaderLine& line : lines) text_.on_header(line, std::nullopt);
}

void TargetsTextSink::summaries(const std::function<std::string(std::size_t, const Summary&)>& after) {
  for (std::size_t i = 0; i < engine_.size(); ++i) {
    const Summary s = summary(i);
    text_.on_summary(s, after ? after(i, s) : std::string());
  }
}

void TargetsTextSink::status() {
  for (std::size_t i = 0; i < engine_.size(); ++i) {
    const Summary s = summary(i);
    std::string line = format_status_line(s.counts, s.rtt);
    if (!line.empty() && line.front() == '\r') line.erase(0, 1);
    err_ += names_[i];
    err_ += ": ";
    err_ += line;
  }
}

void TargetsTextSink::on_sent(std::size_t, std::uint16_t) { text_.on_sent(); }

void TargetsTextSink::on_send_failed(std::size_t, int err) { text_.on_send_failed(err); }

void TargetsTextSink::on_reply(std::size_t, const ReplyEvent& event) { text_.on_reply(event); }

void TargetsTextSink::on_icmp_error(std::size_t target, const IcmpErrorEvent& event) {
  text_.on_icmp_error(event, engine_.target(target).family);
}

void TargetsTextSink::on_local_error(std::size_t target, int err, std::uint32_t info) {
  text_.on_local_error(err, info, engine_.target(target).family);
}

Summary TargetsTextSink::summary(std::size_t target) const {
  const TargetFigures f = engine_.figures(target);
  Summary s;
  s.host = names_[target];
  s.counts.transmitted = static_cast<std::int64_t>(f.transmitted);
  s.counts.received = static_cast<std::int64_t>(f.received);
  s.counts.duplicates = static_cast<std::int64_t>(f.duplicates);
  s.counts.corrupted = static_cast<std::int64_t>(f.corrupted);
  s.counts.errors = static_cast<std::int64_t>(f.errors);
  s.counts.elapsed = f.elapsed;
  s.rtt = rtt_figures_of(engine_.rtt_stats(target));
  return s;
}

}  // namespace bp
