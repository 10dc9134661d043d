// The lines of an exported text (CSV), for tests that check them one by one.
#pragma once
#include <sstream>
#include <string>
#include <vector>

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  for (std::string line; std::getline(s, line);) out.push_back(line);
  return out;
}
