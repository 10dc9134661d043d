// The Markdown subset of the lesson texts (assets/lessons/README.md), parsed into blocks of
// styled spans with no window, so the parsing is unit-tested and the ImGui view only lays
// the spans out. Placeholders {{name}} are filled before parsing (fill_placeholders).
#pragma once
#include <map>
#include <string>
#include <vector>

namespace vs::gui::lessons {

enum class SpanStyle { kPlain, kBold, kEmphasis, kCode };

struct Span {
  SpanStyle style = SpanStyle::kPlain;
  std::string text;
  bool operator==(const Span& o) const { return style == o.style && text == o.text; }
};

enum class BlockKind {
  kHeading,    // "# ", "## ", "### " (level 1–3)
  kParagraph,  // consecutive text lines, joined by one space
  kBullet,     // "- " or "* "
  kNumbered,   // "1. " (number kept)
  kNote,       // "> " lines
  kQuestion,   // "Q: " a check question
  kAnswer,     // "A: " its answer, shown once the experiment has run
};

struct Block {
  BlockKind kind = BlockKind::kParagraph;
  int level = 0;   // heading level
  int number = 0;  // numbered item
  std::vector<Span> spans;
};

// Inline markup of one line: **bold**, *emphasis* or _emphasis_, `code`. An unclosed
// marker is kept as text; adjacent plain text is merged into one span.
std::vector<Span> parse_spans(const std::string& text);
std::vector<Block> parse_markdown(const std::string& text);

// Replaces every {{name}} with values[name]; a name without a value becomes "…" (never a
// made-up number). `missing` (optional) receives the names left unfilled, once each.
std::string fill_placeholders(const std::string& text, const std::map<std::string, std::string>& values,
                              std::vector<std::string>* missing = nullptr);
// The names of the placeholders in `text`, in order of first appearance.
std::vector<std::string> placeholder_names(const std::string& text);

// The text of the first level-1 heading ("" if none): the chapter's title.
std::string first_heading(const std::vector<Block>& blocks);

}  // namespace vs::gui::lessons
