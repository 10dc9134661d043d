// The explorer's --report-json read with the project's JSON reader: a dotted path
// ("panels.attention.keys") to a member, and its text (a number's literal, a string's
// value, "true"/"false", "null"), empty when the member is missing. Links varscope_io.
#pragma once
#include <string>

#include "core/io/json.h"

inline const vs::io::json::Value* report_member(const vs::io::json::Value& root, const std::string& path) {
  const vs::io::json::Value* v = &root;
  size_t begin = 0;
  while (v && begin <= path.size()) {
    const size_t dot = path.find('.', begin);
    v = v->find(path.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin));
    if (dot == std::string::npos) break;
    begin = dot + 1;
  }
  return v;
}

inline std::string report_text(const vs::io::json::Value& root, const std::string& path) {
  const vs::io::json::Value* v = report_member(root, path);
  if (!v) return "";
  using Kind = vs::io::json::Value::Kind;
  if (v->kind == Kind::Bool) return v->boolean ? "true" : "false";
  if (v->kind == Kind::Null) return "null";
  return v->text;
}
