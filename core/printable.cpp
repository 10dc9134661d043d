#include "core/printable.h"

#include <cstdio>

namespace vs {
namespace {

// Escapes control bytes (and DEL) of text[0, n); UTF-8 above 0x7f passes as is.
std::string escaped(const std::string& text, size_t n, bool escape_quote) {
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\' && escape_quote) {
      out += "\\\\";
    } else if (c == '\'' && escape_quote) {
      out += "\\'";
    } else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string printable_name(const std::string& name) {
  const bool cut = name.size() > kMaxShownName;
  return "'" + escaped(name, cut ? kMaxShownName : name.size(), true) + (cut ? "'..." : "'");
}

std::string printable_message(const std::string& message) {
  if (message.size() <= kMaxMessageBytes) return escaped(message, message.size(), false);
  return escaped(message, kMaxMessageBytes, false) + "... (" + std::to_string(message.size() - kMaxMessageBytes) +
         " more bytes)";
}

}  // namespace vs
