#pragma once
// JsonLine: one JSON object on one line (JSON Lines, RFC 8259 text), appended to a string.
//
// It runs for every reply of a flood, so it is built for speed: no iostreams, no locale, no
// printf, no temporaries; numbers go through std::to_chars and the only allocation is the
// growth of the caller's string. Pure: it never writes anywhere but `out`.
//
//   std::string out;
//   JsonLine(out).field("type", "reply").field("seq", 7).millis("rtt_ms", rtt)
//       .begin_object("stats").field("sent", 9u).end_object().finish();
//   // {"type":"reply","seq":7,"rtt_ms":0.051,"stats":{"sent":9}}\n
//
// Guarantees, whatever the values:
// - the line is valid JSON and ends in the only '\n' it holds (control characters inside
//   strings are escaped);
// - strings are valid UTF-8: a byte sequence that is not well-formed UTF-8 becomes one U+FFFD
//   per maximal ill-formed subpart (Unicode 15, section 3.9, "U+FFFD substitution of maximal
//   subparts"); well-formed UTF-8 passes through unchanged, so a valid name decodes back to
//   itself;
// - numbers are finite: NaN and infinities are written as null;
// - durations and times are exact decimals computed from integers (no binary floating point).
//
// Keys are written as given, unescaped: they must be the program's own constants of plain
// printable ASCII without '"' or '\\' (checked by assert() in debug builds).
//
// Member functions with a key write a member of the innermost object; those without a key
// (value, null_value, begin_object()) write an element of the innermost array. Commas are
// placed automatically. Each begin_ needs its end_, and finish() closes the line; the object is
// then done (a JsonLine is for one line; make a new one for the next).

#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <utility>
#include <string>
#include <string_view>

#include "shared/mono_time.h"

namespace bp {

// Integer types written as JSON numbers: every integral type except bool and the character
// types (a char is more likely a mistake than a number). std::uint8_t (a TTL, an ICMP type) and
// std::int8_t are numbers.
template <class T>
concept JsonInteger = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
                      !std::same_as<T, char8_t> && !std::same_as<T, char16_t> &&
                      !std::same_as<T, char32_t> && !std::same_as<T, wchar_t>;

class JsonLine {
 public:
  explicit JsonLine(std::string& out);  // writes '{'
  JsonLine(const JsonLine&) = delete;
  JsonLine& operator=(const JsonLine&) = delete;

  // Members of the innermost object.
  JsonLine& field(std::string_view key, std::string_view text);  // an escaped string
  JsonLine& field(std::string_view key, const char* text);       // same (not a bool); null if nullptr
  JsonLine& field(std::string_view key, bool flag);
  template <JsonInteger T>
  JsonLine& field(std::string_view key, T number) {
    write_key(key);
    append_integer(number);
    return *this;
  }
  template <JsonInteger T>
  JsonLine& field(std::string_view key, std::optional<T> number) {  // nullopt: null
    return number ? field(key, *number) : null_field(key);
  }
  JsonLine& null_field(std::string_view key);
  // Members written before, by members_text(): `"a":1,"b":"x"` (no braces). The sinks keep each
  // target's constant members this way, escaped once instead of on every line.
  JsonLine& raw_members(std::string_view members);
  // `number` rounded to `decimals` digits after the point (clamped to 0..17), "%.*f" without the
  // locale; NaN, infinities and nullopt are written as null, and -0 as 0.
  JsonLine& fixed(std::string_view key, double number, int decimals);
  JsonLine& fixed(std::string_view key, std::optional<double> number, int decimals);
  // Milliseconds with exactly 3 decimals: the duration rounded to the nearest microsecond
  // (halves away from zero, as the text output does), e.g. 1 234 567 ns -> 1.235. A negative
  // duration keeps its sign ("-0.005"); nullopt is null.
  JsonLine& millis(std::string_view key, std::optional<Duration> duration);
  // Unix time in seconds with exactly 6 decimals, truncated to the microsecond below (as -D
  // does): 1700000000.123456. Times before 1970 are negative ("-0.000001" is 1 us before).
  JsonLine& unix_seconds(std::string_view key, std::chrono::system_clock::time_point time);
  // The same from a timespec-like pair; nanoseconds over 999 999 999 carry into the seconds.
  JsonLine& unix_seconds(std::string_view key, std::int64_t seconds, std::uint32_t nanoseconds);

  JsonLine& begin_object(std::string_view key);  // "key":{
  JsonLine& begin_array(std::string_view key);   // "key":[

  // Elements of the innermost array.
  JsonLine& begin_object();  // {
  JsonLine& value(std::string_view text);
  JsonLine& value(const char* text);
  JsonLine& value(bool flag);
  template <JsonInteger T>
  JsonLine& value(T number) {
    write_separator();
    append_integer(number);
    return *this;
  }
  JsonLine& null_value();

  JsonLine& end_object();  // }
  JsonLine& end_array();   // ]

  void finish();  // writes "}\n": the line is complete

 private:
  void write_separator();             // ',' unless first in its container
  void write_key(std::string_view key);  // separator and "key":
  void append_string(std::string_view text);
  void append_signed(std::int64_t number);
  void append_unsigned(std::uint64_t number);
  template <JsonInteger T>
  void append_integer(T number) {
    if constexpr (std::signed_integral<T>) {
      append_signed(static_cast<std::int64_t>(number));
    } else {
      append_unsigned(static_cast<std::uint64_t>(number));
    }
  }

  std::string& out_;
  int depth_ = 1;  // open objects and arrays, the line's own object included
};

// The members `key: text` ... as raw_members() takes them: each text escaped as a string.
std::string members_text(std::initializer_list<std::pair<std::string_view, std::string_view>> members);

// Appends `text` as a JSON string literal, quotes included, with the escaping and UTF-8 repair
// described above. Exposed for the sinks that need a bare string and for the tests.
void append_json_string(std::string& out, std::string_view text);

}  // namespace bp
