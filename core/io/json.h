// A small, strict JSON parser (RFC 8259) sized for safetensors headers: objects (members
// kept in file order, duplicates kept so the caller can name them), arrays, strings with
// every escape including \uXXXX surrogate pairs, numbers kept as their literal text so an
// integer can be read without passing through double. Rejects invalid UTF-8, control
// characters in strings, lone surrogates, leading zeros, trailing garbage, nesting deeper
// than a limit, and documents with more values than a limit (a 100 MB header of "[0,0,..."
// must not become gigabytes of nodes).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vs::io::json {

struct Member;

struct Value {
  enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  std::string text;             // decoded string, or the number's literal text
  std::vector<Value> array;
  std::vector<Member> object;   // in document order

  bool is_object() const { return kind == Kind::Object; }
  bool is_array() const { return kind == Kind::Array; }
  bool is_string() const { return kind == Kind::String; }
  bool is_number() const { return kind == Kind::Number; }
  // A number literal without fraction or exponent ("12", "-0"; not "1.0", "1e3").
  bool is_integer_literal() const;
  // Integer value of an integer literal; false when this is not one or it does not fit.
  bool to_int64(int64_t* out) const;
  bool to_uint64(uint64_t* out) const;
  // First member named `key`, or nullptr (also when this is not an object).
  const Value* find(const std::string& key) const;
};

struct Member {
  std::string key;
  Value value;
};

struct Limits {
  int max_depth = 64;
  size_t max_values = size_t{1} << 21;  // ~200k safetensors entries, ~200 MB of nodes at worst
};

// Parses exactly one JSON value surrounded by optional whitespace. Throws vs::Error with
// a one-line message "<what> at byte <offset>" (the caller prefixes the file name).
Value parse(const char* text, size_t size, const Limits& limits = Limits());
inline Value parse(const std::string& text, const Limits& limits = Limits()) {
  return parse(text.data(), text.size(), limits);
}

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(const std::string& s);
// `s` as a JSON string literal, quotes included; non-ASCII UTF-8 is written as is.
std::string quote(const std::string& s);

}  // namespace vs::io::json
