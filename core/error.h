// One error type for the whole core: a one-line, human-readable message that names
// what failed and where (file, tensor, flag). Hosts (CLI, GUI) print it; core never does.
#pragma once
#include <stdexcept>
#include <string>

namespace vs {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace vs
