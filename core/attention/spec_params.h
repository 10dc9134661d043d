// Parsing of spec strings "name:key=value:key=value": attention variants, where a bare word
// may name a mode of the variant ("poly:auto:eps=0.01"), and the acceleration methods
// (core/accel), which name their own kind and usage in errors.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace vs::attention {

class SpecParams {
 public:
  // Throws vs::Error on a malformed string (empty name, missing '=', repeated key).
  explicit SpecParams(const std::string& spec);
  // The same for another kind of spec: errors read "<kind> '<spec>': why; valid: <usage>".
  SpecParams(const std::string& spec, std::string kind, std::string usage);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  // Typed getters; each consumes the key. Out-of-range or non-numeric values throw.
  int get_int(const std::string& key, int fallback, int min_value, int max_value);
  double get_double(const std::string& key, double fallback, double min_value, double max_value);
  std::string get_choice(const std::string& key, const std::string& fallback,
                         const std::vector<std::string>& choices);
  // Whether the bare word is present; consumes it.
  bool get_flag(const std::string& word);
  // The raw value (for lists the caller parses), empty when absent.
  std::string get_text(const std::string& key);
  bool has(const std::string& key) const { return values_.count(key) > 0; }
  // One vs::Error naming the spec, `why` and the valid forms.
  [[noreturn]] void fail(const std::string& why) const;
  // Throws if any key or bare word was never consumed (an unknown parameter for this variant).
  void expect_all_used() const;

 private:
  std::string text_;
  std::string kind_, usage_;
  std::string name_;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> used_;
  std::map<std::string, bool> flags_;  // bare word -> consumed
};

}  // namespace vs::attention
