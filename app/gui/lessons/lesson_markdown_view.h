// Draws parsed lesson blocks with ImGui: headings in the heading font, paragraphs wrapped
// word by word across styled spans (bold and emphasis in colour, code in the mono font),
// bullets, numbered items, notes, check questions and their answers (hidden until the
// chapter's experiment has run). Call between Begin/End; uses the current window width.
#pragma once
#include <vector>

#include "app/gui/lessons/lesson_markdown.h"

namespace vs::gui::lessons {

void draw_blocks(const std::vector<Block>& blocks, bool reveal_answers);

}  // namespace vs::gui::lessons
