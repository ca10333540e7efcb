#include "ping/engine/probe_session.h"

#include <utility>

namespace bp {

ProbeSession::ProbeSession(SessionConfig config)
    : config_(std::move(config)),
      tracker_(config_.late_after > Duration::zero() ? config_.late_after : Duration::zero()) {}

void ProbeSession::on_sent(MonoTime sent_at, bool accepted) {
  const std::uint16_t seq = tracker_.on_sent(sent_at);
  if (accepted && config_.kernel_tx_stamps) tx_stamps_.on_sent(seq);
}

std::optional<ReplyEvent> ProbeSession::on_echo_reply(const EchoReply& reply, const Envelope& envelope,
                                                      const ReplyMeta& meta) {
  if (reply.identifier != config_.identifier) return std::nullopt;  // another ping's reply
  ReplyEvent event;
  event.sequence = reply.sequence;
  event.identifier = reply.identifier;
  event.icmp_bytes = reply.icmp_length;
  event.from = envelope.source.value_or(meta.from);
  event.ttl = envelope.ttl;
  event.ip_options = envelope.ip_options;
  event.received_at = meta.kernel_rx;
  event.different_address = !(event.from == config_.target);
  const auto tx = tx_stamps_.tx_time(reply.sequence);
  if (!reply.checksum_ok) {
    // Shown with the time since its probe, as iputils does, but kept out of every figure.
    ++corrupted_;
    event.status = ReplyStatus::kBadChecksum;
    if (const auto sent = tracker_.sent_at(reply.sequence)) {
      event.rtt = choose_rtt(meta.read_at - *sent, tx, meta.kernel_rx);
    }
    return event;
  }
  const ReplyMatch match = tracker_.on_reply(reply.sequence, meta.read_at);
  if (match.kind == ReplyKind::Unknown) return std::nullopt;  // a sequence we never sent
  const Duration rtt = choose_rtt(match.rtt, tx, meta.kernel_rx);
  stats_.add(rtt);  // iputils includes duplicates in the RTT statistics
  event.rtt = rtt;
  event.status = match.kind == ReplyKind::First ? ReplyStatus::kFirst : ReplyStatus::kDuplicate;
  const std::size_t sent_size = config_.payload.size();
  event.truncated = meta.cut_by_buffer || reply.payload.size() < sent_size;
  if (!event.truncated) {
    event.payload = reply.payload.first(sent_size);
    event.mismatch = find_payload_mismatch(config_.payload, reply.payload);
  }
  if (event.status == ReplyStatus::kFirst) last_rtt_ = rtt;
  return event;
}

std::optional<IcmpErrorEvent> ProbeSession::on_queued_error(std::span<const std::uint8_t> quoted,
                                                            std::uint8_t type, std::uint8_t code,
                                                            std::uint32_t info,
                                                            const std::optional<IpAddress>& from) {
  const auto request = parse_sent_echo_request(config_.target.family, quoted);
  if (!request || request->identifier != config_.identifier) return std::nullopt;
  // iputils acknowledges the probe for IPv4 errors only (ping4_receive_error_msg).
  const auto ack = config_.target.family == Family::kIpv6 ? SequenceTracker::ErrorAck::kCountOnly
                                                          : SequenceTracker::ErrorAck::kAcknowledge;
  if (!tracker_.on_error(request->sequence, ack)) return std::nullopt;  // not a probe we sent
  IcmpErrorEvent event;
  event.origin = ErrorOrigin::kErrorQueue;
  event.sequence = request->sequence;
  event.from = from;
  event.type = type;
  event.code = code;
  event.info = info;
  return event;
}

std::optional<IcmpErrorEvent> ProbeSession::on_in_band_error(const IcmpError& error,
                                                             const Envelope& envelope) {
  // Errors about our probes come through the error queue; in band we only see the kinds the
  // type filter lets through (redirect, source quench), shown when they quote our request.
  const auto request = error.quoted.echo_request();
  if (!request || request->identifier != config_.identifier ||
      !(error.quoted.destination == config_.target)) {
    return std::nullopt;
  }
  IcmpErrorEvent event;
  event.origin = ErrorOrigin::kInBand;
  event.sequence = request->sequence;
  event.from = envelope.source;
  event.type = error.type;
  event.code = error.code;
  event.info = error.info;
  event.checksum_ok = error.checksum_ok;
  return event;
}

SessionCounts ProbeSession::counts() const {
  const SequenceCounts& c = tracker_.counts();
  SessionCounts counts;
  counts.transmitted = c.transmitted;
  counts.received = c.received;
  counts.duplicates = c.duplicates;
  counts.corrupted = corrupted_;
  counts.errors = c.errors + local_errors_;
  return counts;
}

}  // namespace bp
