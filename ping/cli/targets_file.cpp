#include "ping/cli/targets_file.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>

#include "ping/cli/message_quote.h"

namespace bp {
namespace {

constexpr std::size_t kMaxNameLength = 253;
constexpr std::size_t kMaxLabelLength = 63;
constexpr std::size_t kMaxZoneLength = 15;  // IFNAMSIZ - 1, and longer than any index
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_printable_ascii(char c) { return c >= 0x20 && c <= 0x7E; }
bool all_chars(std::string_view text, bool (*predicate)(char)) {
  return std::all_of(text.begin(), text.end(), predicate);
}

std::string quoted(std::string_view text) { return quoted_for_message(text); }

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

enum class ByteProblem { kNone, kNul, kControl, kInvalidUtf8 };

// Length of the UTF-8 sequence at the start of text, or 0 if it is not one (overlong forms,
// surrogates and code points above U+10FFFF included, as RFC 3629 4 rules them out).
std::size_t utf8_sequence_length(std::string_view text) {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto continuation = [&](std::size_t i) {
    return i < text.size() && (at(i) & 0xC0) == 0x80;
  };
  const unsigned char lead = at(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (text.size() < 2) return 0;
    const unsigned char second = at(1);
    const bool second_ok = lead == 0xE0   ? second >= 0xA0 && second <= 0xBF
                           : lead == 0xED ? second >= 0x80 && second <= 0x9F
                                          : continuation(1);
    return second_ok && continuation(2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (text.size() < 2) return 0;
    const unsigned char second = at(1);
    const bool second_ok = lead == 0xF0   ? second >= 0x90 && second <= 0xBF
                           : lead == 0xF4 ? second >= 0x80 && second <= 0x8F
                                          : continuation(1);
    return second_ok && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

ByteProblem first_byte_problem(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (c == '\0') return ByteProblem::kNul;
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) {
      return ByteProblem::kControl;
    }
    const std::size_t length = utf8_sequence_length(line.substr(i));
    if (length == 0) return ByteProblem::kInvalidUtf8;
    i += length;
  }
  return ByteProblem::kNone;
}

// inet_pton() wants a terminated string. The longest address text it reads is 45 characters
// (INET6_ADDRSTRLEN counts 46 with the NUL), so anything that does not fit is no address.
std::optional<std::array<std::uint8_t, 16>> parse_address(int family, std::string_view text) {
  std::array<char, 64> terminated{};
  if (text.size() >= terminated.size()) return std::nullopt;
  std::copy(text.begin(), text.end(), terminated.begin());
  std::array<std::uint8_t, 16> bytes{};
  if (inet_pton(family, terminated.data(), bytes.data()) != 1) return std::nullopt;
  return bytes;
}

// How a host is told apart from the others: the kind, then the address bytes (and zone) or the
// name in lower case.
using TargetKey = std::string;

struct HostCheck {
  std::optional<TargetKey> key;  // set when the host is valid
  std::string problem;           // otherwise: what is wrong, without the "F:N: " prefix
};

HostCheck invalid(std::string problem) { return {std::nullopt, std::move(problem)}; }

HostCheck check_ipv6(std::string_view host) {
  const std::size_t percent = host.find('%');
  const std::string_view address = host.substr(0, percent);
  const auto bytes = parse_address(AF_INET6, address);
  if (!bytes) {
    const std::size_t colon = host.find(':');
    const bool one_colon = host.find(':', colon + 1) == std::string_view::npos;
    const std::string_view before = host.substr(0, colon);
    const std::string_view after = host.substr(colon + 1);
    // "example.com:80" is a name and a port, not a broken IPv6 address ("cafe:80" stays one).
    if (one_colon && !before.empty() && !all_chars(before, is_hex_digit) && !after.empty() &&
        all_chars(after, is_digit)) {
      return invalid("invalid host: " + quoted(host) + " (a target has no port)");
    }
    return invalid("invalid IPv6 address: " + quoted(host));
  }
  TargetKey key = "6" + std::string(bytes->begin(), bytes->end());
  if (percent != std::string_view::npos) {
    const std::string_view zone = host.substr(percent + 1);
    const bool zone_ok =
        !zone.empty() && zone.size() <= kMaxZoneLength && zone != "." && zone != ".." &&
        all_chars(zone, [](char c) {
          return is_printable_ascii(c) && c != ' ' && c != '/' && c != ':' && c != '%' && c != '#';
        });
    if (!zone_ok) {
      return invalid("invalid zone in IPv6 address: " + quoted(host) +
                     " (an interface name or index, 1-15 characters)");
    }
    key += '%';
    key += zone;
  }
  return {std::move(key), {}};
}

bool is_inet_aton_number(std::string_view part) {
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    return all_chars(part.substr(2), is_hex_digit);
  }
  return !part.empty() && all_chars(part, is_digit);
}

std::vector<std::string_view> split_labels(std::string_view name) {
  std::vector<std::string_view> labels;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    labels.push_back(name.substr(start, dot - start));
    if (dot == std::string_view::npos) return labels;
    start = dot + 1;
  }
}

std::string host_name_problem(std::string_view host, std::string_view reason) {
  return "invalid host name: " + quoted(host) + " (" + std::string(reason) + ")";
}

// A host without ':': an IPv4 address or a name.
HostCheck check_ipv4_or_name(std::string_view host) {
  std::string_view name = host;
  if (name.size() > 1 && name.back() == '.') name.remove_suffix(1);
  const std::vector<std::string_view> labels = split_labels(name);

  // Text made of numbers and dots is meant as an address, and must be the one form that reads
  // the same to inet_pton(), inet_aton() and a person.
  if (std::all_of(labels.begin(), labels.end(), is_inet_aton_number)) {
    const auto bytes = parse_address(AF_INET, host);
    if (!bytes) {
      return invalid("invalid IPv4 address: " + quoted(host) +
                     " (four numbers 0-255 without leading zeros)");
    }
    return {"4" + std::string(bytes->begin(), bytes->begin() + 4), {}};
  }

  for (char c : name) {
    if (is_letter(c) || is_digit(c) || c == '-' || c == '_' || c == '.') continue;
    if (!is_printable_ascii(c)) {
      return invalid(
          host_name_problem(host, "non-ASCII: write international names in their xn-- form"));
    }
    return invalid(host_name_problem(host, quoted(std::string_view(&c, 1)) + " is not allowed"));
  }
  if (name.size() > kMaxNameLength) {
    return invalid(host_name_problem(host, "longer than 253 characters"));
  }
  for (std::string_view label : labels) {
    if (label.empty()) return invalid(host_name_problem(host, "empty label"));
    if (label.size() > kMaxLabelLength) {
      return invalid(host_name_problem(host, "label longer than 63 characters"));
    }
    if (label.front() == '-') return invalid(host_name_problem(host, "label starts with a hyphen"));
    if (label.back() == '-') return invalid(host_name_problem(host, "label ends with a hyphen"));
  }
  if (all_chars(labels.back(), is_digit)) {
    return invalid(host_name_problem(host, "the last label is all digits"));
  }
  TargetKey key = "n" + std::string(host);
  std::transform(key.begin(), key.end(), key.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return {std::move(key), {}};
}

HostCheck check_host(std::string_view host) {
  if (host.find(':') != std::string_view::npos) {
    if (host.front() == '[') {
      return invalid("IPv6 address in brackets: " + quoted(host) + " (write it without them)");
    }
    return check_ipv6(host);
  }
  return check_ipv4_or_name(host);
}

// Finds the targets kept so far by their keys. Open addressing over the keys' hashes in one flat
// array of 8-byte slots: std::unordered_set took a node per target, and 2 s for a million. A
// slot holds 32 bits of the hash and the target's index; where they match, the kept target's key
// is worked out again and compared, so a collision can never drop a target.
class SeenTargets {
 public:
  explicit SeenTargets(const std::vector<std::string>& targets) : targets_(targets) {}

  bool contains(const TargetKey& key, std::size_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask; slots_[i].index_plus_one != 0; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.tag == tag_of(hash) && check_host(targets_[slot.index_plus_one - 1]).key == key) {
        return true;
      }
    }
    return false;
  }

  // Records targets_.back(), whose key has this hash.
  void add_last(std::size_t hash) {
    hashes_.push_back(hash);
    if (hashes_.size() * 2 > slots_.size()) {
      slots_.assign(slots_.size() * 2, Slot{});
      for (std::size_t i = 0; i < hashes_.size(); ++i) place(i);
    } else {
      place(hashes_.size() - 1);
    }
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t index_plus_one = 0;  // 0: empty
  };

  static std::uint32_t tag_of(std::size_t hash) { return static_cast<std::uint32_t>(hash >> 32); }

  void place(std::size_t index) {
    const std::size_t hash = hashes_[index];
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    while (slots_[i].index_plus_one != 0) i = (i + 1) & mask;
    slots_[i] = Slot{tag_of(hash), static_cast<std::uint32_t>(index + 1)};
  }

  const std::vector<std::string>& targets_;
  std::vector<std::size_t> hashes_;  // of the targets' keys, kept for growing the table
  std::vector<Slot> slots_ = std::vector<Slot>(1024);
};

}  // namespace

Expected<TargetsFileResult, std::string> parse_targets_file(std::string_view text,
                                                            std::string_view display_name,
                                                            std::size_t max_targets) {
  const auto error_at = [&](std::size_t line_number, const std::string& problem) {
    return Unexpected{std::string(display_name) + ":" + std::to_string(line_number) + ": " +
                      problem};
  };

  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());

  TargetsFileResult result;
  SeenTargets seen(result.targets);
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    if (line.size() > kTargetsFileMaxLineBytes) {
      return error_at(line_number, "line longer than 1024 bytes");
    }
    switch (first_byte_problem(line)) {
      case ByteProblem::kNone:
        break;
      case ByteProblem::kNul:
        return error_at(line_number, "NUL byte (not a text file?)");
      case ByteProblem::kControl:
        return error_at(line_number, "control character in line: " + quoted(trimmed(line)));
      case ByteProblem::kInvalidUtf8:
        return error_at(line_number, "invalid UTF-8 in line: " + quoted(trimmed(line)));
    }

    std::string_view content = trimmed(line);
    if (content.empty() || content.front() == '#') continue;
    // A comment after a host starts at a '#' that follows a blank.
    for (std::size_t i = 1; i < content.size(); ++i) {
      if (content[i] == '#' && is_blank(content[i - 1])) {
        content = trimmed(content.substr(0, i));
        break;
      }
    }
    if (std::any_of(content.begin(), content.end(), is_blank)) {
      return error_at(line_number, "more than one host on a line: " + quoted(content));
    }

    HostCheck check = check_host(content);
    if (!check.key) return error_at(line_number, check.problem);
    const std::size_t hash = std::hash<TargetKey>{}(*check.key);
    if (seen.contains(*check.key, hash)) {
      ++result.duplicates;
      continue;
    }
    if (result.targets.size() >= max_targets) {
      return error_at(line_number, "more than " + std::to_string(max_targets) + " targets");
    }
    result.targets.emplace_back(content);
    seen.add_last(hash);
  }
  if (result.targets.empty()) return Unexpected{std::string(display_name) + ": no targets"};
  return result;
}

std::string targets_file_display_name(std::string_view path) {
  if (path == "-") return "(standard input)";
  std::string out;
  for (char c : path) {
    if (is_printable_ascii(c)) {
      out += c;
    } else {
      append_hex_escape(out, c);
    }
  }
  return out;
}

}  // namespace bp
