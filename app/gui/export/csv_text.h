// CSV cells shared by the explorer's exports.
#pragma once
#include <cstdio>
#include <string>

namespace vs::gui {

// A CSV field: quoted when it holds a comma, quote or newline (RFC 4180).
inline std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// A number with float32 precision to spare ("%.9g").
inline std::string csv_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

}  // namespace vs::gui
