// A shipped model ("fmnist-var", "fmnist-flowar") opened once per test process and kept:
// the GUI workers' tests sample it many times, and opening is the slow part.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "core/generator/generator.h"

namespace vs::test {

inline const gen::Generator& shipped_generator(const std::string& name) {
  static std::map<std::string, std::unique_ptr<gen::Generator>> cache;
  std::unique_ptr<gen::Generator>& g = cache[name];
  if (!g) g = gen::open_generator(name);
  return *g;
}

}  // namespace vs::test
