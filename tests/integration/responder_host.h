#pragma once
// A hostile echo host for the integration tests: the TestNet host namespace with the kernel's
// echo replies turned off there and our responder (tests/responder) answering instead, with a
// second address so replies can come from somewhere else:
//
//   client ns  198.18.0.1  2001:db8::1  ===veth===  198.18.0.2  2001:db8::2  host ns
//                                                   198.18.0.3  2001:db8::3  (on the host's lo)
//
// Network rule: only these namespaces and addresses, as TestNet.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace bp::it {

// BP_BIN_DIR/responder.
std::string responder_binary();

// The counts line the responder prints when it ends.
struct ResponderReport {
  long requests = -1;
  long replies = -1;
  long noise = -1;
  long ignored = -1;
};

class HostileHost {
 public:
  static constexpr const char* kSecondHostV4 = "198.18.0.3";
  static constexpr const char* kSecondHostV6 = "2001:db8::3";

  // Creates the TestNet, adds the second addresses and turns the host kernel's echo replies
  // off (net.ipv4.icmp_echo_ignore_all, net.ipv6.icmp.echo_ignore_all). Throws
  // std::runtime_error if a setup command fails.
  HostileHost();

  const TestNet& net() const { return net_; }

  // Starts the responder in the host namespace with `args` (--alt-source4/6 and a --duration
  // bound added) and waits until it reports that its sockets are open. Throws
  // std::runtime_error if it does not within 5 s.
  Process start_responder(std::vector<std::string> args,
                          std::chrono::milliseconds timeout = std::chrono::seconds(40));

  // SIGTERM, then its exit and its counts line (nullopt if it printed none). Adds a test
  // failure if it does not exit 0.
  static std::optional<ResponderReport> stop_responder(Process& responder);

 private:
  TestNet net_;
};

}  // namespace bp::it
