// The lesson texts' Markdown subset and placeholders, without a window.
#include <gtest/gtest.h>

#include "app/gui/lessons/lesson_library.h"
#include "app/gui/lessons/lesson_markdown.h"

using namespace vs::gui::lessons;

TEST(LessonSpans, BoldEmphasisAndCodeBecomeStyledSpans) {
  const std::vector<Span> spans = parse_spans("a **bold** and *em* or _em2_ with `code` end");
  const std::vector<Span> want = {{SpanStyle::kPlain, "a "},        {SpanStyle::kBold, "bold"},
                                  {SpanStyle::kPlain, " and "},     {SpanStyle::kEmphasis, "em"},
                                  {SpanStyle::kPlain, " or "},      {SpanStyle::kEmphasis, "em2"},
                                  {SpanStyle::kPlain, " with "},    {SpanStyle::kCode, "code"},
                                  {SpanStyle::kPlain, " end"}};
  EXPECT_EQ(spans, want);
}

TEST(LessonSpans, UnclosedOrSpacedMarkersAndInnerUnderscoresStayText) {
  EXPECT_EQ(parse_spans("2 * 3 * 4"), (std::vector<Span>{{SpanStyle::kPlain, "2 * 3 * 4"}}));
  EXPECT_EQ(parse_spans("**open"), (std::vector<Span>{{SpanStyle::kPlain, "**open"}}));
  EXPECT_EQ(parse_spans("d_std + d_exp"), (std::vector<Span>{{SpanStyle::kPlain, "d_std + d_exp"}}));
  // Unicode math passes through untouched.
  EXPECT_EQ(parse_spans("Θ(n⁴) with √(ln L)"), (std::vector<Span>{{SpanStyle::kPlain, "Θ(n⁴) with √(ln L)"}}));
}

TEST(LessonBlocks, HeadingsParagraphsListsNotesQuestionsAnswers) {
  const std::string text =
      "# Title\n\nFirst line\nsecond line.\n\n## Sub\n- one\n- two\n  continued\n1. first\n12. twelfth\n"
      "> a note\n> more\n\nQ: Why?\nA: Because **so**.\n";
  const std::vector<Block> b = parse_markdown(text);
  ASSERT_EQ(b.size(), 10u);
  EXPECT_EQ(b[0].kind, BlockKind::kHeading);
  EXPECT_EQ(b[0].level, 1);
  EXPECT_EQ(b[1].kind, BlockKind::kParagraph);
  EXPECT_EQ(b[1].spans.at(0).text, "First line second line.");
  EXPECT_EQ(b[2].kind, BlockKind::kHeading);
  EXPECT_EQ(b[2].level, 2);
  EXPECT_EQ(b[3].kind, BlockKind::kBullet);
  EXPECT_EQ(b[4].spans.at(0).text, "two continued");
  EXPECT_EQ(b[5].kind, BlockKind::kNumbered);
  EXPECT_EQ(b[5].number, 1);
  EXPECT_EQ(b[6].number, 12);
  EXPECT_EQ(b[7].kind, BlockKind::kNote);
  EXPECT_EQ(b[7].spans.at(0).text, "a note more");
  EXPECT_EQ(b[8].kind, BlockKind::kQuestion);
  EXPECT_EQ(b[9].kind, BlockKind::kAnswer);
  EXPECT_EQ(b[9].spans.at(1), (Span{SpanStyle::kBold, "so"}));
  EXPECT_EQ(first_heading(b), "Title");
}

TEST(LessonBlocks, HashWithoutSpaceIsText) {
  const std::vector<Block> b = parse_markdown("#hashtag and #### four\n");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].kind, BlockKind::kParagraph);
}

TEST(LessonPlaceholders, FilledOrEllipsisNeverInvented) {
  std::vector<std::string> missing;
  const std::string out =
      fill_placeholders("L = {{tokens}}, r = {{rank}}, again {{rank}}, {{ empty }}", {{"tokens", "680"}, {"empty", ""}}, &missing);
  EXPECT_EQ(out, "L = 680, r = …, again …, …");
  EXPECT_EQ(missing, (std::vector<std::string>{"rank", "empty"}));
  EXPECT_EQ(fill_placeholders("unclosed {{x", {}), "unclosed {{x");
  EXPECT_EQ(placeholder_names("{{a}} {{b}} {{a}}"), (std::vector<std::string>{"a", "b"}));
}

// The shipped chapters: eight, numbered 1..8, each with a title, a question and its answer,
// and no digit typed into the text outside placeholders where a measurement belongs is
// hard to check; at least every chapter quotes live numbers.
TEST(LessonLibrary, ShippedChaptersParseWithQuestionsAndPlaceholders) {
  const std::vector<Chapter> chapters = load_chapters({std::string(VARSCOPE_SOURCE_DIR) + "/assets/lessons"});
  ASSERT_EQ(chapters.size(), 8u);
  for (size_t i = 0; i < chapters.size(); ++i) {
    const Chapter& c = chapters[i];
    EXPECT_EQ(c.number, int(i + 1));
    EXPECT_EQ(c.title.rfind(std::to_string(i + 1) + ".", 0), 0u) << c.title;
    const std::vector<Block> blocks = parse_markdown(c.source);
    int questions = 0, answers = 0;
    for (const Block& b : blocks) questions += b.kind == BlockKind::kQuestion, answers += b.kind == BlockKind::kAnswer;
    EXPECT_GE(questions, 1) << c.file;
    EXPECT_EQ(questions, answers) << c.file;
    EXPECT_FALSE(placeholder_names(c.source).empty()) << c.file;
  }
}

TEST(LessonLibrary, MissingFolderGivesNoChapters) {
  EXPECT_TRUE(load_chapters({"/nonexistent/lessons"}).empty());
}
