#include "tests/integration/responder_host.h"

#include <signal.h>

#include <regex>
#include <stdexcept>

namespace bp::it {

std::string responder_binary() { return std::string(BP_BIN_DIR) + "/responder"; }

HostileHost::HostileHost() {
  const std::string& host = net_.host().name();
  run_checked({"ip", "-n", host, "addr", "add", std::string(kSecondHostV4) + "/32", "dev", "lo"});
  run_checked(
      {"ip", "-n", host, "addr", "add", std::string(kSecondHostV6) + "/128", "dev", "lo", "nodad"});
  net_.host().set_sysctl("net.ipv4.icmp_echo_ignore_all", "1");
  net_.host().set_sysctl("net.ipv6.icmp.echo_ignore_all", "1");
}

Process HostileHost::start_responder(std::vector<std::string> args,
                                     std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{
      responder_binary(),
      "--alt-source4",
      kSecondHostV4,
      "--alt-source6",
      kSecondHostV6,
      "--duration",
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count() - 5)};
  argv.insert(argv.end(), args.begin(), args.end());
  Launch launch;
  launch.netns = net_.host().name();
  launch.timeout = timeout;
  Process responder = Process::start(argv, launch);
  const bool ready = responder.wait_for_output(
      [](const std::string& out) { return out.find("responder: ready") != std::string::npos; },
      std::chrono::seconds(5));
  if (!ready) {
    throw std::runtime_error("responder not ready: " + responder.out_so_far() +
                             responder.err_so_far());
  }
  return responder;
}

std::optional<ResponderReport> HostileHost::stop_responder(Process& responder) {
  responder.send_signal(SIGTERM);
  const RunResult r = responder.finish();
  EXPECT_EQ(r.exit_code, 0) << "responder: " << r;
  static const std::regex line(
      R"(responder: (\d+) requests, (\d+) replies, (\d+) noise, (\d+) ignored)");
  for (const std::string& l : r.out_lines()) {
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    return ResponderReport{std::stol(m[1]), std::stol(m[2]), std::stol(m[3]), std::stol(m[4])};
  }
  ADD_FAILURE() << "no counts line from the responder: " << r;
  return std::nullopt;
}

}  // namespace bp::it
