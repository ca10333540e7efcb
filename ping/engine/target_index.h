#pragma once
// TargetIndex: which target a reply's source address is. A sorted array of (address, target)
// searched by binary search: 24 bytes per target, no allocation after construction (a hash map
// costs about three times that per entry at 100 000 targets). Addresses are unique (the caller
// drops duplicate targets first).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ping/packet/ip_address.h"

namespace bp {

class TargetIndex {
 public:
  explicit TargetIndex(std::span<const IpAddress> targets);
  std::optional<std::size_t> find(const IpAddress& address) const;

 private:
  struct Entry {
    IpAddress address;
    std::uint32_t target;
  };
  std::vector<Entry> entries_;
};

}  // namespace bp
