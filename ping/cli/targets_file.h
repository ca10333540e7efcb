#pragma once
// --targets FILE: the hosts to ping, read from a file (or from standard input for "-"). Pure:
// the caller reads the file and hands over its text; nothing here touches the file system or
// the resolver.
//
// The format, one host per line:
//
//   # core network                  a comment line
//   198.18.0.1      # core router   a comment after a host: '#' after a space or tab
//   2001:db8::7
//   fe80::1%eth0                    a link-local IPv6 address and its zone (interface)
//   mail.example.com
//                                   blank lines are skipped
//
// Lines
//   - end in LF or CR LF; the last line needs no line end. A UTF-8 byte order mark at the
//     start of the file is skipped.
//   - may have spaces and tabs around the host, which are ignored. A line that is empty,
//     blank, or whose first other character is '#' holds no host. After a host, '#' starts a
//     comment only when a space or tab comes before it: "host#1" is a (bad) host name, not
//     "host" and a comment.
//   - are at most 1024 bytes long, line end not counted (a host name is at most 253).
//   - are UTF-8 text (ASCII is UTF-8), comments included, with no control character but tab:
//     a NUL byte, another control character or bytes that are not UTF-8 mean the file is not
//     a list of hosts (a binary file, or the wrong file).
//
// Hosts: exactly one per line, one of
//   - an IPv4 address in dotted-decimal form: four numbers 0-255 without leading zeros
//     ("198.18.0.7"). Text made only of numbers and dots is always taken as an IPv4 address,
//     so the short, octal and hex forms the C library's inet_aton() also reads ("127.1",
//     "198.018.0.1", "0x7f.0.0.1") are refused, not looked up: "010" is 8 there and 10 to a
//     reader (and "018" is no octal number at all).
//   - an IPv6 address as inet_pton() reads it ("2001:db8::7", "::ffff:198.18.0.7"), without
//     brackets, optionally followed by "%ZONE": the interface (a name or an index, 1 to 15
//     printable characters, no '/', ':', '%' or '#'), as in "fe80::1%eth0".
//   - a host name (RFC 1123 2.1): labels separated by dots, with an optional trailing dot. A
//     label has 1 to 63 letters, digits, hyphens and underscores, and neither starts nor ends
//     with a hyphen; the name has at most 253 characters (trailing dot not counted); its last
//     label is not all digits, as no top-level domain is (RFC 3696 2). Underscores go beyond
//     RFC 1123 on purpose: real names have them (Docker Compose services, Active Directory
//     hosts, "_service" labels), the resolver and iputils' command line take them, and
//     refusing them here would refuse a host that `ping NAME` reaches.
//     International names are written in their ASCII (xn--) form.
//
// The same target twice is pinged once: the targets come back in the order of their first
// line, and the later lines are counted as duplicates. Names compare without regard to case
// (DNS names do, RFC 4343): "Router1" and "router1" are one target. Addresses compare by value:
// "2001:db8::1" and "2001:DB8:0::1" are one target; "fe80::1%eth0" and "fe80::1%eth1" are two.
// A name and an address are never the same target (resolution comes later), nor are
// "example.com" and "example.com." (search domains apply to the first only). Each target keeps
// the spelling of its first line. At most 1 000 000 different targets.
//
// Errors: the first bad line stops the parse, and the error is one line naming the file and the
// line (counted from 1), as "targets.txt:7: more than one host on a line: 'a b'". Text from the
// file is shown in single quotes, with each byte outside printable ASCII as \xNN, a quote as \'
// and a backslash as \\, and cut after 128 bytes ('...'...), so the error stays one line
// whatever the file holds. The errors ("F" is the display name, "N" the line):
//   F:N: line longer than 1024 bytes
//   F:N: NUL byte (not a text file?)
//   F:N: control character in line: 'TEXT'
//   F:N: invalid UTF-8 in line: 'TEXT'
//   F:N: more than one host on a line: 'HOSTS'
//   F:N: IPv6 address in brackets: 'TEXT' (write it without them)
//   F:N: invalid IPv6 address: 'TEXT'
//   F:N: invalid zone in IPv6 address: 'TEXT' (an interface name or index, 1-15 characters)
//   F:N: invalid host: 'TEXT' (a target has no port)
//   F:N: invalid IPv4 address: 'TEXT' (four numbers 0-255 without leading zeros)
//   F:N: invalid host name: 'TEXT' (REASON)
//        REASON: 'C' is not allowed | non-ASCII: write international names in their xn-- form
//              | empty label | label longer than 63 characters | label starts with a hyphen
//              | label ends with a hyphen | longer than 253 characters
//              | the last label is all digits
//   F:N: more than 1000000 targets
//   F: no targets              (the file holds no host: pinging nothing is surely a mistake)
// Which exit code an error gives is the caller's choice.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "shared/expected.h"

namespace bp {

inline constexpr std::size_t kTargetsFileMaxLineBytes = 1024;
inline constexpr std::size_t kTargetsFileMaxTargets = 1'000'000;

struct TargetsFileResult {
  std::vector<std::string> targets;  // different targets, in the order of their first line
  std::size_t duplicates = 0;        // lines dropped because their target came before
};

// Parses the text of a targets file. display_name names the file in errors; it should be one
// line of printable text, as targets_file_display_name() makes it. max_targets exists for the
// tests; callers keep the default.
Expected<TargetsFileResult, std::string> parse_targets_file(
    std::string_view text, std::string_view display_name,
    std::size_t max_targets = kTargetsFileMaxTargets);

// The name errors give a --targets argument: "(standard input)" for "-", as grep and other GNU
// tools name it (a bare "-:3:" reads as punctuation); the path as given otherwise, with each
// byte outside printable ASCII as \xNN so that an odd file name cannot break the error line.
std::string targets_file_display_name(std::string_view path);

}  // namespace bp
