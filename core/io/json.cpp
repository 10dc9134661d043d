#include "core/io/json.h"

#include <cstring>
#include <limits>

#include "core/error.h"

namespace vs::io::json {
namespace {

// Length of the well-formed UTF-8 sequence starting at p (RFC 3629 table 3-7), or 0.
size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;   // no overlongs
    if (c == 0xED) hi = 0x9F;   // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;   // no overlongs
    if (c == 0xF4) hi = 0x8F;   // <= U+10FFFF
  } else {
    return 0;
  }
  if (static_cast<size_t>(end - p) < n) return 0;
  if (p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < n; ++i)
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  return n;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  Parser(const char* text, size_t size, const Limits& limits)
      : p_(reinterpret_cast<const unsigned char*>(text)), begin_(p_), end_(p_ + size),
        limits_(limits) {}

  Value parse_document() {
    skip_whitespace();
    Value v = parse_value(0);
    skip_whitespace();
    if (p_ != end_) fail("trailing characters after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(what + " at byte " + std::to_string(p_ - begin_));
  }

  void skip_whitespace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  void expect_literal(const char* word) {
    const size_t n = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0)
      fail("invalid literal");
    p_ += n;
  }

  Value parse_value(int depth) {
    if (++value_count_ > limits_.max_values)
      fail("more than " + std::to_string(limits_.max_values) + " JSON values");
    if (p_ == end_) fail("unexpected end of input");
    Value v;
    switch (*p_) {
      case '{':
        if (depth >= limits_.max_depth) fail("nesting deeper than " + std::to_string(limits_.max_depth));
        v.kind = Value::Kind::Object;
        parse_object(v, depth + 1);
        break;
      case '[':
        if (depth >= limits_.max_depth) fail("nesting deeper than " + std::to_string(limits_.max_depth));
        v.kind = Value::Kind::Array;
        parse_array(v, depth + 1);
        break;
      case '"':
        v.kind = Value::Kind::String;
        v.text = parse_string();
        break;
      case 't':
        expect_literal("true");
        v.kind = Value::Kind::Bool;
        v.boolean = true;
        break;
      case 'f':
        expect_literal("false");
        v.kind = Value::Kind::Bool;
        break;
      case 'n':
        expect_literal("null");
        break;
      default:
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) {
          v.kind = Value::Kind::Number;
          v.text = parse_number();
        } else {
          fail("unexpected character");
        }
    }
    return v;
  }

  void parse_object(Value& v, int depth) {
    ++p_;  // '{'
    skip_whitespace();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return;
    }
    for (;;) {
      skip_whitespace();
      if (p_ == end_) fail("unexpected end of input");
      if (*p_ != '"') fail("expected a string key");
      Member m;
      m.key = parse_string();
      skip_whitespace();
      if (p_ == end_ || *p_ != ':') fail("expected ':'");
      ++p_;
      skip_whitespace();
      m.value = parse_value(depth);
      v.object.push_back(std::move(m));
      skip_whitespace();
      if (p_ == end_) fail("unterminated object");
      if (*p_ == '}') {
        ++p_;
        return;
      }
      if (*p_ != ',') fail("expected ',' or '}'");
      ++p_;
    }
  }

  void parse_array(Value& v, int depth) {
    ++p_;  // '['
    skip_whitespace();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return;
    }
    for (;;) {
      skip_whitespace();
      v.array.push_back(parse_value(depth));
      skip_whitespace();
      if (p_ == end_) fail("unterminated array");
      if (*p_ == ']') {
        ++p_;
        return;
      }
      if (*p_ != ',') fail("expected ',' or ']'");
      ++p_;
    }
  }

  uint32_t parse_hex4() {
    if (end_ - p_ < 4) fail("truncated \\u escape");
    uint32_t cp = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      const unsigned char c = *p_;
      uint32_t d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else fail("invalid hex digit in \\u escape");
      cp = cp * 16 + d;
    }
    return cp;
  }

  std::string parse_string() {
    ++p_;  // opening quote
    std::string out;
    for (;;) {
      if (p_ == end_) fail("unterminated string");
      const unsigned char c = *p_;
      if (c == '"') {
        ++p_;
        return out;
      }
      if (c < 0x20) fail("unescaped control character in string");
      if (c == '\\') {
        ++p_;
        if (p_ == end_) fail("unterminated escape");
        const unsigned char e = *p_++;
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            uint32_t cp = parse_hex4();
            if (cp >= 0xDC00 && cp <= 0xDFFF) fail("lone low surrogate in \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') fail("high surrogate without a low surrogate");
              p_ += 2;
              const uint32_t lo = parse_hex4();
              if (lo < 0xDC00 || lo > 0xDFFF) fail("high surrogate without a low surrogate");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            append_utf8(out, cp);
            break;
          }
          default:
            --p_;
            fail("invalid escape");
        }
        continue;
      }
      const size_t n = utf8_sequence_length(p_, end_);
      if (n == 0) fail("invalid UTF-8 in string");
      out.append(reinterpret_cast<const char*>(p_), n);
      p_ += n;
    }
  }

  std::string parse_number() {
    const unsigned char* start = p_;
    auto digits = [&]() {
      const unsigned char* d = p_;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      return p_ - d;
    };
    if (*p_ == '-') ++p_;
    if (p_ == end_) fail("truncated number");
    if (*p_ == '0') {
      ++p_;
      if (p_ != end_ && *p_ >= '0' && *p_ <= '9') fail("leading zero in number");
    } else if (digits() == 0) {
      fail("invalid number");
    }
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (digits() == 0) fail("no digits after decimal point");
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (digits() == 0) fail("no digits in exponent");
    }
    return std::string(reinterpret_cast<const char*>(start), p_ - start);
  }

  const unsigned char* p_;
  const unsigned char* const begin_;
  const unsigned char* const end_;
  const Limits limits_;
  size_t value_count_ = 0;
};

// Magnitude of the digits of an integer literal (after an optional '-'); false on overflow.
bool parse_magnitude(const std::string& digits, size_t from, uint64_t* out) {
  uint64_t v = 0;
  for (size_t i = from; i < digits.size(); ++i) {
    const uint64_t d = static_cast<uint64_t>(digits[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

}  // namespace

bool Value::is_integer_literal() const {
  return kind == Kind::Number && text.find_first_of(".eE") == std::string::npos;
}

bool Value::to_uint64(uint64_t* out) const {
  if (!is_integer_literal()) return false;
  if (text[0] == '-') {
    uint64_t m;
    if (!parse_magnitude(text, 1, &m) || m != 0) return false;
    *out = 0;  // "-0"
    return true;
  }
  return parse_magnitude(text, 0, out);
}

bool Value::to_int64(int64_t* out) const {
  if (!is_integer_literal()) return false;
  const bool negative = text[0] == '-';
  uint64_t m;
  if (!parse_magnitude(text, negative ? 1 : 0, &m)) return false;
  const uint64_t max_positive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!negative) {
    if (m > max_positive) return false;
    *out = static_cast<int64_t>(m);
  } else {
    if (m > max_positive + 1) return false;
    *out = m == max_positive + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(m);
  }
  return true;
}

const Value* Value::find(const std::string& key) const {
  for (const Member& m : object)
    if (m.key == key) return &m.value;
  return nullptr;
}

Value parse(const char* text, size_t size, const Limits& limits) {
  return Parser(text, size, limits).parse_document();
}

bool is_valid_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p != end) {
    const size_t n = utf8_sequence_length(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

std::string quote(const std::string& s) {
  static const char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

}  // namespace vs::io::json
