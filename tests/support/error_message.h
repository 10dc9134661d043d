// The vs::Error message a call throws, for tests that check what a user would read.
#pragma once
#include <functional>
#include <string>

#include "core/error.h"

namespace vs::test {

// The message of the vs::Error `f` throws; "(no vs::Error)" when it throws none.
inline std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no vs::Error)";
}

}  // namespace vs::test
