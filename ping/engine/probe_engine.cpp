#include "ping/engine/probe_engine.h"

#include <algorithm>
#include <utility>
#include <utility>

#include "ping/engine/probe_token.h"
#include "ping/packet/payload.h"

namespace bp {
namespace {

std::uint16_t sequence_of(std::uint64_t round) { return static_cast<std::uint16_t>(round + 1); }

std::size_t family_index(Family f) { return f == Family::kIpv6 ? 1 : 0; }

SpreadPolicy spread_policy(const EngineConfig& c, std::size_t targets) {
  SpreadPolicy p;
  p.interval = c.interval;
  p.targets = targets;
  p.count = c.count;
  p.deadline = c.deadline;
  return p;
}

}  // namespace

ProbeEngine::ProbeEngine(EngineConfig config, std::vector<IpAddress> targets, MonoTime start)
    : config_(std::move(config)),
      targets_(std::move(targets)),
      index_(targets_),
      schedule_(spread_policy(config_, targets_.size()), start),
      windows_(targets_.size(), ProbeWindows::slots_for(config_.wait, config_.interval)),
      targets_state_(targets_.size()),
      packet_(kIcmpHeaderSize + config_.payload.size()),
      payload_(config_.payload) {
  if (config_.transmit_stamps) {
    for (TxKeys& keys : tx_keys_) keys.probe.assign(kTxKeys, kNoProbe);
  }
}

std::size_t ProbeEngine::send_due(MonoTime now, Network& network, ProbeEvents& events) {
  std::size_t sent = 0;
  while (sent < config_.max_sends_per_call) {
    const auto slot = schedule_.next(now);
    if (!slot || schedule_.due(*slot) > now) break;
    send_one(*slot, network, events);
    schedule_.advance();
    ++sent;
  }
  return sent;
}

void ProbeEngine::send_one(ProbeSlot slot, Network& network, ProbeEvents& events) {
  const std::size_t i = slot.target;
  const std::uint64_t r = slot.round;
  // The slot still holds the probe of round r - S: if it is pending, its time is up.
  if (r >= windows_.slots() && windows_.state(i, r) == ProbeState::kPending) {
    resolve(i, r, ProbeState::kLost);
    ++targets_state_[i].lost;
    events.on_lost(i, sequence_of(r - windows_.slots()));
  }
  write_probe_token(probe_token(config_.nonce, i, r), payload_);
  const auto message = build_echo_request(targets_[i].family, identifier(targets_[i].family), sequence_of(r),
                                          payload_, packet_);
  const MonoTime at = network.now();
  const int err = network.send(message, targets_[i]);
  windows_.set_sent_at(i, r, at);
  windows_.state(i, r) = err == 0 ? ProbeState::kPending : ProbeState::kFailed;
  TargetState& t = targets_state_[i];
  if (r == 0) t.first_sent_ns = at.time_since_epoch().count();
  t.last_sent_ns = at.time_since_epoch().count();
  events.on_sent(i, sequence_of(r));
  if (err == 0) {
    ++pending_;
    if (config_.transmit_stamps) remember_send(i, r);
    return;
  }
  ++t.errors;  // a failed send is transmitted and an error, as in iputils
  events.on_send_failed(i, err);
}

void ProbeEngine::remember_send(std::size_t target, std::uint64_t round) {
  TxKeys& keys = tx_keys_[family_index(targets_[target].family)];
  keys.probe[keys.next % kTxKeys] = (static_cast<std::uint64_t>(target) << 32) | (round & 0xFFFFFFFFu);
  ++keys.next;
}

void ProbeEngine::on_tx_stamp(Family family, std::uint32_t key, MonoTime at) {
  static constexpr Duration kMaxStampLag = std::chrono::seconds(1);
  TxKeys& keys = tx_keys_[family_index(family)];
  if (keys.probe.empty()) return;
  const std::uint64_t probe = std::exchange(keys.probe[key % kTxKeys], kNoProbe);
  if (probe == kNoProbe) return;
  const std::size_t i = static_cast<std::size_t>(probe >> 32);
  const std::uint64_t sent = i < targets_.size() ? schedule_.sent_to(i) : 0;
  if (sent == 0) return;
  // The newest round whose low 32 bits are the ones kept.
  const std::uint64_t round = sent - 1 - static_cast<std::uint32_t>(static_cast<std::uint32_t>(sent - 1) - static_cast<std::uint32_t>(probe));
  if (!windows_.in_window(sent, round)) return;
  const MonoTime read_before = windows_.sent_at(i, round);
  if (at < read_before || at - read_before > kMaxStampLag) return;  // not this send's stamp
  windows_.set_sent_at(i, round, at);
}

void ProbeEngine::resolve(std::size_t target, std::uint64_t round, ProbeState state) {
  ProbeState& s = windows_.state(target, round);
  if (s == ProbeState::kPending) --pending_;
  s = state;
}

void ProbeEngine::expire(MonoTime now, ProbeEvents& events) {
  const ProbeSlot end = schedule_.cursor();
  while (expiry_ < end) {
    const std::size_t i = expiry_.target;
    const std::uint64_t r = expiry_.round;
    if (windows_.in_window(schedule_.sent_to(i), r) && windows_.state(i, r) == ProbeState::kPending) {
      if (config_.wait <= Duration::zero() || windows_.sent_at(i, r) + config_.wait > now) return;
      resolve(i, r, ProbeState::kLost);
      ++targets_state_[i].lost;
      events.on_lost(i, sequence_of(r));
    }
    if (++expiry_.target == targets_.size()) {
      expiry_.target = 0;
      ++expiry_.round;
    }
  }
}

std::optional<std::uint64_t> ProbeEngine::round_of(std::size_t target, std::uint16_t sequence) const {
  const std::uint64_t sent = schedule_.sent_to(target);
  if (sent == 0) return std::nullopt;
  // The newest probe (round sent - 1) carries seq sent mod 65536; count back from it.
  const std::uint64_t back = static_cast<std::uint16_t>(static_cast<std::uint16_t>(sent) - sequence);
  if (back >= sent) return std::nullopt;
  const std::uint64_t round = sent - 1 - back;
  if (!windows_.in_window(sent, round)) return std::nullopt;
  return round;
}

Duration ProbeEngine::rtt(std::size_t target, std::uint64_t round, const ReadMeta& meta) const {
  const MonoTime sent = windows_.sent_at(target, round);
  MonoTime arrival = meta.read_at;
  if (meta.kernel_rx_mono && *meta.kernel_rx_mono >= sent && *meta.kernel_rx_mono <= meta.read_at) {
    arrival = *meta.kernel_rx_mono;
  }
  return std::max(arrival - sent, Duration::zero());
}

ReplyEvent ProbeEngine::reply_event(const EchoReply& reply, const Envelope& envelope,
                                    const ReadMeta& meta) const {
  ReplyEvent event;
  event.sequence = reply.sequence;
  event.identifier = reply.identifier;
  event.icmp_bytes = reply.icmp_length;
  event.from = envelope.source.value_or(meta.from);
  event.ttl = envelope.ttl;
  event.ip_options = envelope.ip_options;
  event.received_at = meta.kernel_rx;
  const std::size_t sent_size = payload_.size();
  event.truncated = meta.cut_by_buffer || reply.payload.size() < sent_size;
  if (!event.truncated) {
    event.payload = reply.payload.first(sent_size);
    // The token was checked already; the rest is the fill pattern, the same in every probe.
    const std::size_t skip = std::min(kProbeTokenBytes, sent_size);
    if (auto m = find_payload_mismatch(std::span(payload_).subspan(skip), reply.payload.subspan(skip))) {
      m->index += skip;
      event.mismatch = m;
    }
  }
  return event;
}

void ProbeEngine::on_echo_reply(const EchoReply& reply, const Envelope& envelope,
                                const ReadMeta& meta, ProbeEvents& events) {
  auto target = index_.find(envelope.source.value_or(meta.from));
  if (target && reply.identifier != identifier(targets_[*target].family)) target.reset();
  const auto round = target ? round_of(*target, reply.sequence) : std::nullopt;
  if (!round || !has_probe_token(probe_token(config_.nonce, *target, *round), reply.payload,
                                 payload_.size())) {
    ++foreign_;
    return;
  }
  const std::size_t i = *target;
  TargetState& t = targets_state_[i];
  const ProbeState state = windows_.state(i, *round);
  if (state != ProbeState::kPending && state != ProbeState::kAnswered) return;  // too late
  const Duration time = rtt(i, *round, meta);
  if (config_.wait > Duration::zero() && time >= config_.wait) {
    // It came after the probe's wait, though the loop read it before expire() saw the wait
    // end: the probe is lost, as it would be had the loop woken on time.
    if (state == ProbeState::kPending) {
      resolve(i, *round, ProbeState::kLost);
      ++t.lost;
      events.on_lost(i, sequence_of(*round));
    }
    return;
  }
  ReplyEvent event = reply_event(reply, envelope, meta);
  event.rtt = time;
  if (!reply.checksum_ok) {
    ++t.corrupted;  // shown, kept out of every figure (as with one target)
    event.status = ReplyStatus::kBadChecksum;
  } else if (state == ProbeState::kPending) {
    resolve(i, *round, ProbeState::kAnswered);
    ++t.received;
    t.stats.add(time);
    t.last_rtt_ns = time.count();
    event.status = ReplyStatus::kFirst;
  } else {
    ++t.duplicates;
    t.stats.add(time);  // iputils counts duplicates in the RTT statistics
    event.status = ReplyStatus::kDuplicate;
  }
  events.on_reply(i, event);
}

std::optional<ProbeEngine::Match> ProbeEngine::match_error(const IpAddress& destination,
                                                           const EchoRequest& request) const {
  const auto target = index_.find(destination);
  if (!target || request.identifier != identifier(destination.family)) return std::nullopt;
  const auto round = round_of(*target, request.sequence);
  if (!round) return std::nullopt;
  return Match{*target, *round};
}

void ProbeEngine::on_queued_error(const IpAddress& destination, std::span<const std::uint8_t> quoted,
                                  std::uint8_t type, std::uint8_t code, std::uint32_t info,
                                  const std::optional<IpAddress>& from, ProbeEvents& events) {
  const auto request = parse_sent_echo_request(destination.family, quoted);
  const auto match = request ? match_error(destination, *request) : std::nullopt;
  if (!match) {
    ++foreign_;
    return;
  }
  ++targets_state_[match->target].errors;
  // The probe will have no reply worth counting: it leaves the pending ones now, not at -W.
  if (windows_.state(match->target, match->round) == ProbeState::kPending) {
    resolve(match->target, match->round, ProbeState::kErrored);
  }
  IcmpErrorEvent event;
  event.origin = ErrorOrigin::kErrorQueue;
  event.sequence = request->sequence;
  event.from = from;
  event.type = type;
  event.code = code;
  event.info = info;
  events.on_icmp_error(match->target, event);
}

void ProbeEngine::on_in_band_error(const IcmpError& error, const Envelope& envelope,
                                   ProbeEvents& events) {
  const auto request = error.quoted.echo_request();
  const auto match = request ? match_error(error.quoted.destination, *request) : std::nullopt;
  if (!match) return;  // in band, most errors are other people's: not even foreign
  IcmpErrorEvent event;  // shown, not counted (iputils)
  event.origin = ErrorOrigin::kInBand;
  event.sequence = request->sequence;
  event.from = envelope.source;
  event.type = error.type;
  event.code = error.code;
  event.info = error.info;
  event.checksum_ok = error.checksum_ok;
  events.on_icmp_error(match->target, event);
}

void ProbeEngine::on_local_error(const IpAddress& destination, int err, std::uint32_t info,
                                 ProbeEvents& events) {
  const auto target = index_.find(destination);
  if (!target) return;
  ++targets_state_[*target].errors;
  events.on_local_error(*target, err, info);
}

std::optional<MonoTime> ProbeEngine::next_wakeup(MonoTime now) const {
  std::optional<MonoTime> wake = schedule_.next_due(now);
  auto earliest = [&wake](MonoTime t) {
    if (!wake || t < *wake) wake = t;
  };
  if (const auto end = schedule_.deadline()) earliest(*end);
  if (expiry_ < schedule_.cursor() && config_.wait > Duration::zero()) {
    const std::size_t i = expiry_.target;
    const std::uint64_t r = expiry_.round;
    const bool pending = windows_.in_window(schedule_.sent_to(i), r) && windows_.state(i, r) == ProbeState::kPending;
    earliest(pending ? windows_.sent_at(i, r) + config_.wait : now);
  }
  return wake;
}

// A probe still pending when the run ends will never have a reply counted: it is lost now, so
// that every probe is reported as answered, errored or lost exactly once.
void ProbeEngine::finish(ProbeEvents& events) {
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const std::uint64_t sent = schedule_.sent_to(i);
    const std::uint64_t first = sent > windows_.slots() ? sent - windows_.slots() : 0;
    for (std::uint64_t r = first; r < sent; ++r) {
      if (windows_.state(i, r) != ProbeState::kPending) continue;
      resolve(i, r, ProbeState::kLost);
      ++targets_state_[i].lost;
      events.on_lost(i, sequence_of(r));
    }
    events.on_target_done(i);
  }
}

TargetFigures ProbeEngine::figures(std::size_t target) const {
  const TargetState& t = targets_state_[target];
  TargetFigures f;
  f.transmitted = schedule_.sent_to(target);
  f.received = t.received;
  f.duplicates = t.duplicates;
  f.corrupted = t.corrupted;
  f.errors = t.errors;
  f.lost = t.lost;
  f.elapsed = Duration(t.last_sent_ns - t.first_sent_ns);
  if (t.last_rtt_ns >= 0) f.last_rtt = Duration(t.last_rtt_ns);
  return f;
}

int ProbeEngine::exit_status() const {
  const bool need_count = config_.count != 0 && config_.deadline.has_value();
  for (const TargetState& t : targets_state_) {
    if (t.received == 0 || (need_count && t.received < config_.count)) return 1;
  }
  return 0;
}

}  // namespace bp
