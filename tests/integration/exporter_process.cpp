#include "tests/integration/exporter_process.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <system_error>

namespace bp::it {

using std::chrono::milliseconds;

std::optional<std::pair<std::string, std::uint16_t>> listening_at(const std::string& err) {
  static const std::regex line(R"(ping: metrics at http://(\[[0-9a-fA-F:]+\]|[0-9.]+):(\d+)/metrics\n)");
  std::smatch m;
  if (!std::regex_search(err, m, line)) return std::nullopt;
  std::string address = m[1];
  if (address.front() == '[') address = address.substr(1, address.size() - 2);
  return std::make_pair(address, static_cast<std::uint16_t>(std::stoul(m[2])));
}

Exporter::Exporter(const std::string& netns, std::vector<std::string> args,
                   const std::string& listen, milliseconds lifetime) {
  args.insert(args.begin(), {"--metrics-listen", listen});
  Launch launch;
  launch.netns = netns;
  launch.timeout = lifetime;
  process_.emplace(Process::start(ping_command(std::move(args)), launch));
  process_->wait_for_stderr([](const std::string& err) { return listening_at(err).has_value(); },
                            milliseconds(5000));
  const auto at = listening_at(process_->err_so_far());
  if (!at) {
    process_->send_signal(SIGKILL);
    const RunResult r = process_->finish();
    throw std::runtime_error("the exporter did not say where it listens:\n" +
                             testing::PrintToString(r));
  }
  endpoint_ = HttpEndpoint{netns, at->first, at->second};
}

Exposition Exporter::scrape() {
  std::string error;
  const auto response = request(HttpRequest{}, &error);
  EXPECT_TRUE(response) << error << "\nstderr: " << process_->err_so_far();
  if (!response) return Exposition("");
  EXPECT_EQ(response->status, 200) << response->body;
  Exposition exposition(response->body);
  EXPECT_TRUE(exposition.malformed_lines().empty())
      << "first malformed line: " << exposition.malformed_lines().front();
  return exposition;
}

std::optional<Exposition> Exporter::scrape_until(
    const std::function<bool(const Exposition&)>& done, milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until && !process_->has_exited()) {
    Exposition e = scrape();
    if (done(e)) return e;
    process_->keep_reading(milliseconds(50));
  }
  return std::nullopt;
}

RunResult Exporter::stop() {
  process_->send_signal(SIGTERM);
  return process_->finish();
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
