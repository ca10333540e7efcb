#pragma once
// A small, strict JSON reader for tests: it checks that a text is exactly one JSON value per
// RFC 8259 and decodes it, so the fuzz target and the unit tests can read back what JsonLine
// wrote. Written apart from the writer (it shares no code with it) so that it checks it.
//
// Strict where the writer must be: no raw control characters in strings, only the escapes
// RFC 8259 lists, \u surrogates only in pairs, well-formed UTF-8 only (no overlongs, no encoded
// surrogates, nothing over U+10FFFF), numbers in the JSON grammar only (no NaN, no Infinity, no
// leading zeros, no '+'), no duplicate keys in an object, nothing after the value but
// whitespace. Nesting deeper than 64 is refused (the writer never goes near it).
//
// Test code: it allocates freely.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bp::json_check {

struct Member;

struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // a string's decoded UTF-8, or a number's literal text
  std::vector<Value> elements;  // an array's
  std::vector<Member> members;  // an object's, in order

  // The member called `key` of an object, or nullptr.
  const Value* find(std::string_view key) const;
};

struct Member {
  std::string key;
  Value value;
};

inline const Value* Value::find(std::string_view key) const {
  for (const Member& member : members) {
    if (member.key == key) return &member.value;
  }
  return nullptr;
}

namespace detail {

inline void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xc0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xe0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  }
}

// Decodes the UTF-8 sequence at text[pos] into a code point and advances pos past it; nothing
// if it is not the shortest encoding of a scalar value (by decoding, then checking the range
// the length allows).
inline std::optional<std::uint32_t> decode_utf8(std::string_view text, std::size_t& pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t length = 0;
  std::uint32_t code_point = 0;
  std::uint32_t smallest = 0;
  if (lead < 0x80) {
    ++pos;
    return lead;
  } else if ((lead & 0xe0) == 0xc0) {
    length = 2;
    code_point = lead & 0x1fu;
    smallest = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3;
    code_point = lead & 0x0fu;
    smallest = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4;
    code_point = lead & 0x07u;
    smallest = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() - pos < length) return std::nullopt;
  for (std::size_t k = 1; k < length; ++k) {
    const auto byte = static_cast<unsigned char>(text[pos + k]);
    if ((byte & 0xc0) != 0x80) return std::nullopt;
    code_point = code_point << 6 | (byte & 0x3fu);
  }
  if (code_point < smallest || code_point > 0x10ffff) return std::nullopt;
  if (code_point >= 0xd800 && code_point <= 0xdfff) return std::nullopt;
  pos += length;
  return code_point;
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  std::optional<Value> document(std::string* error) {
    std::optional<Value> value = read_value(0);
    skip_whitespace();
    if (value && pos_ != text_.size()) fail("text after the value");
    if (!error_.empty()) {
      if (error) *error = error_ + " at byte " + std::to_string(pos_);
      return std::nullopt;
    }
    return value;
  }

 private:
  static constexpr int kMaxDepth = 64;

  std::nullopt_t fail(const char* why) {
    if (error_.empty()) error_ = why;
    return std::nullopt;
  }
  bool failed(const char* why) {
    fail(why);
    return false;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void skip_whitespace() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
  }
  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::optional<Value> read_value(int depth) {
    if (depth > kMaxDepth) return fail("nested too deeply");
    skip_whitespace();
    if (at_end()) return fail("a value expected");
    Value value;
    switch (peek()) {
      case '{': return read_object(depth);
      case '[': return read_array(depth);
      case '"': {
        std::optional<std::string> text = read_string();
        if (!text) return std::nullopt;
        value.kind = Value::Kind::kString;
        value.text = std::move(*text);
        return value;
      }
      case 't':
      case 'f':
        value.kind = Value::Kind::kBool;
        value.boolean = peek() == 't';
        if (!consume(value.boolean ? "true" : "false")) return fail("a bad literal");
        return value;
      case 'n':
        if (!consume("null")) return fail("a bad literal");
        return value;
      default: return read_number();
    }
  }

  std::optional<Value> read_object(int depth) {
    ++pos_;  // '{'
    Value object;
    object.kind = Value::Kind::kObject;
    object.members.reserve(16);  // one allocation for a typical line, not five
    skip_whitespace();
    if (!at_end() && peek() == '}') {
      ++pos_;
      return object;
    }
    while (true) {
      skip_whitespace();
      if (at_end() || peek() != '"') return fail("a key expected");
      std::optional<std::string> key = read_string();
      if (!key) return std::nullopt;
      if (object.find(*key) != nullptr) return fail("a duplicate key");
      skip_whitespace();
      if (at_end() || peek() != ':') return fail("':' expected");
      ++pos_;
      std::optional<Value> value = read_value(depth + 1);
      if (!value) return std::nullopt;
      object.members.push_back(Member{std::move(*key), std::move(*value)});
      skip_whitespace();
      if (at_end()) return fail("an unterminated object");
      const char c = text_[pos_++];
      if (c == '}') return object;
      if (c != ',') return fail("',' or '}' expected");
    }
  }

  std::optional<Value> read_array(int depth) {
    ++pos_;  // '['
    Value array;
    array.kind = Value::Kind::kArray;
    skip_whitespace();
    if (!at_end() && peek() == ']') {
      ++pos_;
      return array;
    }
    while (true) {
      std::optional<Value> element = read_value(depth + 1);
      if (!element) return std::nullopt;
      array.elements.push_back(std::move(*element));
      skip_whitespace();
      if (at_end()) return fail("an unterminated array");
      const char c = text_[pos_++];
      if (c == ']') return array;
      if (c != ',') return fail("',' or ']' expected");
    }
  }

  std::optional<std::uint32_t> read_hex4() {
    if (text_.size() - pos_ < 4) return fail("a short \\u escape");
    std::uint32_t unit = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text_[pos_++];
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return fail("a bad \\u escape");
      }
      unit = unit << 4 | digit;
    }
    return unit;
  }

  bool read_escape(std::string& out) {
    if (at_end()) return failed("an unterminated escape");
    const char c = text_[pos_++];
    switch (c) {
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case '/': out += '/'; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': break;
      default: return failed("an unknown escape");
    }
    const std::optional<std::uint32_t> unit = read_hex4();
    if (!unit) return false;
    if (*unit >= 0xdc00 && *unit <= 0xdfff) return failed("a lone low surrogate");
    if (*unit < 0xd800 || *unit > 0xdbff) {
      append_utf8(out, *unit);
      return true;
    }
    if (!consume("\\u")) return failed("a lone high surrogate");
    const std::optional<std::uint32_t> low = read_hex4();
    if (!low) return false;
    if (*low < 0xdc00 || *low > 0xdfff) return failed("a high surrogate without its low");
    append_utf8(out, 0x10000 + ((*unit - 0xd800) << 10) + (*low - 0xdc00));
    return true;
  }

  std::optional<std::string> read_string() {
    ++pos_;  // '"'
    std::string out;
    while (true) {
      if (at_end()) return fail("an unterminated string");
      const auto c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) return fail("a raw control character in a string");
      if (c == '\\') {
        ++pos_;
        if (!read_escape(out)) return std::nullopt;
        continue;
      }
      const std::size_t start = pos_;
      if (!decode_utf8(text_, pos_)) return fail("ill-formed UTF-8 in a string");
      out.append(text_.substr(start, pos_ - start));
    }
  }

  bool read_digits() {
    const std::size_t start = pos_;
    while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
    return pos_ > start;
  }

  std::optional<Value> read_number() {
    const std::size_t start = pos_;
    if (!at_end() && peek() == '-') ++pos_;
    if (at_end()) return fail("a bad number");
    if (peek() == '0') {
      ++pos_;
    } else if (peek() < '1' || peek() > '9' || !read_digits()) {
      return fail("a bad value");
    }
    if (!at_end() && peek() == '.') {
      ++pos_;
      if (!read_digits()) return fail("no digits after the point");
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (!read_digits()) return fail("no digits in the exponent");
    }
    Value value;
    value.kind = Value::Kind::kNumber;
    value.text = std::string(text_.substr(start, pos_ - start));
    return value;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace detail

// The one JSON value that `text` holds, or nothing (and why in *error) if it is not exactly one
// strict JSON value.
inline std::optional<Value> parse(std::string_view text, std::string* error = nullptr) {
  return detail::Reader(text).document(error);
}

// Whether `text` is well-formed UTF-8 throughout.
inline bool is_valid_utf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (!detail::decode_utf8(text, pos)) return false;
  }
  return true;
}

}  // namespace bp::json_check
