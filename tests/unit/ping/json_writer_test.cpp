// JsonLine (ping/output/json_writer.h): golden lines for every value kind, the escaping of
// every control character, the repair of ill-formed UTF-8, and the exact decimals of durations
// and times. Lines are also read back with the strict reader of tests/fuzz/json_check.h.

#include "ping/output/json_writer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "tests/fuzz/json_check.h"

namespace bp {
namespace {

using namespace std::chrono_literals;
using json_check::Value;

constexpr std::string_view kFffd = "\xef\xbf\xbd";  // U+FFFD in UTF-8

// The JSON string literal JsonLine writes for `text`.
std::string json_literal(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// What the string `text` decodes back to, read by the strict reader (nothing if it refused).
std::optional<std::string> decoded(std::string_view text) {
  const std::optional<Value> value = json_check::parse(json_literal(text));
  if (!value || value->kind != Value::Kind::kString) return std::nullopt;
  return value->text;
}

std::string repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

std::string millis_line(std::optional<Duration> duration) {
  std::string out;
  JsonLine(out).millis("rtt_ms", duration).finish();
  return out;
}

std::string fixed_line(double number, int decimals) {
  std::string out;
  JsonLine(out).fixed("x", number, decimals).finish();
  return out;
}

std::string time_line(std::chrono::system_clock::time_point time) {
  std::string out;
  JsonLine(out).unix_seconds("time", time).finish();
  return out;
}

std::string time_line(std::int64_t seconds, std::uint32_t nanoseconds) {
  std::string out;
  JsonLine(out).unix_seconds("time", seconds, nanoseconds).finish();
  return out;
}

std::chrono::system_clock::time_point since_epoch(std::chrono::nanoseconds offset) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(offset));
}

// --- structure --------------------------------------------------------------------------------

TEST(JsonLine, EmptyObjectIsOneLine) {
  std::string out;
  JsonLine(out).finish();
  EXPECT_EQ(out, "{}\n");
}

TEST(JsonLine, AppendsToWhatIsAlreadyThere) {
  std::string out = "{\"a\":1}\n";
  JsonLine(out).field("b", 2).finish();
  EXPECT_EQ(out, "{\"a\":1}\n{\"b\":2}\n");
}

TEST(JsonLine, WritesEveryScalarKind) {
  std::string out;
  JsonLine(out)
      .field("type", "reply")
      .field("target", std::string_view("host"))
      .field("name", std::string("named"))
      .field("dup", true)
      .field("reordered", false)
      .null_field("from")
      .field("seq", 7)
      .fixed("loss_percent", 12.5, 1)
      .millis("rtt_ms", 51'234ns)
      .unix_seconds("time", 1'700'000'000, 5'000)
      .finish();
  EXPECT_EQ(out,
            "{\"type\":\"reply\",\"target\":\"host\",\"name\":\"named\",\"dup\":true,"
            "\"reordered\":false,\"from\":null,\"seq\":7,\"loss_percent\":12.5,"
            "\"rtt_ms\":0.051,\"time\":1700000000.000005}\n");
}

TEST(JsonLine, RawMembersAreWrittenAsEscapedOnce) {
  const std::string members = members_text({{"target", "a\"b\n"}, {"address", "198.18.0.2"}});
  EXPECT_EQ(members, R"("target":"a\"b\n","address":"198.18.0.2")");
  std::string out;
  JsonLine(out).field("type", "x").raw_members(members).field("seq", 1).finish();
  EXPECT_EQ(out, R"({"type":"x","target":"a\"b\n","address":"198.18.0.2","seq":1})" "\n");
  std::string first;
  JsonLine(first).raw_members(members).finish();
  EXPECT_EQ(first, "{" + members + "}\n");
}

TEST(JsonLine, NullCharPointerIsNull) {
  std::string out;
  const char* nothing = nullptr;
  JsonLine(out).field("a", nothing).begin_array("b").value(nothing).end_array().finish();
  EXPECT_EQ(out, "{\"a\":null,\"b\":[null]}\n");
}

TEST(JsonLine, WritesIntegersOfEveryWidthAndTheirLimits) {
  std::string out;
  JsonLine(out)
      .field("i8", std::numeric_limits<std::int8_t>::min())
      .field("u8", std::numeric_limits<std::uint8_t>::max())
      .field("u16", std::uint16_t{65535})
      .field("i32", std::numeric_limits<std::int32_t>::min())
      .field("u32", std::numeric_limits<std::uint32_t>::max())
      .field("i64", std::numeric_limits<std::int64_t>::min())
      .field("max_i64", std::numeric_limits<std::int64_t>::max())
      .field("u64", std::numeric_limits<std::uint64_t>::max())
      .field("size", std::size_t{0})
      .finish();
  EXPECT_EQ(out,
            "{\"i8\":-128,\"u8\":255,\"u16\":65535,\"i32\":-2147483648,\"u32\":4294967295,"
            "\"i64\":-9223372036854775808,\"max_i64\":9223372036854775807,"
            "\"u64\":18446744073709551615,\"size\":0}\n");
}

TEST(JsonLine, OptionalIntegersAreNullWhenAbsent) {
  std::string out;
  JsonLine(out)
      .field("ttl", std::optional<std::uint8_t>(64))
      .field("count", std::optional<int>())
      .finish();
  EXPECT_EQ(out, "{\"ttl\":64,\"count\":null}\n");
}

TEST(JsonLine, NestsObjectsAndArraysWithCommasInTheRightPlaces) {
  std::string out;
  JsonLine(out)
      .field("type", "start")
      .begin_object("options")
      .field("count", 3)
      .begin_object("empty")
      .end_object()
      .field("stats", true)
      .end_object()
      .begin_array("targets")
      .begin_object()
      .field("target", "a")
      .field("family", "ipv4")
      .end_object()
      .begin_object()
      .field("target", "b")
      .end_object()
      .end_array()
      .begin_array("values")
      .value(1)
      .value("two")
      .value(false)
      .null_value()
      .end_array()
      .begin_array("none")
      .end_array()
      .finish();
  EXPECT_EQ(out,
            "{\"type\":\"start\",\"options\":{\"count\":3,\"empty\":{},\"stats\":true},"
            "\"targets\":[{\"target\":\"a\",\"family\":\"ipv4\"},{\"target\":\"b\"}],"
            "\"values\":[1,\"two\",false,null],\"none\":[]}\n");
  const std::optional<Value> value = json_check::parse(out);
  ASSERT_TRUE(value);
  const Value* targets = value->find("targets");
  ASSERT_NE(targets, nullptr);
  ASSERT_EQ(targets->elements.size(), 2u);
  EXPECT_EQ(targets->elements[1].find("target")->text, "b");
}

// --- strings ----------------------------------------------------------------------------------

TEST(JsonString, EscapesQuotesAndBackslashesOnly) {
  EXPECT_EQ(json_literal(R"(a "b" c\d/e)"), R"("a \"b\" c\\d/e")");
  EXPECT_EQ(json_literal(""), "\"\"");
  EXPECT_EQ(json_literal("\\\\\""), R"("\\\\\"")");
}

TEST(JsonString, EscapesEveryControlCharacter) {
  const std::string_view expected[0x20] = {
      "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
      "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
      "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
      "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"};
  for (int c = 0; c < 0x20; ++c) {
    const std::string text = "x" + std::string(1, static_cast<char>(c)) + "y";
    EXPECT_EQ(json_literal(text), "\"x" + std::string(expected[c]) + "y\"") << "character " << c;
    EXPECT_EQ(decoded(text), text) << "character " << c;
  }
}

TEST(JsonString, KeepsDeleteAndPrintableAsciiRaw) {
  std::string text;
  for (int c = 0x20; c < 0x80; ++c) {
    if (c != '"' && c != '\\') text += static_cast<char>(c);
  }
  EXPECT_EQ(json_literal(text), "\"" + text + "\"");
}

TEST(JsonString, NoRawNewlineEvenInAMultiLineName) {
  std::string out;
  JsonLine(out).field("target", "line one\nline two\r\n").finish();
  EXPECT_EQ(out, "{\"target\":\"line one\\nline two\\r\\n\"}\n");
  EXPECT_EQ(out.find('\n'), out.size() - 1);
}

TEST(JsonString, PassesWellFormedUtf8Through) {
  const std::string_view texts[] = {
      "Z\xc3\xbcrich",              // ü, 2 bytes
      "\xe2\x82\xac 5",             // €, 3 bytes
      "\xf0\x9f\x98\x80",           // U+1F600, 4 bytes
      "\xc2\x80",                   // U+0080, the smallest 2-byte
      "\xe0\xa0\x80",               // U+0800, the smallest 3-byte
      "\xed\x9f\xbf",               // U+D7FF, just below the surrogates
      "\xee\x80\x80",               // U+E000, just above them
      "\xef\xbf\xbd",               // U+FFFD itself
      "\xe2\x80\xa8",               // U+2028 (valid JSON raw)
      "\xf0\x90\x80\x80",           // U+10000, the smallest 4-byte
      "\xf4\x8f\xbf\xbf",           // U+10FFFF, the largest
  };
  for (std::string_view text : texts) {
    EXPECT_EQ(json_literal(text), "\"" + std::string(text) + "\"");
    EXPECT_EQ(decoded(text), std::string(text));
  }
}

TEST(JsonString, ReplacesLoneContinuationBytesOneByOne) {
  EXPECT_EQ(json_literal("\x80"), "\"" + std::string(kFffd) + "\"");
  EXPECT_EQ(json_literal("a\xbf\x80z"), "\"a" + repeat(kFffd, 2) + "z\"");
}

TEST(JsonString, ReplacesATruncatedSequenceWithOneCharacter) {
  EXPECT_EQ(json_literal("\xc3"), "\"" + std::string(kFffd) + "\"");
  EXPECT_EQ(json_literal("\xe2\x82"), "\"" + std::string(kFffd) + "\"");
  EXPECT_EQ(json_literal("\xe2\x82z"), "\"" + std::string(kFffd) + "z\"");
  EXPECT_EQ(json_literal("\xf0\x9f\x98"), "\"" + std::string(kFffd) + "\"");
  EXPECT_EQ(json_literal("\xf0\x9f\x98\""), "\"" + std::string(kFffd) + "\\\"\"");
}

TEST(JsonString, ReplacesOverlongsByteByByte) {
  // C0 and C1 are never lead bytes; E0 and F0 need a second byte high enough to be shortest.
  EXPECT_EQ(json_literal("\xc0\xaf"), "\"" + repeat(kFffd, 2) + "\"");  // '/' in 2 bytes
  EXPECT_EQ(json_literal("\xc1\xbf"), "\"" + repeat(kFffd, 2) + "\"");
  EXPECT_EQ(json_literal("\xe0\x80\xaf"), "\"" + repeat(kFffd, 3) + "\"");
  EXPECT_EQ(json_literal("\xf0\x80\x80\xaf"), "\"" + repeat(kFffd, 4) + "\"");
}

TEST(JsonString, ReplacesSurrogatesEncodedInUtf8) {
  EXPECT_EQ(json_literal("\xed\xa0\x80"), "\"" + repeat(kFffd, 3) + "\"");  // U+D800
  EXPECT_EQ(json_literal("\xed\xbf\xbf"), "\"" + repeat(kFffd, 3) + "\"");  // U+DFFF
  // A CESU-8 pair for U+1F600: two encoded surrogates, six replacements.
  EXPECT_EQ(json_literal("\xed\xa0\xbd\xed\xb8\x80"), "\"" + repeat(kFffd, 6) + "\"");
}

TEST(JsonString, ReplacesCodePointsBeyondUnicode) {
  EXPECT_EQ(json_literal("\xf4\x90\x80\x80"), "\"" + repeat(kFffd, 4) + "\"");  // U+110000
  EXPECT_EQ(json_literal("\xf5\x80\x80\x80"), "\"" + repeat(kFffd, 4) + "\"");
  EXPECT_EQ(json_literal("\xf8\x88\x80\x80\x80"), "\"" + repeat(kFffd, 5) + "\"");  // old 5-byte form
  EXPECT_EQ(json_literal("\xfe\xff"), "\"" + repeat(kFffd, 2) + "\"");
}

TEST(JsonString, FollowsUnicodesExampleOfMaximalSubparts) {
  // Unicode 15, table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64.
  const std::string expected = "\"a" + repeat(kFffd, 3) + "b" + std::string(kFffd) + "c" +
                               repeat(kFffd, 2) + "d\"";
  EXPECT_EQ(json_literal("a\xf1\x80\x80\xe1\x80\xc2" "b\x80" "c\x80\xbf" "d"), expected);
}

TEST(JsonString, AnyTwoBytesGiveStrictJsonAndValidUtf8RoundTrips) {
  for (int first = 0; first < 256; ++first) {
    for (int second = 0; second < 256; ++second) {
      const std::string text = {static_cast<char>(first), static_cast<char>(second)};
      const std::optional<std::string> back = decoded(text);
      ASSERT_TRUE(back) << first << " " << second;
      ASSERT_TRUE(json_check::is_valid_utf8(*back));
      if (json_check::is_valid_utf8(text)) {
        ASSERT_EQ(*back, text) << first << " " << second;
      }
    }
  }
}

// --- numbers ----------------------------------------------------------------------------------

TEST(JsonLineMillis, HasExactlyThreeDecimalsRoundedToTheMicrosecond) {
  EXPECT_EQ(millis_line(0ns), "{\"rtt_ms\":0.000}\n");
  EXPECT_EQ(millis_line(1ns), "{\"rtt_ms\":0.000}\n");
  EXPECT_EQ(millis_line(499ns), "{\"rtt_ms\":0.000}\n");
  EXPECT_EQ(millis_line(500ns), "{\"rtt_ms\":0.001}\n");
  EXPECT_EQ(millis_line(999ns), "{\"rtt_ms\":0.001}\n");
  EXPECT_EQ(millis_line(1us), "{\"rtt_ms\":0.001}\n");
  EXPECT_EQ(millis_line(1'234'499ns), "{\"rtt_ms\":1.234}\n");
  EXPECT_EQ(millis_line(1'234'500ns), "{\"rtt_ms\":1.235}\n");  // 1.2345 ms
  EXPECT_EQ(millis_line(999'999'500ns), "{\"rtt_ms\":1000.000}\n");
  EXPECT_EQ(millis_line(3600s), "{\"rtt_ms\":3600000.000}\n");
}

TEST(JsonLineMillis, HandlesTheExtremesWithoutOverflow) {
  EXPECT_EQ(millis_line(Duration::max()), "{\"rtt_ms\":9223372036854.776}\n");
  EXPECT_EQ(millis_line(Duration::min()), "{\"rtt_ms\":-9223372036854.776}\n");
}

TEST(JsonLineMillis, KeepsTheSignOfNegativeDurationsButNeverWritesMinusZero) {
  EXPECT_EQ(millis_line(-1'234'567ns), "{\"rtt_ms\":-1.235}\n");
  EXPECT_EQ(millis_line(-500ns), "{\"rtt_ms\":-0.001}\n");
  EXPECT_EQ(millis_line(-1ns), "{\"rtt_ms\":0.000}\n");
}

TEST(JsonLineMillis, NothingIsNull) {
  EXPECT_EQ(millis_line(std::nullopt), "{\"rtt_ms\":null}\n");
}

TEST(JsonLineFixed, RoundsToTheGivenDecimals) {
  EXPECT_EQ(fixed_line(12.5, 1), "{\"x\":12.5}\n");
  EXPECT_EQ(fixed_line(2.0 / 3.0, 3), "{\"x\":0.667}\n");
  EXPECT_EQ(fixed_line(100.0, 0), "{\"x\":100}\n");
  EXPECT_EQ(fixed_line(1.5, 2), "{\"x\":1.50}\n");
  EXPECT_EQ(fixed_line(-1.5, 1), "{\"x\":-1.5}\n");
  EXPECT_EQ(fixed_line(0.1, 40), "{\"x\":0.10000000000000001}\n");  // clamped to 17
  EXPECT_EQ(fixed_line(0.5, -3), "{\"x\":0}\n");  // clamped to 0, rounded half to even
}

TEST(JsonLineFixed, WritesZeroForNegativeZero) {
  EXPECT_EQ(fixed_line(-0.0, 3), "{\"x\":0.000}\n");
  EXPECT_EQ(fixed_line(-0.0001, 2), "{\"x\":0.00}\n");
}

TEST(JsonLineFixed, NonFiniteIsNull) {
  EXPECT_EQ(fixed_line(std::numeric_limits<double>::quiet_NaN(), 3), "{\"x\":null}\n");
  EXPECT_EQ(fixed_line(std::numeric_limits<double>::infinity(), 3), "{\"x\":null}\n");
  EXPECT_EQ(fixed_line(-std::numeric_limits<double>::infinity(), 3), "{\"x\":null}\n");
  std::string out;
  JsonLine(out).fixed("x", std::optional<double>(), 3).fixed("y", std::optional(0.25), 2).finish();
  EXPECT_EQ(out, "{\"x\":null,\"y\":0.25}\n");
}

TEST(JsonLineFixed, WritesTheLargestDoubleInFull) {
  const std::string line = fixed_line(std::numeric_limits<double>::max(), 17);
  EXPECT_EQ(line.substr(0, 9), "{\"x\":1797");
  EXPECT_EQ(line.size(), std::string("{\"x\":}\n").size() + 309 + 1 + 17);
  EXPECT_TRUE(json_check::parse(line));
}

TEST(JsonLineTime, HasSixDecimalsTruncatedToTheMicrosecond) {
  EXPECT_EQ(time_line(since_epoch(0ns)), "{\"time\":0.000000}\n");
  EXPECT_EQ(time_line(since_epoch(1'700'000'000'123'456'789ns)),
            "{\"time\":1700000000.123456}\n");
  EXPECT_EQ(time_line(since_epoch(999ns)), "{\"time\":0.000000}\n");
}

TEST(JsonLineTime, IsNegativeBefore1970) {
  EXPECT_EQ(time_line(since_epoch(-1ns)), "{\"time\":-0.000001}\n");
  EXPECT_EQ(time_line(since_epoch(-1'500'000'000ns)), "{\"time\":-1.500000}\n");
  EXPECT_EQ(time_line(since_epoch(-2s)), "{\"time\":-2.000000}\n");
}

TEST(JsonLineTime, FromSecondsAndNanosecondsGivesTheSameText) {
  EXPECT_EQ(time_line(1'700'000'000, 123'456'789), "{\"time\":1700000000.123456}\n");
  EXPECT_EQ(time_line(0, 0), "{\"time\":0.000000}\n");
  EXPECT_EQ(time_line(-2, 500'000'000), "{\"time\":-1.500000}\n");
  EXPECT_EQ(time_line(-1, 999'999'999), "{\"time\":-0.000001}\n");
  EXPECT_EQ(time_line(-1, 0), "{\"time\":-1.000000}\n");
}

TEST(JsonLineTime, CarriesNanosecondsOverASecond) {
  EXPECT_EQ(time_line(5, 2'500'000'000), "{\"time\":7.500000}\n");
  EXPECT_EQ(time_line(-1, 1'000'000'000), "{\"time\":0.000000}\n");
  EXPECT_EQ(time_line(-3, 2'000'001'000), "{\"time\":-0.999999}\n");
}

TEST(JsonLineTime, HandlesTheExtremesOfTheSeconds) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(time_line(kMax, 999'999'999), "{\"time\":9223372036854775807.999999}\n");
  EXPECT_EQ(time_line(kMax, 4'000'000'000), "{\"time\":9223372036854775811.000000}\n");
  EXPECT_EQ(time_line(kMin, 0), "{\"time\":-9223372036854775808.000000}\n");
  EXPECT_EQ(time_line(kMin, 1'000), "{\"time\":-9223372036854775807.999999}\n");
}

// --- the strict reader the tests rely on ------------------------------------------------------

TEST(JsonCheck, AcceptsStrictJson) {
  EXPECT_TRUE(json_check::parse(R"({"a":[1,-0.5,2e10,true,null,"\u00e9\ud83d\ude00"]} )"));
  const std::optional<Value> value = json_check::parse(R"("\ud83d\ude00\/")");
  ASSERT_TRUE(value);
  EXPECT_EQ(value->text, "\xf0\x9f\x98\x80/");
}

TEST(JsonCheck, RefusesWhatJsonDoesNotAllow) {
  const std::string_view bad[] = {
      "", "{", "{\"a\":1,}", "[1,]", "{\"a\":1,\"a\":2}", "NaN", "{\"a\":Infinity}", "-", "01",
      "1.", ".5", "+1", "1e", "\"\x01\"", "\"\n\"", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"",
      "\"\\ud800\\u0041\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
      "\"\x80\"", "{} {}", "tru", "{\"a\" 1}", "{1:2}"};
  for (std::string_view text : bad) {
    std::string error;
    EXPECT_FALSE(json_check::parse(text, &error)) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
}

}  // namespace
}  // namespace bp
