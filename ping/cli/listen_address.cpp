#include "ping/cli/listen_address.h"

#include <charconv>

#include "ping/cli/message_quote.h"
#include "ping/net/socket_address.h"

namespace bp {
namespace {

constexpr std::string_view kPrefix = "--metrics-listen: ";

std::string not_address_port(std::string_view text) {
  return std::string(kPrefix) + quoted_for_message(text) +
         " is not ADDRESS:PORT with a numeric address (127.0.0.1:9374, [::1]:9374)";
}

Expected<std::uint16_t, std::string> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value > 65535) {
    return Unexpected{std::string(kPrefix) + "port " + quoted_for_message(text) +
                      " is not a number from 0 to 65535"};
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Expected<ListenAddress, std::string> parse_listen_address(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return Unexpected{not_address_port(text)};
  std::string_view host = text.substr(0, colon);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  const std::optional<IpAddress> address = parse_numeric_address(std::string(host));
  // IPv6 needs its brackets, IPv4 must not have them: "::1:80" would be ambiguous.
  if (!address || bracketed != (address->family == Family::kIpv6)) {
    return Unexpected{not_address_port(text)};
  }
  auto port = parse_port(text.substr(colon + 1));
  if (!port) return Unexpected{port.error()};
  return ListenAddress{*address, *port};
}

bool is_loopback(const IpAddress& a) {
  if (a.family == Family::kIpv4) return a.bytes[0] == 127;
  bool zero_to_10 = true;
  for (std::size_t i = 0; i < 10; ++i) zero_to_10 = zero_to_10 && a.bytes[i] == 0;
  if (zero_to_10 && a.bytes[10] == 0xFF && a.bytes[11] == 0xFF) return a.bytes[12] == 127;
  bool zero_to_15 = zero_to_10 && a.bytes[10] == 0 && a.bytes[11] == 0;
  for (std::size_t i = 12; i < 15; ++i) zero_to_15 = zero_to_15 && a.bytes[i] == 0;
  return zero_to_15 && a.bytes[15] == 1;
}

std::string listen_address_text(const ListenAddress& listen) {
  const std::string host = address_text(listen.address);
  const std::string port = std::to_string(listen.port);
  return listen.address.family == Family::kIpv6 ? "[" + host + "]:" + port : host + ":" + port;
}

}  // namespace bp
