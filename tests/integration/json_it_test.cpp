// --json from the real binaries against the hostile responder (tests/responder), over IPv4 and
// IPv6: each scenario gives the right events, every line validates against the shipped schema
// (tests/json/validate_jsonl.py, python3-jsonschema), stdout holds JSON only, and the JSON
// summary agrees with the text output's figures for the same scenario.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <ostream>
#include <string>
#include <vector>

#include "tests/fuzz/json_check.h"
#include "tests/integration/harness.h"
#include "tests/integration/responder_host.h"

namespace bp::it {
namespace {

using json_check::Value;

struct FamilyCase {
  const char* name;
  const char* flag;
  const char* host;
  const char* second;
  int unreachable_type;
  int unreachable_code;
  bool ipv6;
};

const FamilyCase kIpv4{"Ipv4", "-4", TestNet::kHostV4, HostileHost::kSecondHostV4, 3, 1, false};
const FamilyCase kIpv6{"Ipv6", "-6", TestNet::kHostV6, HostileHost::kSecondHostV6, 1, 3, true};

void PrintTo(const FamilyCase& f, std::ostream* os) { *os << f.name; }

// The lines of a --json run, parsed; a test failure for any line that is not strict JSON.
std::vector<Value> parse_lines(const RunResult& r) {
  std::vector<Value> out;
  for (const std::string& line : r.out_lines()) {
    std::string error;
    auto value = json_check::parse(line, &error);
    EXPECT_TRUE(value) << error << ": " << line << "\n" << r;
    if (value) out.push_back(std::move(*value));
  }
  return out;
}

// Every line against docs/schema/better_ping.schema.json with python3-jsonschema.
void expect_schema_valid(const RunResult& r) {
  char path[] = "/tmp/bp-json-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << r.out;
  const RunResult check = run({"/usr/bin/python3", BP_SOURCE_DIR "/tests/json/validate_jsonl.py", path});
  std::remove(path);
  EXPECT_EQ(check.exit_code, 0) << check << "\nof\n" << r;
}

std::string type_of(const Value& v) {
  const Value* t = v.find("type");
  return t ? t->text : "";
}

std::vector<const Value*> of_type(const std::vector<Value>& lines, const std::string& type) {
  std::vector<const Value*> out;
  for (const Value& v : lines) {
    if (type_of(v) == type) out.push_back(&v);
  }
  return out;
}

long number(const Value& v, const char* key) {
  const Value* f = v.find(key);
  return f && f->kind == Value::Kind::kNumber ? std::stol(f->text) : -1;
}

double real(const Value& v, const char* key) {
  const Value* f = v.find(key);
  return f && f->kind == Value::Kind::kNumber ? std::stod(f->text) : -1.0;
}

class JsonPing : public ::testing::TestWithParam<FamilyCase> {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    host_.emplace();
  }
  const FamilyCase& family() const { return GetParam(); }
  Process responder(std::vector<std::string> args) { return host_->start_responder(std::move(args)); }

  RunResult ping(std::vector<std::string> args, bool better = false) {
    args.insert(args.begin(), family().flag);
    args.emplace_back(family().host);
    Launch launch;
    launch.netns = host_->net().client().name();
    launch.timeout = std::chrono::seconds(20);
    return run(better ? better_ping_command(std::move(args)) : ping_command(std::move(args)), launch);
  }

  // A --json run: schema-valid, JSON only, starting with "start" and ending with the summary.
  std::vector<Value> json_run(std::vector<std::string> args, const RunResult** out = nullptr, bool better = false) {
    args.insert(args.begin(), "--json");
    last_ = ping(std::move(args), better);
    if (out != nullptr) *out = &last_;
    expect_schema_valid(last_);
    auto lines = parse_lines(last_);
    EXPECT_FALSE(lines.empty()) << last_;
    if (!lines.empty()) {
      EXPECT_EQ(type_of(lines.front()), "start") << last_;
      EXPECT_EQ(type_of(lines.back()), "summary") << last_;
    }
    return lines;
  }

  std::optional<HostileHost> host_;
  RunResult last_;
};

TEST_P(JsonPing, NormalRepliesThenOneSummary) {
  Process host = responder({});
  const auto lines = json_run({"-c", "3", "-i", "0.2"});
  EXPECT_EQ(last_.exit_code, 0) << last_;
  EXPECT_EQ(last_.err, "") << last_;
  const auto replies = of_type(lines, "reply");
  ASSERT_EQ(replies.size(), 3u) << last_;
  for (long seq = 1; seq <= 3; ++seq) {
    const Value& r = *replies[static_cast<std::size_t>(seq - 1)];
    EXPECT_EQ(number(r, "seq"), seq);
    EXPECT_EQ(r.find("address")->text, family().host);
    EXPECT_EQ(number(r, "bytes"), 64);
    EXPECT_EQ(number(r, "ttl"), 64);
    EXPECT_GT(real(r, "rtt_ms"), 0.0);
    EXPECT_EQ(r.find("duplicate")->boolean, false);
  }
  const Value& s = lines.back();
  EXPECT_EQ(number(s, "transmitted"), 3);
  EXPECT_EQ(number(s, "received"), 3);
  EXPECT_EQ(real(s, "loss_percent"), 0.0);
  EXPECT_EQ(s.find("rtt_ms")->find("p50")->kind, Value::Kind::kNumber) << last_;
}

TEST_P(JsonPing, DelayedRepliesCarryTheirRttToTheMicrosecond) {
  Process host = responder({"--delay-ms", "20"});
  const auto lines = json_run({"-c", "5", "-i", "0.05"});
  for (const Value* r : of_type(lines, "reply")) {
    EXPECT_GE(real(*r, "rtt_ms"), 20.0) << last_;
    EXPECT_LE(real(*r, "rtt_ms"), 120.0) << last_;
    const std::string& text = r->find("rtt_ms")->text;
    EXPECT_EQ(text.size() - text.find('.'), 4u) << "three decimals: " << text;
  }
  const Value& rtt = *lines.back().find("rtt_ms");
  EXPECT_GE(real(rtt, "p50"), 20.0);
  EXPECT_LE(real(rtt, "min"), real(rtt, "p50"));
  EXPECT_LE(real(rtt, "p999"), real(rtt, "max") * 1.01);
}

TEST_P(JsonPing, DuplicatesAreMarkedAndCountedAsTheTextCountsThem) {
  // The last probe's duplicate comes after its reply ended the run: two are seen, both ways.
  Process host = responder({"--scenario", "duplicate"});
  const auto lines = json_run({"-c", "3", "-i", "0.2"});
  std::size_t duplicates = 0;
  for (const Value* r : of_type(lines, "reply")) duplicates += r->find("duplicate")->boolean ? 1 : 0;
  EXPECT_EQ(duplicates, 2u) << last_;
  EXPECT_EQ(number(lines.back(), "duplicates"), 2);
  EXPECT_EQ(number(lines.back(), "received"), 3);
  const RunResult text = ping({"-c", "3", "-i", "0.2"});
  EXPECT_NE(text.out.find("3 packets transmitted, 3 received, +2 duplicates"), std::string::npos) << text;
}

TEST_P(JsonPing, BadChecksumAndWrongPayloadAreCorruptWithTheirReason) {
  // The kernel checks ICMPv6 checksums itself and drops bad ones before any socket sees them.
  if (!family().ipv6) {
    Process host = responder({"--scenario", "bad-checksum", "--every", "2"});
    const auto lines = json_run({"-c", "4", "-i", "0.1"});
    const auto corrupt = of_type(lines, "corrupt");
    ASSERT_EQ(corrupt.size(), 2u) << last_;
    EXPECT_EQ(corrupt[0]->find("reason")->text, "checksum");
    EXPECT_EQ(number(lines.back(), "corrupt"), 2);
    EXPECT_EQ(number(lines.back(), "received"), 2);
    HostileHost::stop_responder(host);
  }
  Process host = responder({"--scenario", "corrupt-byte"});
  const auto lines = json_run({"-c", "2", "-i", "0.1"});
  const auto corrupt = of_type(lines, "corrupt");
  ASSERT_EQ(corrupt.size(), 2u) << last_;
  EXPECT_EQ(corrupt[0]->find("reason")->text, "payload");
  EXPECT_TRUE(of_type(lines, "reply").empty()) << last_;
}

TEST_P(JsonPing, IcmpErrorsNameTypeCodeAndTheRouter) {
  Process host = responder({"--scenario", "unreachable"});
  const auto lines = json_run({"-c", "2", "-i", "0.2"});
  const auto errors = of_type(lines, "error");
  ASSERT_EQ(errors.size(), 2u) << last_;
  EXPECT_EQ(number(*errors[0], "icmp_type"), family().unreachable_type);
  EXPECT_EQ(number(*errors[0], "icmp_code"), family().unreachable_code);
  EXPECT_EQ(errors[0]->find("from")->text, family().host);
  EXPECT_FALSE(errors[0]->find("message")->text.empty());
  EXPECT_EQ(number(lines.back(), "errors"), 2);
  EXPECT_EQ(last_.exit_code, 1) << last_;
}

TEST_P(JsonPing, DroppedProbesTimeOutAndMakeAnOutage) {
  // Every third request dropped, -W 0.3 s at -i 0.1 s: seq 3 and 6 time out (6 maybe only at
  // the end of the run, which reports every probe still unanswered), and each outage runs from
  // the reply before to the reply after (about 2 intervals), not one interval.
  Process host = responder({"--scenario", "drop", "--every", "3"});
  const auto lines = json_run({"-c", "7", "-i", "0.1", "-W", "0.3"});
  const auto timeouts = of_type(lines, "timeout");
  ASSERT_EQ(timeouts.size(), 2u) << last_;
  EXPECT_EQ(number(*timeouts[0], "seq"), 3);
  EXPECT_EQ(number(*timeouts[1], "seq"), 6);
  const Value& outage = *lines.back().find("outage_ms");
  EXPECT_GE(real(outage, "longest"), 150.0) << last_;
  EXPECT_LE(real(outage, "longest"), 400.0) << last_;
  EXPECT_GE(real(outage, "total"), 2 * 150.0) << last_;
  EXPECT_EQ(number(lines.back(), "received"), 5);
}

TEST_P(JsonPing, ReorderedRepliesAreMarked) {
  // Replies 2 and 4 are held until the next request's reply has gone out.
  Process host = responder({"--scenario", "reorder", "--every", "2"});
  const auto lines = json_run({"-c", "5", "-i", "0.1"});
  std::size_t reordered = 0;
  for (const Value* r : of_type(lines, "reply")) reordered += r->find("reordered") != nullptr ? 1 : 0;
  EXPECT_EQ(reordered, 2u) << last_;
  EXPECT_EQ(number(lines.back(), "reordered"), 2) << last_;
}

TEST_P(JsonPing, QuietKeepsStartIntervalAndSummary) {
  Process host = responder({});
  const auto lines = json_run({"-q", "-c", "6", "-i", "0.1", "--summary-every", "0.2"});
  for (const Value& v : lines) {
    const std::string t = type_of(v);
    EXPECT_TRUE(t == "start" || t == "interval" || t == "summary") << t << "\n" << last_;
  }
  EXPECT_GE(of_type(lines, "interval").size(), 1u) << last_;
}

TEST_P(JsonPing, SeveralTargetsEachGetTheirSummary) {
  Process host = responder({});
  const auto lines = json_run({"-c", "2", "-i", "0.1", family().second});
  const Value& start = lines.front();
  ASSERT_EQ(start.find("targets")->elements.size(), 2u) << last_;
  const auto summaries = of_type(lines, "summary");
  ASSERT_EQ(summaries.size(), 2u) << last_;
  EXPECT_EQ(summaries[0]->find("target")->text, family().second);
  EXPECT_EQ(summaries[1]->find("target")->text, family().host);
  EXPECT_EQ(number(*summaries[1], "received"), 2);
}

TEST_P(JsonPing, BetterPingWritesTheSameJson) {
  Process host = responder({});
  const auto lines = json_run({"-c", "2", "-i", "0.1"}, nullptr, /*better=*/true);
  EXPECT_EQ(last_.exit_code, 0) << last_;
  EXPECT_EQ(lines.front().find("program")->text, "better_ping");
  EXPECT_EQ(of_type(lines, "reply").size(), 2u) << last_;
}

TEST_P(JsonPing, FloodWithJsonWritesNoMarks) {
  Process host = responder({});
  const auto lines = json_run({"-f", "-c", "50"});
  EXPECT_EQ(of_type(lines, "reply").size(), 50u) << last_;
  EXPECT_EQ(number(lines.back(), "received"), 50);
}

TEST_P(JsonPing, TextSummaryAndJsonSummaryAgree) {
  // The same deterministic scenario twice: every other reply duplicated, every fourth dropped.
  Process host = responder({"--scenario", "drop", "--every", "4"});
  const auto lines = json_run({"-c", "8", "-i", "0.05", "-W", "0.5"});
  const RunResult text = ping({"-c", "8", "-i", "0.05", "-W", "0.5"});
  EXPECT_NE(text.out.find("8 packets transmitted, 6 received, 25% packet loss"), std::string::npos) << text;
  EXPECT_EQ(number(lines.back(), "transmitted"), 8);
  EXPECT_EQ(number(lines.back(), "received"), 6);
  EXPECT_EQ(real(lines.back(), "loss_percent"), 25.0);
  EXPECT_EQ(last_.exit_code, text.exit_code);
}

TEST_P(JsonPing, StatsAddsLinesAfterTheRttLineOnly) {
  Process host = responder({});
  const RunResult plain = ping({"-c", "2", "-i", "0.1"});
  const RunResult stats = ping({"--stats", "-c", "2", "-i", "0.1"});
  const auto lines = stats.out_lines();
  std::size_t rtt = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].starts_with("rtt min/avg/max/mdev")) rtt = i;
  }
  ASSERT_LT(rtt + 3, lines.size()) << stats;
  EXPECT_TRUE(lines[rtt + 1].starts_with("rtt p50/p90/p95/p99/p99.9 = ")) << stats;
  EXPECT_TRUE(lines[rtt + 2].starts_with("jitter ")) << stats;
  EXPECT_TRUE(lines[rtt + 3].starts_with("outage total/longest = 0.000/0.000 ms")) << stats;
  EXPECT_EQ(plain.out_lines().size() + 3, lines.size()) << plain << stats;
}

TEST_P(JsonPing, SummaryEveryPrintsFpingShapedIntervalsOnStderr) {
  Process host = responder({});
  const RunResult r = ping({"-c", "6", "-i", "0.1", "--summary-every", "0.2"});
  EXPECT_EQ(r.exit_code, 0) << r;
  std::size_t intervals = 0;
  for (const std::string& line : r.err_lines()) {
    if (line.find(" : xmt/rcv/%loss = ") != std::string::npos) ++intervals;
  }
  EXPECT_GE(intervals, 2u) << r;
  EXPECT_EQ(r.out.find("xmt/rcv"), std::string::npos) << "stdout stays iputils'\n" << r;
}

TEST_P(JsonPing, LinesAreWrittenAsTheyHappen) {
  Process host = responder({});
  Launch launch;
  launch.netns = host_->net().client().name();
  Process p = Process::start(ping_command({"--json", family().flag, "-c", "4", "-i", "0.5", family().host}), launch);
  // The first reply comes about 0 s into a 1.5 s run: it must be readable long before the end.
  EXPECT_TRUE(p.wait_for_lines(std::regex(R"(\{"type":"reply".*)"), 1, std::chrono::milliseconds(900)))
      << p.out_so_far();
  EXPECT_FALSE(p.has_exited());
  const RunResult r = p.finish();
  EXPECT_EQ(r.exit_code, 0) << r;
}

TEST_P(JsonPing, ErrorsThatEndTheRunStayTextOnStderr) {
  const RunResult bad = ping({"--json", "-c", "0"});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_EQ(bad.out, "") << bad;
  EXPECT_NE(bad.err.find("ping: "), std::string::npos) << bad;
  const RunResult flood_user = ping({"--json", "-c", "1", "-s", "70000"});
  EXPECT_EQ(flood_user.exit_code, 2) << flood_user;
  EXPECT_EQ(flood_user.out, "") << flood_user;
}

std::string family_name(const ::testing::TestParamInfo<FamilyCase>& param) { return param.param.name; }

INSTANTIATE_TEST_SUITE_P(Families, JsonPing, ::testing::Values(kIpv4, kIpv6), family_name);

}  // namespace
}  // namespace bp::it
