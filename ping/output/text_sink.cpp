#include "ping/output/text_sink.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "ping/packet/icmp_error_text.h"
#include "ping/net/socket_address.h"

namespace bp {
namespace {

WallClockTime to_wall(KernelTime t) {
  return WallClockTime(std::chrono::duration_cast<WallClockTime::duration>(t));
}

}  // namespace

TextSink::TextSink(TextSinkSettings settings, IpAddress target, WallClock wall_clock,
                   NameLookup names, std::string& out, std::string& err)
    : settings_(std::move(settings)),
      target_(target),
      wall_clock_(std::move(wall_clock)),
      names_(std::move(names)),
      out_(out),
      err_(err) {
  if (!names_) target_peer_ = peer_text(target_);
}

// Worked out once, so a reply line costs no address conversion.
void TextSink::target_name_known() { target_peer_ = peer_text(target_); }

void TextSink::on_header(const HeaderLine& header, const std::optional<PayloadPattern>& pattern) {
  if (pattern && !settings_.quiet) out_ += format_pattern_line(pattern->view());
  out_ += format_header(header);
}

// Flood marks are terminal animation ("\b \b" erases a dot).
void TextSink::mark(FloodMark m) {
  if (settings_.flood_marks) out_ += flood_mark(m);
}

void TextSink::on_sent() {
  if (settings_.flood) mark(FloodMark::kSent);
}

void TextSink::on_send_failed(int err) {
  if (settings_.flood_marks) {
    mark(FloodMark::kLocalError);
  } else {
    err_ += format_send_error(settings_.program, std::strerror(err));
  }
}

void TextSink::on_no_answer_yet(std::uint16_t sequence) {
  out_ += format_no_answer_line(sequence, stamp(std::nullopt));
}

void TextSink::on_reply(const ReplyEvent& event) {
  if (settings_.flood) {
    if (event.status == ReplyStatus::kFirst) mark(FloodMark::kReply);
    if (event.status == ReplyStatus::kBadChecksum) mark(FloodMark::kBadChecksum);
    if (settings_.audible && !settings_.quiet) out_ += '\a';
    return;
  }
  if (settings_.quiet) return;
  append_reply_line(out_, reply_line(event));
}

// What iputils prints for a reply, whatever is wrong with it.
ReplyLine TextSink::reply_line(const ReplyEvent& event) {
  ReplyLine line;
  line.timestamp = stamp(event.received_at);
  line.icmp_bytes = event.icmp_bytes;
  line.from = peer(event.from);
  line.sequence = event.sequence;
  if (settings_.show_identifier) line.ident = event.identifier;
  if (event.ttl) line.ttl = *event.ttl;
  line.rtt_three_decimals = settings_.three_decimals;
  line.audible = settings_.audible;
  line.rtt = event.rtt;
  line.bad_checksum = event.status == ReplyStatus::kBadChecksum;
  if (line.bad_checksum) return line;  // iputils shows nothing else for it
  line.truncated = event.truncated;
  line.duplicate = event.status == ReplyStatus::kDuplicate;
  line.different_address = event.different_address;
  if (!event.ip_options.empty()) {
    AddressText text;
    if (names_) text = [this](const IpAddress& address) { return peer_text(address); };
    options_text_ = format_ip_options(event.ip_options, route_memory_, text);
    line.ip_options = options_text_;
  }
  if (event.mismatch) {
    DataMismatch dm;
    dm.index = event.mismatch->index;
    dm.expected = event.mismatch->expected;
    dm.actual = event.mismatch->actual;
    dm.payload.assign(event.payload.begin(), event.payload.end());
    line.mismatch = std::move(dm);
  }
  return line;
}

void TextSink::on_icmp_error(const IcmpErrorEvent& event, Family family) {
  if (settings_.flood) {
    // In band errors are shown only as lines; queued ones as a mark.
    if (event.origin == ErrorOrigin::kErrorQueue) mark(FloodMark::kIcmpError);
    return;
  }
  if (settings_.quiet) return;
  IcmpErrorLine line;
  line.timestamp = stamp(std::nullopt);
  line.origin = event.origin == ErrorOrigin::kInBand ? IcmpErrorOrigin::kInBand
                                                     : IcmpErrorOrigin::kErrorQueue;
  line.from = event.from ? std::string(peer(*event.from)) : std::string("?");
  line.sequence = event.sequence;
  line.description = describe_icmp(family, event.type, event.code, event.info);
  line.bad_checksum = !event.checksum_ok;
  out_ += format_icmp_error_line(line);
}

void TextSink::on_local_error(int err, std::uint32_t info, Family family) {
  if (settings_.flood_marks) {
    mark(FloodMark::kLocalError);
  } else if (err == EMSGSIZE) {
    err_ += format_local_error_mtu(settings_.program, info, family == Family::kIpv6);
  } else {
    err_ += format_local_error(settings_.program, std::strerror(err));
  }
}

std::optional<RttFigures> rtt_figures_of(const RttStats& stats) {
  const auto s = stats.summary();
  if (!s) return std::nullopt;
  RttFigures f;
  f.min = s->min;
  f.avg = s->avg;
  f.max = s->max;
  f.mdev = s->mdev;
  f.ewma = stats.ewma().value_or(Duration::zero());
  return f;
}

void TextSink::on_summary(const Summary& summary, std::string_view after) {
  std::string block = format_summary(summary);
  if (!after.empty()) {
    const bool empty_last_line = block.size() >= 2 && block.ends_with("\n\n");
    if (empty_last_line) block.pop_back();
    block += after;
    if (empty_last_line) block += '\n';
  }
  out_ += block;
}

void TextSink::on_status(const Summary& summary, bool stderr_is_terminal) {
  std::string line = format_status_line(summary.counts, summary.rtt);
  // "\r" returns to the start of a terminal line; a log file gets the plain line.
  if (!stderr_is_terminal && !line.empty() && line.front() == '\r') line.erase(0, 1);
  err_ += line;
}

// -D: a reply is stamped when the kernel received it, other lines when they are written. A
// reply read after a line written later can carry the earlier time; printed stamps must never
// go backwards, so such a stamp is raised to the last one printed.
std::optional<WallClockTime> TextSink::stamp(std::optional<KernelTime> kernel) {
  if (!settings_.timestamps) return std::nullopt;
  const WallClockTime at = kernel ? to_wall(*kernel) : wall_clock_();
  last_stamp_ = last_stamp_ ? std::max(*last_stamp_, at) : at;
  return last_stamp_;
}

std::string_view TextSink::peer(const IpAddress& address) {
  if (target_peer_ && address == target_) return *target_peer_;
  other_peer_ = peer_text(address);
  return other_peer_;
}

std::string TextSink::peer_text(const IpAddress& address) const {
  const std::string text = address_text(address);
  if (!names_) return text;
  const auto name = names_(address);
  return format_peer(text, name ? std::optional<std::string_view>(*name) : std::nullopt);
}

}  // namespace bp
