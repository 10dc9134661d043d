// The explorer's persisted settings: a flat key=value file in $XDG_CONFIG_HOME/varscope/
// (or ~/.config/varscope/), next to ImGui's own imgui.ini. Keys are "panel.field"; unknown
// keys are kept so a newer version's settings survive an older one.
#pragma once
#include <map>
#include <string>

namespace vs::gui {

// $XDG_CONFIG_HOME/varscope, else $HOME/.config/varscope; empty when neither is set.
std::string config_directory();
// mkdir -p; returns whether the directory exists afterwards.
bool make_directories(const std::string& directory);

class Settings {
 public:
  // A missing or unreadable file gives empty settings (first run); never throws.
  void load(const std::string& path);
  // Creates the directory if needed; returns false (and keeps going) when it cannot write.
  bool save(const std::string& path) const;

  std::string get(const std::string& key, const std::string& fallback) const;
  int get_int(const std::string& key, int fallback) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  void set(const std::string& key, const std::string& value) { values_[key] = value; }
  void set_int(const std::string& key, int value) { values_[key] = std::to_string(value); }
  void set_double(const std::string& key, double value);
  void set_bool(const std::string& key, bool value) { values_[key] = value ? "1" : "0"; }

  // Text form, one "key=value" per line, sorted; parse() is its inverse.
  std::string serialize() const;
  void parse(const std::string& text);

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace vs::gui
