#include "tests/integration/exporter_process.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace bp::it {

ExporterProcess ExporterProcess::start(const std::string& netns, std::vector<std::string> args,
                                       std::chrono::milliseconds lifetime) {
  args.insert(args.end(), {"--metrics-listen", "127.0.0.1:0"});
  Launch launch;
  launch.netns = netns;
  launch.timeout = lifetime;
  Process process = Process::start(ping_command(std::move(args)), launch);
  std::optional<int> port;
  process.wait_for_stderr(
      [&](const std::string& err) {
        port = metrics_port_of(err);
        return port.has_value();
      },
      std::chrono::seconds(5));
  if (!port) {
    process.send_signal(SIGKILL);
    std::ostringstream message;
    message << "the exporter printed no metrics line: " << process.finish();
    throw std::runtime_error(message.str());
  }
  return ExporterProcess(std::move(process), *port);
}

RunResult ExporterProcess::stop() {
  process_.send_signal(SIGTERM);
  return process_.finish();
}

std::optional<int> metrics_port_of(const std::string& err) {
  static const std::regex line(
      R"(ping: metrics at http://(?:127\.0\.0\.1|\[::1\]):(\d+)/metrics\n)");
  std::smatch m;
  if (!std::regex_search(err, m, line)) return std::nullopt;
  return std::stoi(m[1]);
}

std::optional<long> resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return std::nullopt;
}

std::optional<std::size_t> open_fd_count(pid_t pid) {
  std::error_code error;
  std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", error);
  if (error) return std::nullopt;
  std::size_t count = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (error) return std::nullopt;
    ++count;
  }
  return count;
}

}  // namespace bp::it
