#include "ping/packet/ip_options.h"

#include <algorithm>
#include <string_view>

#include "ping/packet/hex_text.h"

namespace bp {
namespace {

// RFC 791: the smallest pointer of a route option (nothing recorded) and of a timestamp option.
constexpr std::size_t kRouteMinPointer = 4;
constexpr std::size_t kTimestampMinPointer = 5;
// Route and timestamp data start after type, length, pointer (and the flags byte for TS).
constexpr std::size_t kRouteDataOffset = 3;
constexpr std::size_t kTimestampDataOffset = 4;
constexpr std::size_t kFieldSize = 4;  // one address or one timestamp
constexpr std::size_t kRecordRouteSlots = 9;

std::uint32_t read_be32(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint32_t>(bytes[at]) << 24 |
         static_cast<std::uint32_t>(bytes[at + 1]) << 16 |
         static_cast<std::uint32_t>(bytes[at + 2]) << 8 | static_cast<std::uint32_t>(bytes[at + 3]);
}

// An option as iputils walks it: `bytes` runs from the option's type byte to the end of the
// options area, `length` is the option's length byte (2..bytes.size()). iputils' loops count
// entries from the pointer and may read an entry that starts inside the option and ends in the
// next option's bytes; those are read here as well, but never past the options area.
struct OptionView {
  std::span<const std::uint8_t> bytes;
  std::size_t length = 0;

  std::uint8_t type() const { return bytes[0]; }
  bool has(std::size_t at) const { return at <= bytes.size() && bytes.size() - at >= kFieldSize; }

  // iputils' count of meaningful bytes: the pointer capped at the option length, minus the
  // smallest pointer. Positive means at least one (possibly partial) entry to print.
  std::ptrdiff_t recorded_length(std::size_t min_pointer) const {
    if (length <= 2) return 0;  // no pointer byte; iputils' cap makes this <= 0 anyway
    const std::size_t pointer = std::min<std::size_t>(bytes[2], length);
    return static_cast<std::ptrdiff_t>(pointer) - static_cast<std::ptrdiff_t>(min_pointer);
  }
};

void append_address(std::string& out, const OptionView& option, std::size_t at,
                    const AddressText& address_text) {
  const std::span<const std::uint8_t, 4> octets(option.bytes.subspan(at, 4));
  const IpAddress address = IpAddress::v4(octets);
  out += '\t';
  const bool zero =
      std::all_of(octets.begin(), octets.end(), [](std::uint8_t b) { return b == 0; });
  out += zero || !address_text ? ipv4_dotted_quad(address) : address_text(address);
}

void append_record_route(std::string& out, const OptionView& option, RecordRouteMemory& memory,
                         const AddressText& address_text) {
  const std::ptrdiff_t length = option.recorded_length(kRouteMinPointer);
  if (length <= 0) return;
  // iputils prints one address per started group of 4 recorded bytes.
  std::size_t count = (static_cast<std::size_t>(length) + kFieldSize - 1) / kFieldSize;
  while (count > 0 && !option.has(kRouteDataOffset + (count - 1) * kFieldSize)) --count;
  const auto addresses = option.bytes.subspan(kRouteDataOffset, count * kFieldSize);
  const auto recorded = static_cast<std::size_t>(length);
  if (memory.same_as(recorded, addresses)) {
    out += "\t(same route)";
    return;
  }
  memory.remember(recorded, addresses);
  out += "\nRR: ";
  for (std::size_t i = 0; i < count; ++i) {
    append_address(out, option, kRouteDataOffset + i * kFieldSize, address_text);
    out += '\n';
  }
}

// iputils keeps one baseline for standard and one for non-standard (high bit set) values; the
// first of each kind, and any value after a baseline of 0, is printed as absolute.
struct TimestampBaselines {
  std::int64_t standard = 0;
  std::int64_t non_standard = 0;
};

void append_timestamp_value(std::string& out, std::uint32_t raw, TimestampBaselines& base) {
  out += '\t';
  if ((raw & 0x80000000u) != 0) {
    const std::int64_t value = raw & 0x7fffffffu;
    if (base.non_standard == 0) {
      out += std::to_string(value) + " absolute not-standard";
    } else {
      out += std::to_string(value - base.non_standard) + " not-standard";
    }
    base.non_standard = value;
  } else {
    const std::int64_t value = raw;
    if (base.standard == 0) {
      out += std::to_string(value) + " absolute";
    } else {
      out += std::to_string(value - base.standard);
    }
    base.standard = value;
  }
}

void append_timestamp(std::string& out, const OptionView& option, const AddressText& address_text) {
  std::ptrdiff_t remaining = option.recorded_length(kTimestampMinPointer);
  if (remaining <= 0) return;
  const std::uint8_t flags = option.bytes[3];
  // Any flag but "timestamps only" is read as address/timestamp pairs, as iputils does.
  const bool with_addresses =
      (flags & 0x0f) != static_cast<std::uint8_t>(TimestampFlag::kTimestampsOnly);
  out += "\nTS: ";
  TimestampBaselines baselines;
  std::size_t at = kTimestampDataOffset;
  while (remaining > 0) {
    if (with_addresses) {
      if (!option.has(at)) break;
      append_address(out, option, at, address_text);
      at += kFieldSize;
      remaining -= static_cast<std::ptrdiff_t>(kFieldSize);
      if (remaining <= 0) break;  // an address without its timestamp: no newline, as iputils
    }
    if (!option.has(at)) break;
    append_timestamp_value(out, read_be32(option.bytes, at), baselines);
    at += kFieldSize;
    remaining -= static_cast<std::ptrdiff_t>(kFieldSize);
    out += '\n';
  }
  if (const int overflow = flags >> 4; overflow != 0) {
    out += "Unrecorded hops: " + std::to_string(overflow) + "\n";
  }
}

// iputils prints every slot the length allows, recorded or not, one per line. Slots start
// after the pointer byte (iputils reads one byte early; see the header).
void append_source_route(std::string& out, const OptionView& option,
                         const AddressText& address_text) {
  out += option.type() == kIpOptionStrictSourceRoute ? "\nSSRR: " : "\nLSRR: ";
  if (option.length <= kRouteMinPointer) return;
  const std::size_t slots = (option.length - kRouteDataOffset) / kFieldSize;
  for (std::size_t i = 0; i < slots; ++i) {
    append_address(out, option, kRouteDataOffset + i * kFieldSize, address_text);
    out += '\n';
  }
}

}  // namespace

std::vector<std::uint8_t> build_record_route_option() {
  std::vector<std::uint8_t> bytes(1 + kRouteDataOffset + kRecordRouteSlots * kFieldSize, 0);
  bytes[0] = kIpOptionNop;
  bytes[1] = kIpOptionRecordRoute;
  bytes[2] = static_cast<std::uint8_t>(bytes.size() - 1);
  bytes[3] = static_cast<std::uint8_t>(kRouteMinPointer);
  return bytes;
}

std::optional<IpOptionHopsError> check_timestamp_hops(TimestampFlag flag, std::size_t hop_count) {
  if (hop_count == 0) return std::nullopt;
  if (flag != TimestampFlag::kPrespecified) return IpOptionHopsError::kHopsNotAllowed;
  if (hop_count > kMaxPrespecifiedHops) return IpOptionHopsError::kTooManyHops;
  return std::nullopt;
}

Expected<std::vector<std::uint8_t>, IpOptionHopsError> build_timestamp_option(
    TimestampFlag flag, std::span<const IpAddress> prespecified_hops) {
  if (auto error = check_timestamp_hops(flag, prespecified_hops.size())) return Unexpected{*error};
  const auto is_ipv4 = [](const IpAddress& hop) { return hop.family == Family::kIpv4; };
  if (!std::all_of(prespecified_hops.begin(), prespecified_hops.end(), is_ipv4)) {
    return Unexpected{IpOptionHopsError::kHopNotIpv4};
  }
  std::size_t length = 0;
  switch (flag) {
    case TimestampFlag::kTimestampsOnly:
      length = 40;  // 9 timestamps
      break;
    case TimestampFlag::kTimestampsAndAddresses:
      length = 36;  // 4 pairs
      break;
    case TimestampFlag::kPrespecified:
      length = kTimestampDataOffset + 2 * kFieldSize * prespecified_hops.size();
      break;
  }
  std::vector<std::uint8_t> bytes(length, 0);
  bytes[0] = kIpOptionTimestamp;
  bytes[1] = static_cast<std::uint8_t>(length);
  bytes[2] = static_cast<std::uint8_t>(kTimestampMinPointer);
  bytes[3] = static_cast<std::uint8_t>(flag);
  std::size_t at = kTimestampDataOffset;
  for (const IpAddress& hop : prespecified_hops) {
    std::copy_n(hop.bytes.begin(), kFieldSize, bytes.begin() + static_cast<std::ptrdiff_t>(at));
    at += 2 * kFieldSize;  // the timestamp after it stays 0
  }
  return bytes;
}

bool RecordRouteMemory::same_as(std::size_t recorded_length,
                                std::span<const std::uint8_t> addresses) const {
  return recorded_length_ != 0 && recorded_length == recorded_length_ &&
         std::equal(addresses.begin(), addresses.end(), addresses_.begin(), addresses_.end());
}

void RecordRouteMemory::remember(std::size_t recorded_length,
                                 std::span<const std::uint8_t> addresses) {
  recorded_length_ = recorded_length;
  addresses_.assign(addresses.begin(), addresses.end());
}

std::string format_ip_options(std::span<const std::uint8_t> options, RecordRouteMemory& memory,
                              const AddressText& address_text) {
  std::string out;
  std::size_t at = 0;
  while (at < options.size()) {
    const std::uint8_t type = options[at];
    if (type == kIpOptionEnd) break;
    if (type == kIpOptionNop) {
      out += "\nNOP";
      ++at;
      continue;
    }
    // A type byte with no length byte after it: iputils would read past the options.
    if (options.size() - at < 2) break;
    const std::size_t length = options[at + 1];
    if (length < 2 || length > options.size() - at) break;
    const OptionView option{options.subspan(at), length};
    switch (type) {
      case kIpOptionRecordRoute:
        append_record_route(out, option, memory, address_text);
        break;
      case kIpOptionTimestamp:
        append_timestamp(out, option, address_text);
        break;
      case kIpOptionLooseSourceRoute:
      case kIpOptionStrictSourceRoute:
        append_source_route(out, option, address_text);
        break;
      default:
        out += "\nunknown option " + lowercase_hex(type);
        break;
    }
    at += length;
  }
  return out;
}

std::string ipv4_dotted_quad(const IpAddress& address) {
  std::string text;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i != 0) text += '.';
    text += std::to_string(address.bytes[i]);
  }
  return text;
}

}  // namespace bp
