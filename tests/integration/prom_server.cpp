#include "tests/integration/prom_server.h"

#include <signal.h>
#include <stdlib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "tests/fuzz/json_check.h"
#include "tests/integration/http_client.h"

namespace bp::it {

namespace {

using json_check::Value;

// GET `target` from the Prometheus on 127.0.0.1:`port` of `netns`.
std::optional<HttpResponse> get(const std::string& netns, int port, const std::string& target,
                                std::chrono::milliseconds timeout, std::string* why = nullptr) {
  HttpRequest request;
  request.target = target;
  return http_exchange({netns, "127.0.0.1", static_cast<std::uint16_t>(port)}, request, timeout,
                       why);
}

std::filesystem::path make_temp_dir() {
  std::string pattern = "/tmp/bp-it-prometheus-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// Prometheus writes sample values as strings: "0.5", "NaN", "+Inf", "-Inf".
std::optional<double> sample_value(const Value& pair) {
  if (pair.kind != Value::Kind::kArray || pair.elements.size() != 2) return std::nullopt;
  const Value& text = pair.elements[1];
  if (text.kind != Value::Kind::kString) return std::nullopt;
  if (text.text == "NaN") return std::nan("");
  if (text.text == "+Inf") return HUGE_VAL;
  if (text.text == "-Inf") return -HUGE_VAL;
  char* end = nullptr;
  const double value = std::strtod(text.text.c_str(), &end);
  if (end != text.text.c_str() + text.text.size()) return std::nullopt;
  return value;
}

std::optional<std::vector<PromSeries>> read_result(const Value& data, std::string& why) {
  const Value* type = data.find("resultType");
  const Value* result = data.find("result");
  if (type == nullptr || result == nullptr) {
    why = "no resultType or result";
    return std::nullopt;
  }
  std::vector<PromSeries> series;
  if (type->text == "scalar") {
    const auto value = sample_value(*result);
    if (!value) return std::nullopt;
    series.push_back({{}, *value});
    return series;
  }
  if (type->text != "vector") {
    why = "result type " + type->text;
    return std::nullopt;
  }
  for (const Value& element : result->elements) {
    const Value* metric = element.find("metric");
    const Value* pair = element.find("value");
    const auto value = pair ? sample_value(*pair) : std::nullopt;
    if (metric == nullptr || !value) {
      why = "malformed vector element";
      return std::nullopt;
    }
    PromSeries one{{}, *value};
    for (const auto& member : metric->members) one.labels[member.key] = member.value.text;
    series.push_back(std::move(one));
  }
  return series;
}

}  // namespace

PrometheusServer::PrometheusServer(const std::string& netns, const std::string& scrape_target,
                                   int port)
    : netns_(netns), port_(port), dir_(make_temp_dir()) {
  std::ofstream(dir_ / "prometheus.yml") << "global:\n"
                                            "  scrape_interval: 1s\n"
                                            "  scrape_timeout: 1s\n"
                                            "  evaluation_interval: 1s\n"
                                            "scrape_configs:\n"
                                            "  - job_name: bping\n"
                                            "    static_configs:\n"
                                            "      - targets: ['"
                                         << scrape_target << "']\n";
  Launch launch;
  launch.netns = netns;
  launch.timeout = std::chrono::minutes(3);
  process_.emplace(Process::start(
      {kPrometheusBinary, "--config.file=" + (dir_ / "prometheus.yml").string(),
       "--storage.tsdb.path=" + (dir_ / "data").string(),
       "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=warn"},
      launch));
}

PrometheusServer::~PrometheusServer() {
  if (process_ && !process_->has_exited()) {
    process_->send_signal(SIGTERM);
    // Returns early once it has exited and closed its output.
    process_->keep_reading(std::chrono::seconds(10));
    if (!process_->has_exited()) process_->send_signal(SIGKILL);
    process_->finish();
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool PrometheusServer::wait_ready(std::chrono::milliseconds timeout) {
  const auto until = HttpClock::now() + timeout;
  while (HttpClock::now() < until) {
    const auto response = get(netns_, port_, "/-/ready", std::chrono::seconds(2));
    if (response && response->status == 200) return true;
    if (process_->has_exited()) return false;
    pause(std::chrono::milliseconds(200));
  }
  return false;
}

std::optional<std::vector<PromSeries>> PrometheusServer::query(const std::string& promql,
                                                               std::optional<double> at,
                                                               std::string* why) {
  std::string reason;
  std::string target = "/api/v1/query?query=" + url_encode(promql);
  if (at) {
    char time[32];
    std::snprintf(time, sizeof time, "%.3f", *at);
    target += std::string("&time=") + time;
  }
  const auto response = get(netns_, port_, target, std::chrono::seconds(10), &reason);
  auto fail = [&](const std::string& text) -> std::optional<std::vector<PromSeries>> {
    if (why) *why = promql + ": " + text;
    return std::nullopt;
  };
  if (!response) return fail(reason);
  const auto body = json_check::parse(response->body, &reason);
  if (!body) return fail("not JSON (" + reason + "): " + response->body.substr(0, 300));
  const Value* status = body->find("status");
  const Value* data = body->find("data");
  if (response->status != 200 || status == nullptr || status->text != "success" || !data) {
    return fail("HTTP " + std::to_string(response->status) + ": " + response->body.substr(0, 300));
  }
  auto series = read_result(*data, reason);
  if (!series) return fail(reason);
  return series;
}

void PrometheusServer::pause(std::chrono::milliseconds duration) {
  process_->keep_reading(duration);
}

std::string PrometheusServer::log() const { return process_->err_so_far(); }

std::map<std::string, double> by_label(const std::vector<PromSeries>& series,
                                       const std::string& key) {
  std::map<std::string, double> values;
  for (const PromSeries& s : series) {
    const auto it = s.labels.find(key);
    if (it != s.labels.end()) values[it->second] = s.value;
  }
  return values;
}

}  // namespace bp::it
