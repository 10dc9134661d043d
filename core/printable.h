// Text from files (tensor names, pickle keys, zip entry names) reaches the terminal only
// through these: a name can hold ANSI escapes, newlines or NUL, and be megabytes long.
#pragma once
#include <string>

namespace vs {

// 'name' in single quotes, control bytes and quotes escaped (\n, \x1b, \'), at most
// kMaxShownName bytes of it shown (then "..."): for names inside error messages.
constexpr size_t kMaxShownName = 120;
std::string printable_name(const std::string& name);

// A whole one-line message as hosts print it: control bytes escaped, at most
// kMaxMessageBytes kept (then "... (N more bytes)").
constexpr size_t kMaxMessageBytes = 600;
std::string printable_message(const std::string& message);

}  // namespace vs
