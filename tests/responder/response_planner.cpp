#include "tests/responder/response_planner.h"

#include <algorithm>

namespace bp::responder {
namespace {

// SplitMix64's output function (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", 2014): a bijection on 64 bits whose output bits all depend on every input bit,
// so neighbouring sequence numbers get unrelated delays.
std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::chrono::nanoseconds spread_delay(std::uint16_t identifier, std::uint16_t sequence,
                                      std::chrono::nanoseconds spread) {
  if (spread <= std::chrono::nanoseconds::zero()) return std::chrono::nanoseconds::zero();
  const std::uint64_t key = (std::uint64_t{identifier} << 16) | std::uint64_t{sequence};
  // The modulo's bias is below 2^-24 for spreads up to a minute: nothing a test can see.
  const auto range = static_cast<std::uint64_t>(spread.count());
  return std::chrono::nanoseconds(static_cast<std::int64_t>(mix64(key) % range));
}

Scenario ResponsePlanner::scenario_for(std::uint64_t request_number) const {
  return request_number % config_.every == 0 ? config_.scenario : Scenario::kNormal;
}

void ResponsePlanner::enqueue(MonoTime due, Datagram datagram, bool noise) {
  queue_.emplace(Key{due, next_order_++}, Pending{std::move(datagram), noise});
}

void ResponsePlanner::on_request(const EchoRequestIn& request, MonoTime arrival) {
  if (counts_.requests >= config_.max_packets) {
    ++counts_.ignored;
    return;
  }
  const std::uint64_t number = ++counts_.requests;
  for (std::size_t i = 0; i < config_.noise_per_request && noise_planned_ < config_.noise_limit;
       ++i) {
    enqueue(arrival, build_noise(request, noise_planned_++), /*noise=*/true);
  }
  const Scenario scenario = scenario_for(number);
  const MonoTime due = arrival + config_.delay +
                       spread_delay(request.identifier, request.sequence, config_.delay_spread);
  std::vector<Datagram> replies = build_replies(request, scenario, config_.reply);
  if (scenario == Scenario::kReorder && !held_) {
    held_ = Held{std::move(replies), due, due + config_.hold_limit};
    return;
  }
  for (Datagram& d : replies) enqueue(due, std::move(d), false);
  if (held_) {
    // Behind this request's reply: same due time or later, later planning order.
    const MonoTime held_due = std::max(due, held_->due);
    for (Datagram& d : held_->replies) enqueue(held_due, std::move(d), false);
    held_.reset();
  }
}

std::vector<Datagram> ResponsePlanner::take_due(MonoTime now) {
  if (held_ && held_->release <= now) {
    for (Datagram& d : held_->replies) enqueue(held_->release, std::move(d), false);
    held_.reset();
  }
  std::vector<Datagram> due;
  while (!queue_.empty() && queue_.begin()->first.first <= now) {
    Pending& p = queue_.begin()->second;
    ++(p.noise ? counts_.noise : counts_.replies);
    due.push_back(std::move(p.datagram));
    queue_.erase(queue_.begin());
  }
  return due;
}

std::optional<MonoTime> ResponsePlanner::next_due() const {
  std::optional<MonoTime> next;
  if (!queue_.empty()) next = queue_.begin()->first.first;
  if (held_ && (!next || held_->release < *next)) next = held_->release;
  return next;
}

}  // namespace bp::responder
