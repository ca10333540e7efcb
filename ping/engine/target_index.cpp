#include "ping/engine/target_index.h"

#include <algorithm>
#include <tuple>

namespace bp {
namespace {

bool address_less(const IpAddress& a, const IpAddress& b) {
  return std::tie(a.family, a.bytes) < std::tie(b.family, b.bytes);
}

}  // namespace

TargetIndex::TargetIndex(std::span<const IpAddress> targets) {
  entries_.reserve(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    entries_.push_back(Entry{targets[i], static_cast<std::uint32_t>(i)});
  }
  std::sort(entries_.begin(), entries_.end(),
            [](const Entry& a, const Entry& b) { return address_less(a.address, b.address); });
}

std::optional<std::size_t> TargetIndex::find(const IpAddress& address) const {
  const auto it = std::lower_bound(
      entries_.begin(), entries_.end(), address,
      [](const Entry& e, const IpAddress& a) { return address_less(e.address, a); });
  if (it == entries_.end() || !(it->address == address)) return std::nullopt;
  return it->target;
}

}  // namespace bp
