// Parsing of variant spec strings "name:key=value:key=value", where a bare word may name a
// mode of the variant ("poly:auto:eps=0.01").
#pragma once
#include <map>
#include <string>
#include <vector>

namespace vs::attention {

class SpecParams {
 public:
  // Throws vs::Error on a malformed string (empty name, missing '=', repeated key).
  explicit SpecParams(const std::string& spec);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  // Typed getters; each consumes the key. Out-of-range or non-numeric values throw.
  int get_int(const std::string& key, int fallback, int min_value, int max_value);
  double get_double(const std::string& key, double fallback, double min_value, double max_value);
  std::string get_choice(const std::string& key, const std::string& fallback,
                         const std::vector<std::string>& choices);
  // Whether the bare word is present; consumes it.
  bool get_flag(const std::string& word);
  // Throws if any key or bare word was never consumed (an unknown parameter for this variant).
  void expect_all_used() const;

 private:
  std::string text_;
  std::string name_;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> used_;
  std::map<std::string, bool> flags_;  // bare word -> consumed
};

}  // namespace vs::attention
