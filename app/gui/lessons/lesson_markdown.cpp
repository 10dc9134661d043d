#include "app/gui/lessons/lesson_markdown.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace vs::gui::lessons {

namespace {

void append(std::vector<Span>& spans, SpanStyle style, const std::string& text) {
  if (text.empty()) return;
  if (!spans.empty() && spans.back().style == style && style == SpanStyle::kPlain) {
    spans.back().text += text;
    return;
  }
  spans.push_back({style, text});
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// "12. rest" → 12 and the rest; 0 when the line is not a numbered item.
int numbered_item(const std::string& line, std::string* rest) {
  size_t i = 0;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
  if (i == 0 || i > 4 || i + 1 >= line.size() || line[i] != '.' || line[i + 1] != ' ') return 0;
  *rest = trim(line.substr(i + 2));
  return std::atoi(line.substr(0, i).c_str());
}

}  // namespace

std::vector<Span> parse_spans(const std::string& text) {
  std::vector<Span> spans;
  std::string plain;
  size_t i = 0;
  auto flush = [&] {
    append(spans, SpanStyle::kPlain, plain);
    plain.clear();
  };
  while (i < text.size()) {
    const char c = text[i];
    std::string marker;
    SpanStyle style = SpanStyle::kPlain;
    if (c == '`') marker = "`", style = SpanStyle::kCode;
    else if (starts_with(text.substr(i, 2), "**")) marker = "**", style = SpanStyle::kBold;
    else if (c == '*' || c == '_') marker = std::string(1, c), style = SpanStyle::kEmphasis;
    // An underscore inside a word (d_std, s_h) is not emphasis.
    if (marker == "_" && i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))) marker.clear();
    if (!marker.empty()) {
      const size_t close = text.find(marker, i + marker.size());
      // Emphasis must open and close on non-space text ("2 * 3 * 4" stays plain).
      const bool ok = close != std::string::npos && close > i + marker.size() &&
                      !std::isspace(static_cast<unsigned char>(text[i + marker.size()])) &&
                      !std::isspace(static_cast<unsigned char>(text[close - 1]));
      if (ok) {
        flush();
        append(spans, style, text.substr(i + marker.size(), close - i - marker.size()));
        i = close + marker.size();
        continue;
      }
    }
    plain += c;
    ++i;
  }
  flush();
  return spans;
}

std::vector<Block> parse_markdown(const std::string& text) {
  std::vector<Block> blocks;
  std::string paragraph, note;
  auto flush_paragraph = [&] {
    if (!paragraph.empty()) blocks.push_back({BlockKind::kParagraph, 0, 0, parse_spans(paragraph)});
    paragraph.clear();
  };
  auto flush_note = [&] {
    if (!note.empty()) blocks.push_back({BlockKind::kNote, 0, 0, parse_spans(note)});
    note.clear();
  };
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string raw = text.substr(start, end - start);
    start = end + 1;
    const std::string line = trim(raw);
    if (line.empty()) {
      flush_paragraph(), flush_note();
      if (end == text.size()) break;
      continue;
    }
    if (starts_with(line, ">")) {
      flush_paragraph();
      const std::string body = trim(line.substr(1));
      note += (note.empty() || body.empty() ? "" : " ") + body;
      continue;
    }
    flush_note();
    std::string rest;
    int level = 0;
    while (level < int(line.size()) && line[level] == '#') ++level;
    if (level >= 1 && level <= 3 && level < int(line.size()) && line[level] == ' ') {
      flush_paragraph();
      blocks.push_back({BlockKind::kHeading, level, 0, parse_spans(trim(line.substr(level)))});
    } else if (starts_with(line, "- ") || starts_with(line, "* ")) {
      flush_paragraph();
      blocks.push_back({BlockKind::kBullet, 0, 0, parse_spans(trim(line.substr(2)))});
    } else if (const int number = numbered_item(line, &rest); number > 0) {
      flush_paragraph();
      blocks.push_back({BlockKind::kNumbered, 0, number, parse_spans(rest)});
    } else if (starts_with(line, "Q: ")) {
      flush_paragraph();
      blocks.push_back({BlockKind::kQuestion, 0, 0, parse_spans(trim(line.substr(3)))});
    } else if (starts_with(line, "A: ")) {
      flush_paragraph();
      blocks.push_back({BlockKind::kAnswer, 0, 0, parse_spans(trim(line.substr(3)))});
    } else if (!blocks.empty() && paragraph.empty() &&
               (blocks.back().kind == BlockKind::kBullet || blocks.back().kind == BlockKind::kNumbered ||
                blocks.back().kind == BlockKind::kQuestion || blocks.back().kind == BlockKind::kAnswer) &&
               std::isspace(static_cast<unsigned char>(raw[0]))) {
      // An indented line continues the item above it.
      const std::vector<Span> more = parse_spans(" " + line);
      for (const Span& s : more) append(blocks.back().spans, s.style, s.text);
    } else {
      paragraph += (paragraph.empty() ? "" : " ") + line;
    }
    if (end == text.size()) break;
  }
  flush_paragraph(), flush_note();
  return blocks;
}

std::string fill_placeholders(const std::string& text, const std::map<std::string, std::string>& values,
                              std::vector<std::string>* missing) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find("{{", i);
    const size_t close = open == std::string::npos ? std::string::npos : text.find("}}", open + 2);
    if (close == std::string::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, open - i);
    const std::string name = trim(text.substr(open + 2, close - open - 2));
    const auto it = values.find(name);
    if (it != values.end() && !it->second.empty()) {
      out += it->second;
    } else {
      out += "…";
      if (missing && std::find(missing->begin(), missing->end(), name) == missing->end()) missing->push_back(name);
    }
    i = close + 2;
  }
  return out;
}

std::vector<std::string> placeholder_names(const std::string& text) {
  std::vector<std::string> names;
  fill_placeholders(text, {}, &names);
  return names;
}

std::string first_heading(const std::vector<Block>& blocks) {
  for (const Block& b : blocks)
    if (b.kind == BlockKind::kHeading && b.level == 1) {
      std::string t;
      for (const Span& s : b.spans) t += s.text;
      return t;
    }
  return "";
}

}  // namespace vs::gui::lessons
