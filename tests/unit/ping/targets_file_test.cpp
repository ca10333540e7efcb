#include "ping/cli/targets_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bp {
namespace {

using Targets = std::vector<std::string>;
using namespace std::string_literals;  // "..."s keeps NUL bytes inside literals

Targets targets_of(std::string_view text) {
  const auto result = parse_targets_file(text, "targets.txt");
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error());
  return result ? result->targets : Targets{};
}

std::size_t duplicates_of(std::string_view text) {
  const auto result = parse_targets_file(text, "targets.txt");
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error());
  return result ? result->duplicates : 0;
}

std::string error_of(std::string_view text, std::size_t max_targets = kTargetsFileMaxTargets) {
  const auto result = parse_targets_file(text, "targets.txt", max_targets);
  EXPECT_FALSE(result.has_value());
  return result ? "(parsed)" : result.error();
}

// --- lines, blanks and comments ---

TEST(TargetsFile, OneHostPerLineInFileOrder) {
  EXPECT_EQ(targets_of("198.18.0.1\n2001:db8::7\nmail.example.com\n"),
            (Targets{"198.18.0.1", "2001:db8::7", "mail.example.com"}));
}

TEST(TargetsFile, LastLineNeedsNoLineEnd) {
  EXPECT_EQ(targets_of("a.example\nb.example"), (Targets{"a.example", "b.example"}));
  EXPECT_EQ(targets_of("localhost"), (Targets{"localhost"}));
}

TEST(TargetsFile, CommentsAndBlankLinesAreSkipped) {
  EXPECT_EQ(targets_of("# core network\n"
                       "\n"
                       "   \n"
                       "\t\n"
                       "198.18.0.1\n"
                       "  # indented comment\n"
                       "#\n"
                       "198.18.0.2\n"),
            (Targets{"198.18.0.1", "198.18.0.2"}));
}

TEST(TargetsFile, CommentAfterAHostNeedsABlankBeforeIt) {
  EXPECT_EQ(targets_of("198.18.0.1  # core router\n"
                       "198.18.0.2\t#tab before\n"
                       "router3 #\n"
                       "router4 ## two hashes # and more\n"),
            (Targets{"198.18.0.1", "198.18.0.2", "router3", "router4"}));
  EXPECT_EQ(error_of("host#1\n"),
            "targets.txt:1: invalid host name: 'host#1' ('#' is not allowed)");
}

TEST(TargetsFile, CommentsMayHoldAnyUtf8Text) {
  EXPECT_EQ(targets_of("# routeur de la salle serveur, Zürich ✓\n"
                       "198.18.0.1 # cœur\n"),
            (Targets{"198.18.0.1"}));
}

TEST(TargetsFile, BlanksAroundAHostAreTrimmed) {
  EXPECT_EQ(targets_of("  198.18.0.1\t \n\t\tgw.example   \n"),
            (Targets{"198.18.0.1", "gw.example"}));
}

TEST(TargetsFile, CrLfLineEndsAreAccepted) {
  EXPECT_EQ(targets_of("# from Windows\r\n198.18.0.1\r\n\r\ngw.example # gateway\r\nlast\r"),
            (Targets{"198.18.0.1", "gw.example", "last"}));
}

TEST(TargetsFile, ByteOrderMarkAtTheStartIsSkipped) {
  EXPECT_EQ(targets_of("\xEF\xBB\xBF"
                       "198.18.0.1\n"),
            (Targets{"198.18.0.1"}));
  EXPECT_EQ(targets_of("\xEF\xBB\xBF# comment\nhost\n"), (Targets{"host"}));
}

TEST(TargetsFile, ByteOrderMarkElsewhereIsNotAHost) {
  EXPECT_EQ(error_of("a\n\xEF\xBB\xBF"
                     "b\n"),
            "targets.txt:2: invalid host name: '\\xef\\xbb\\xbfb' (non-ASCII: write international "
            "names in their xn-- form)");
}

// --- kinds of host ---

TEST(TargetsFile, Ipv4Addresses) {
  EXPECT_EQ(targets_of("0.0.0.0\n255.255.255.255\n198.18.0.7\n"),
            (Targets{"0.0.0.0", "255.255.255.255", "198.18.0.7"}));
}

TEST(TargetsFile, Ipv6AddressesInEveryForm) {
  EXPECT_EQ(targets_of("::1\n2001:db8::7\n2001:0db8:0000:0000:0000:0000:0000:0008\n"
                       "::ffff:198.18.0.7\n::\nFE80::ABCD\n"),
            (Targets{"::1", "2001:db8::7", "2001:0db8:0000:0000:0000:0000:0000:0008",
                     "::ffff:198.18.0.7", "::", "FE80::ABCD"}));
}

TEST(TargetsFile, Ipv6AddressWithAZone) {
  EXPECT_EQ(
      targets_of("fe80::1%eth0\nfe80::1%2\nff02::1%br-lan.100\nfe80::2%abcdefghijklmno\n"),
      (Targets{"fe80::1%eth0", "fe80::1%2", "ff02::1%br-lan.100", "fe80::2%abcdefghijklmno"}));
}

TEST(TargetsFile, HostNames) {
  EXPECT_EQ(targets_of("localhost\nmail.example.com\nexample.com.\nxn--bcher-kva.example\n"
                       "a\n0a.example\n1-2.example\nrouter-1.lan\nh0st\nexample.c0m\n"),
            (Targets{"localhost", "mail.example.com", "example.com.", "xn--bcher-kva.example", "a",
                     "0a.example", "1-2.example", "router-1.lan", "h0st", "example.c0m"}));
}

TEST(TargetsFile, UnderscoresAreAllowedInNames) {
  EXPECT_EQ(targets_of("my_service\n_sip._udp.example.com\nweb_1.lan\n"),
            (Targets{"my_service", "_sip._udp.example.com", "web_1.lan"}));
}

TEST(TargetsFile, NamesAtTheLengthLimits) {
  const std::string label63(63, 'a');
  const std::string name253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  ASSERT_EQ(name253.size(), 253u);
  EXPECT_EQ(targets_of(label63 + "\n" + name253 + "\n" + name253 + ".\n"),
            (Targets{label63, name253, name253 + "."}));
}

TEST(TargetsFile, TargetsKeepTheirSpelling) {
  EXPECT_EQ(targets_of("Mail.Example.COM\n2001:DB8:0::1\n"),
            (Targets{"Mail.Example.COM", "2001:DB8:0::1"}));
}

// --- the same target twice ---

TEST(TargetsFile, SameTargetTwiceIsPingedOnce) {
  const auto result = parse_targets_file(
      "a.example\nb.example\na.example\nc\nb.example\na.example\n", "targets.txt");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->targets, (Targets{"a.example", "b.example", "c"}));
  EXPECT_EQ(result->duplicates, 3u);
}

TEST(TargetsFile, DuplicatesCompareAfterTrimmingAndComments) {
  EXPECT_EQ(targets_of("host\n  host  \nhost # again\n\thost\r\n"), (Targets{"host"}));
  EXPECT_EQ(duplicates_of("host\n  host  \nhost # again\n\thost\r\n"), 3u);
}

TEST(TargetsFile, NoDuplicatesCountsZero) { EXPECT_EQ(duplicates_of("a\nb\n"), 0u); }

TEST(TargetsFile, Ipv6AddressesCompareByValue) {
  EXPECT_EQ(targets_of("2001:db8::1\n2001:DB8:0::1\n2001:0db8:0000:0000:0000:0000:0000:0001\n"),
            (Targets{"2001:db8::1"}));
  EXPECT_EQ(duplicates_of("2001:db8::1\n2001:DB8:0::1\n2001:0db8:0000:0000:0000:0000:0000:0001\n"),
            2u);
  EXPECT_EQ(targets_of("::ffff:198.18.0.7\n::ffff:c612:7\n"), (Targets{"::ffff:198.18.0.7"}));
}

TEST(TargetsFile, ZonesTellLinkLocalAddressesApart) {
  EXPECT_EQ(targets_of("fe80::1%eth0\nfe80::1%eth1\nfe80::1\nFE80::1%eth0\nfe80::1%ETH0\n"),
            (Targets{"fe80::1%eth0", "fe80::1%eth1", "fe80::1", "fe80::1%ETH0"}));
}

TEST(TargetsFile, NamesCompareWithoutRegardToCase) {
  EXPECT_EQ(targets_of("Router1.LAN\nrouter1.lan\nROUTER1.lan\n"), (Targets{"Router1.LAN"}));
}

TEST(TargetsFile, NamesAndAddressesAreNeverTheSameTarget) {
  EXPECT_EQ(targets_of("localhost\n127.0.0.1\n::1\n"), (Targets{"localhost", "127.0.0.1", "::1"}));
  EXPECT_EQ(targets_of("198.18.0.7\n::ffff:198.18.0.7\n"),
            (Targets{"198.18.0.7", "::ffff:198.18.0.7"}));
}

TEST(TargetsFile, TrailingDotMakesAnotherTarget) {
  EXPECT_EQ(targets_of("example.com\nexample.com.\n"), (Targets{"example.com", "example.com."}));
}

// --- errors: one line, naming the file and the line ---

TEST(TargetsFile, MoreThanOneHostOnALine) {
  EXPECT_EQ(error_of("ok\n# fine\n\na b\n"), "targets.txt:4: more than one host on a line: 'a b'");
  EXPECT_EQ(error_of("a  b # two hosts\n"), "targets.txt:1: more than one host on a line: 'a  b'");
  EXPECT_EQ(error_of("a b#c\n"), "targets.txt:1: more than one host on a line: 'a b#c'");
}

TEST(TargetsFile, MoreThanOneHostShowsATabEscaped) {
  EXPECT_EQ(error_of("  198.18.0.1\t198.18.0.2  # two\n"),
            "targets.txt:1: more than one host on a line: '198.18.0.1\\x09198.18.0.2'");
}

TEST(TargetsFile, ErrorsCountLinesFromOneIncludingBlankAndCommentLines) {
  EXPECT_EQ(error_of("\n\n# three\n\r\nok\nbad_name!\n"),
            "targets.txt:6: invalid host name: 'bad_name!' ('!' is not allowed)");
}

TEST(TargetsFile, ErrorsNameTheDisplayName) {
  const auto result = parse_targets_file("a b\n", "(standard input)");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "(standard input):1: more than one host on a line: 'a b'");
}

TEST(TargetsFile, TheFirstBadLineIsTheOneReported) {
  EXPECT_EQ(error_of("a\nb c\nd e\n"), "targets.txt:2: more than one host on a line: 'b c'");
}

TEST(TargetsFile, EmptyFileHasNoTargets) { EXPECT_EQ(error_of(""), "targets.txt: no targets"); }

TEST(TargetsFile, OnlyCommentsAndBlanksHasNoTargets) {
  EXPECT_EQ(error_of("# nothing yet\n\n   \n\t# still nothing\r\n"), "targets.txt: no targets");
  EXPECT_EQ(error_of("\xEF\xBB\xBF"), "targets.txt: no targets");
}

TEST(TargetsFile, NulByte) {
  EXPECT_EQ(error_of("a\nb\0c\n"s), "targets.txt:2: NUL byte (not a text file?)");
  EXPECT_EQ(error_of("a\n# comment \0\n"s), "targets.txt:2: NUL byte (not a text file?)");
  EXPECT_EQ(error_of("\0"s), "targets.txt:1: NUL byte (not a text file?)");
}

TEST(TargetsFile, ControlCharacters) {
  EXPECT_EQ(error_of("a\x1b[31mred\n"),
            "targets.txt:1: control character in line: 'a\\x1b[31mred'");
  EXPECT_EQ(error_of("ok\n\x7f\n"), "targets.txt:2: control character in line: '\\x7f'");
  EXPECT_EQ(error_of("a\x0b\n"), "targets.txt:1: control character in line: 'a\\x0b'");
  EXPECT_EQ(error_of("# a comment with a bell \x07\n"),
            "targets.txt:1: control character in line: '# a comment with a bell \\x07'");
}

TEST(TargetsFile, CarriageReturnOnlyAtTheLineEnd) {
  EXPECT_EQ(error_of("a\rb\n"), "targets.txt:1: control character in line: 'a\\x0db'");
  EXPECT_EQ(error_of("a\r\r\n"), "targets.txt:1: control character in line: 'a\\x0d'");
  EXPECT_EQ(error_of("old\rmac\rline ends\r"),
            "targets.txt:1: control character in line: 'old\\x0dmac\\x0dline ends'");
}

TEST(TargetsFile, InvalidUtf8) {
  EXPECT_EQ(error_of("caf\xe9\n"), "targets.txt:1: invalid UTF-8 in line: 'caf\\xe9'");
  EXPECT_EQ(error_of("ok # Latin-1 comment: caf\xe9\n"),
            "targets.txt:1: invalid UTF-8 in line: 'ok # Latin-1 comment: caf\\xe9'");
  EXPECT_EQ(error_of("\xc0\xaf\n"),
            "targets.txt:1: invalid UTF-8 in line: '\\xc0\\xaf'");  // overlong '/'
  EXPECT_EQ(error_of("\xed\xa0\x80\n"),                             // surrogate
            "targets.txt:1: invalid UTF-8 in line: '\\xed\\xa0\\x80'");
  EXPECT_EQ(error_of("\xf4\x90\x80\x80\n"),  // > U+10FFFF
            "targets.txt:1: invalid UTF-8 in line: '\\xf4\\x90\\x80\\x80'");
  EXPECT_EQ(error_of("# cut \xe2\x9c\n"),
            "targets.txt:1: invalid UTF-8 in line: '# cut \\xe2\\x9c'");
  EXPECT_EQ(error_of("\x80\n"), "targets.txt:1: invalid UTF-8 in line: '\\x80'");
  EXPECT_EQ(error_of("\xff\xfe"
                     "a\n"),
            "targets.txt:1: invalid UTF-8 in line: '\\xff\\xfea'");
}

TEST(TargetsFile, LongestUtf8SequencesAreValidInComments) {
  EXPECT_EQ(targets_of("# \xf0\x9f\x93\xa1 \xf4\x8f\xbf\xbf \xef\xbf\xbd \xdf\xbf\nh\n"),
            (Targets{"h"}));
}

TEST(TargetsFile, LineLongerThanTheLimit) {
  const std::string longest = "# " + std::string(kTargetsFileMaxLineBytes - 2, 'x');
  EXPECT_EQ(targets_of(longest + "\nh\n"), (Targets{"h"}));
  EXPECT_EQ(targets_of(longest + "\r\nh\n"), (Targets{"h"}));  // CR LF is not counted
  EXPECT_EQ(error_of("h\n" + longest + "x\n"), "targets.txt:2: line longer than 1024 bytes");
  EXPECT_EQ(error_of(std::string(5000, 'a')), "targets.txt:1: line longer than 1024 bytes");
}

TEST(TargetsFile, Ipv6AddressInBrackets) {
  EXPECT_EQ(error_of("[2001:db8::1]\n"),
            "targets.txt:1: IPv6 address in brackets: '[2001:db8::1]' (write it without them)");
  EXPECT_EQ(error_of("[::1]:80\n"),
            "targets.txt:1: IPv6 address in brackets: '[::1]:80' (write it without them)");
}

TEST(TargetsFile, InvalidIpv6Address) {
  EXPECT_EQ(error_of("2001:db8::1::2\n"), "targets.txt:1: invalid IPv6 address: '2001:db8::1::2'");
  EXPECT_EQ(error_of("1:2:3:4:5:6:7:8:9\n"),
            "targets.txt:1: invalid IPv6 address: '1:2:3:4:5:6:7:8:9'");
  EXPECT_EQ(error_of("2001:db8::g\n"), "targets.txt:1: invalid IPv6 address: '2001:db8::g'");
  EXPECT_EQ(error_of("::0198.18.0.1\n"), "targets.txt:1: invalid IPv6 address: '::0198.18.0.1'");
  EXPECT_EQ(error_of("cafe:80\n"), "targets.txt:1: invalid IPv6 address: 'cafe:80'");
  EXPECT_EQ(error_of("%eth0\n"), "targets.txt:1: invalid host name: '%eth0' ('%' is not allowed)");
  EXPECT_EQ(error_of(":\n"), "targets.txt:1: invalid IPv6 address: ':'");
  EXPECT_EQ(error_of("http://example.com/\n"),
            "targets.txt:1: invalid IPv6 address: 'http://example.com/'");
}

TEST(TargetsFile, HostWithAPort) {
  EXPECT_EQ(error_of("example.com:80\n"),
            "targets.txt:1: invalid host: 'example.com:80' (a target has no port)");
  EXPECT_EQ(error_of("198.18.0.7:443\n"),
            "targets.txt:1: invalid host: '198.18.0.7:443' (a target has no port)");
}

TEST(TargetsFile, InvalidZone) {
  const std::string why = " (an interface name or index, 1-15 characters)";
  EXPECT_EQ(error_of("fe80::1%\n"),
            "targets.txt:1: invalid zone in IPv6 address: 'fe80::1%'" + why);
  EXPECT_EQ(error_of("fe80::1%abcdefghijklmnop\n"),
            "targets.txt:1: invalid zone in IPv6 address: 'fe80::1%abcdefghijklmnop'" + why);
  EXPECT_EQ(error_of("fe80::1%eth0%1\n"),
            "targets.txt:1: invalid zone in IPv6 address: 'fe80::1%eth0%1'" + why);
  EXPECT_EQ(error_of("fe80::1%a/b\n"),
            "targets.txt:1: invalid zone in IPv6 address: 'fe80::1%a/b'" + why);
  EXPECT_EQ(error_of("fe80::1%a#b\n"),
            "targets.txt:1: invalid zone in IPv6 address: 'fe80::1%a#b'" + why);
  EXPECT_EQ(error_of("fe80::1%..\n"),
            "targets.txt:1: invalid zone in IPv6 address: 'fe80::1%..'" + why);
  EXPECT_EQ(error_of("fe80::1%\xc3\xa9\n"),
            "targets.txt:1: invalid zone in IPv6 address: 'fe80::1%\\xc3\\xa9'" + why);
  EXPECT_EQ(error_of("fe80::1%a:b\n"),
            "targets.txt:1: invalid zone in IPv6 address: 'fe80::1%a:b'" + why);
}

TEST(TargetsFile, InvalidIpv4Address) {
  const std::string why = " (four numbers 0-255 without leading zeros)";
  EXPECT_EQ(error_of("198.18.0.256\n"), "targets.txt:1: invalid IPv4 address: '198.18.0.256'" + why);
  EXPECT_EQ(error_of("1.2.3\n"), "targets.txt:1: invalid IPv4 address: '1.2.3'" + why);
  EXPECT_EQ(error_of("127.1\n"), "targets.txt:1: invalid IPv4 address: '127.1'" + why);
  EXPECT_EQ(error_of("198.18.0.4.5\n"), "targets.txt:1: invalid IPv4 address: '198.18.0.4.5'" + why);
  EXPECT_EQ(error_of("198.18.00.1\n"), "targets.txt:1: invalid IPv4 address: '198.18.00.1'" + why);
  EXPECT_EQ(error_of("0x7f.0.0.1\n"), "targets.txt:1: invalid IPv4 address: '0x7f.0.0.1'" + why);
  EXPECT_EQ(error_of("0x7F000001\n"), "targets.txt:1: invalid IPv4 address: '0x7F000001'" + why);
  EXPECT_EQ(error_of("2130706433\n"), "targets.txt:1: invalid IPv4 address: '2130706433'" + why);
  EXPECT_EQ(error_of("198.18.0.4.\n"), "targets.txt:1: invalid IPv4 address: '198.18.0.4.'" + why);
}

TEST(TargetsFile, InvalidHostNameCharacters) {
  EXPECT_EQ(error_of("bad_name!\n"),
            "targets.txt:1: invalid host name: 'bad_name!' ('!' is not allowed)");
  EXPECT_EQ(error_of("198.18.0.0/24\n"),
            "targets.txt:1: invalid host name: '198.18.0.0/24' ('/' is not allowed)");
  EXPECT_EQ(error_of("a,b\n"), "targets.txt:1: invalid host name: 'a,b' (',' is not allowed)");
  EXPECT_EQ(error_of("b\xc3\xbc"
                     "cher.example\n"),
            "targets.txt:1: invalid host name: 'b\\xc3\\xbccher.example' (non-ASCII: write "
            "international names in their xn-- form)");
}

TEST(TargetsFile, QuotesInAHostAreEscaped) {
  EXPECT_EQ(error_of("'host'\n"),
            "targets.txt:1: invalid host name: '\\'host\\'' ('\\'' is not allowed)");
  EXPECT_EQ(error_of("\"host\"\n"),
            "targets.txt:1: invalid host name: '\"host\"' ('\"' is not allowed)");
  EXPECT_EQ(error_of("a\\b\n"),
            "targets.txt:1: invalid host name: 'a\\\\b' ('\\\\' is not allowed)");
}

TEST(TargetsFile, InvalidHostNameLabels) {
  EXPECT_EQ(error_of("a..b\n"), "targets.txt:1: invalid host name: 'a..b' (empty label)");
  EXPECT_EQ(error_of(".example\n"), "targets.txt:1: invalid host name: '.example' (empty label)");
  EXPECT_EQ(error_of(".\n"), "targets.txt:1: invalid host name: '.' (empty label)");
  EXPECT_EQ(error_of("example..\n"), "targets.txt:1: invalid host name: 'example..' (empty label)");
  EXPECT_EQ(error_of("-c\n"),
            "targets.txt:1: invalid host name: '-c' (label starts with a hyphen)");
  EXPECT_EQ(error_of("a.-b.c\n"),
            "targets.txt:1: invalid host name: 'a.-b.c' (label starts with a hyphen)");
  EXPECT_EQ(error_of("a-.example\n"),
            "targets.txt:1: invalid host name: 'a-.example' (label ends with a hyphen)");
  EXPECT_EQ(error_of("-\n"), "targets.txt:1: invalid host name: '-' (label starts with a hyphen)");
  const std::string label64(64, 'a');
  EXPECT_EQ(error_of("x." + label64 + ".example\n"),
            "targets.txt:1: invalid host name: 'x." + label64 +
                ".example' (label longer than 63 characters)");
}

TEST(TargetsFile, HostNameLongerThan253Characters) {
  const std::string label63(63, 'a');
  const std::string name254 = label63 + "." + label63 + "." + label63 + "." + std::string(62, 'b');
  ASSERT_EQ(name254.size(), 254u);
  EXPECT_EQ(error_of(name254 + "\n"), "targets.txt:1: invalid host name: '" +
                                          name254.substr(0, 128) +
                                          "'... (longer than 253 characters)");
}

TEST(TargetsFile, LastLabelAllDigitsIsNotAName) {
  EXPECT_EQ(error_of("example.123\n"),
            "targets.txt:1: invalid host name: 'example.123' (the last label is all digits)");
  EXPECT_EQ(error_of("1.2.3.x4.5\n"),
            "targets.txt:1: invalid host name: '1.2.3.x4.5' (the last label is all digits)");
}

TEST(TargetsFile, QuotedTextIsCutAfter128Bytes) {
  const std::string a(200, 'a');
  EXPECT_EQ(error_of(a + " b\n"),
            "targets.txt:1: more than one host on a line: '" + std::string(128, 'a') + "'...");
  const std::string exactly128 = std::string(126, 'a') + " b";
  EXPECT_EQ(error_of(exactly128 + "\n"),
            "targets.txt:1: more than one host on a line: '" + exactly128 + "'");
}

TEST(TargetsFile, EveryErrorIsOneLineOfPrintableText) {
  for (const std::string& text : {"a\x1b\n"s, "\xe9\n"s, "'\"\\ x\n"s, "b\xc3\xbc\n"s, "\0\n"s}) {
    const auto result = parse_targets_file(text, "targets.txt");
    ASSERT_FALSE(result.has_value());
    for (char c : result.error()) EXPECT_TRUE(c >= 0x20 && c <= 0x7E) << result.error();
  }
}

// --- the cap on targets ---

TEST(TargetsFile, MoreTargetsThanTheCap) {
  EXPECT_EQ(targets_of("a\nb\nc\n").size(), 3u);
  EXPECT_EQ(parse_targets_file("a\nb\nc\n", "targets.txt", 3)->targets.size(), 3u);
  EXPECT_EQ(error_of("a\nb\n# c\nc\nd\n", 3), "targets.txt:5: more than 3 targets");
}

TEST(TargetsFile, DuplicatesDoNotCountAgainstTheCap) {
  const auto result = parse_targets_file("a\nb\na\nb\na\n", "targets.txt", 2);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->targets, (Targets{"a", "b"}));
  EXPECT_EQ(result->duplicates, 3u);
}

TEST(TargetsFile, DefaultCapIsOneMillionTargets) {
  std::string text;
  text.reserve(16 * (kTargetsFileMaxTargets + 1));
  // 2001:db8:0::0 to 2001:db8:99::9999 (decimal digits are hex digits too: all distinct).
  const auto address = [](std::size_t i) {
    return "2001:db8:" + std::to_string(i / 10000) + "::" + std::to_string(i % 10000) + "\n";
  };
  for (std::size_t i = 0; i < kTargetsFileMaxTargets; ++i) text += address(i);
  EXPECT_EQ(targets_of(text).size(), kTargetsFileMaxTargets);
  EXPECT_EQ(error_of(text + address(kTargetsFileMaxTargets)),
            "targets.txt:1000001: more than 1000000 targets");
}

// --- the display name ---

TEST(TargetsFile, StandardInputIsNamedAsGrepNamesIt) {
  EXPECT_EQ(targets_file_display_name("-"), "(standard input)");
}

TEST(TargetsFile, DisplayNameIsThePathAsGiven) {
  EXPECT_EQ(targets_file_display_name("/etc/better_ping/targets.txt"),
            "/etc/better_ping/targets.txt");
  EXPECT_EQ(targets_file_display_name("./-"), "./-");
  EXPECT_EQ(targets_file_display_name("my targets"), "my targets");
}

TEST(TargetsFile, DisplayNameEscapesWhatCouldBreakTheLine) {
  EXPECT_EQ(targets_file_display_name("a\nb\x1b"
                                      "c\xc3\xa9"),
            "a\\x0ab\\x1bc\\xc3\\xa9");
}

}  // namespace
}  // namespace bp
