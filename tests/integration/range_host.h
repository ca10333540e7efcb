#pragma once
// A target host that answers every address of a whole range, for the many-target tests: the
// TestNet pair, with the ranges made local on the target's lo (AnyIP: a "local" route makes the
// kernel accept, and answer, any address it covers, with no address assigned) and routed there
// from the client:
//
//   client ns  198.18.0.1  2001:db8::1  ===veth===  198.18.0.2  2001:db8::2  target ns
//     route 198.19.0.0/16   via 198.18.0.2            local 198.19.0.0/16   dev lo
//     route 2001:db8:1::/64 via 2001:db8::2           local 2001:db8:1::/64 dev lo
//
// The target's kernel answers the echo requests, with its ICMP rate limits lifted so that
// thousands of targets get every reply. Firewall rules in the target namespace silence
// addresses or drop an exact share of their requests, and a counting rule says how many echo
// requests arrived. Everything goes with the namespaces when the RangeHost is destroyed.
//
// Network rule: only these namespaces and these ranges, as TestNet.

#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace bp::it {

class RangeHost {
 public:
  static constexpr const char* kRangeV4 = "198.19.0.0/16";
  static constexpr const char* kRangeV6 = "2001:db8:1::/64";

  // Echo requests that reached the target namespace, per family.
  struct EchoCounts {
    long v4 = 0;
    long v6 = 0;
    long total() const { return v4 + v6; }
  };

  // Creates the namespaces, routes and rate limits, and the counting rules. Throws
  // std::runtime_error if a setup command fails.
  RangeHost();

  const NetNamespace& client() const { return net_.client(); }
  const NetNamespace& target() const { return net_.host(); }

  // Drops every echo request to the addresses from `first` to `last` (inclusive; both of one
  // family, inside the ranges above): those addresses never answer.
  void silence(const std::string& first, const std::string& last) const;
  void silence(const std::string& address) const { silence(address, address); }

  // For each address from `first` to `last` on its own: drops that address's echo requests
  // number `packet`, `packet + every`, `packet + 2 * every`... counting its requests from 0
  // (iptables' statistic match, nth mode; 0 <= packet < every). One rule per address, because
  // the nth counter belongs to a rule: a rule shared by a range would drop by the order in
  // which requests to different addresses arrive, and the loss per address would not be exact.
  // At most 4096 addresses.
  void drop_every_nth(const std::string& first, const std::string& last, unsigned every,
                      unsigned packet) const;

  // Echo requests counted since the start or the last reset_counts(); every request arrives,
  // whatever a later rule does with it.
  EchoCounts echo_requests_seen() const;
  void reset_counts() const;

  // Any iptables / ip6tables arguments, run in the target namespace (rules added with -A come
  // after the counting rule).
  void target_iptables(const std::vector<std::string>& args) const { net_.host_iptables(args); }
  void target_ip6tables(const std::vector<std::string>& args) const { net_.host_ip6tables(args); }

 private:
  TestNet net_;
};

}  // namespace bp::it
