#include "app/gui/lessons/lesson_markdown_view.h"

#include <imgui.h>

#include <string>

#include "app/gui/shell/fonts.h"

namespace vs::gui::lessons {

namespace {

const ImVec4 kBold{1.00f, 0.82f, 0.40f, 1.0f};      // warm yellow
const ImVec4 kEmphasis{0.55f, 0.80f, 1.00f, 1.0f};  // light blue
const ImVec4 kCode{0.70f, 0.95f, 0.70f, 1.0f};      // green
const ImVec4 kQuestion{1.00f, 0.65f, 0.45f, 1.0f};
const ImVec4 kAnswer{0.60f, 0.95f, 0.60f, 1.0f};

// Lays the spans out from the cursor, wrapping at the window's content edge; the first
// line starts at the current cursor, later lines at `indent` (window coordinates).
void draw_wrapped(const std::vector<Span>& spans, float indent, const ImVec4* override_color = nullptr) {
  const float right = ImGui::GetWindowContentRegionMax().x;
  const ImVec4 plain = ImGui::GetStyleColorVec4(ImGuiCol_Text);
  bool first_item = true;
  float x = ImGui::GetCursorPosX();
  for (const Span& span : spans) {
    ImFont* font = span.style == SpanStyle::kCode && fonts().mono ? fonts().mono : nullptr;
    if (font) ImGui::PushFont(font);
    const ImVec4 color = override_color && span.style == SpanStyle::kPlain ? *override_color
                         : span.style == SpanStyle::kBold                   ? kBold
                         : span.style == SpanStyle::kEmphasis               ? kEmphasis
                         : span.style == SpanStyle::kCode                   ? kCode
                                                                            : plain;
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    size_t i = 0;
    const std::string& t = span.text;
    while (i < t.size()) {
      // One word and the spaces after it.
      size_t end = t.find(' ', i);
      end = end == std::string::npos ? t.size() : end;
      size_t next = end;
      while (next < t.size() && t[next] == ' ') ++next;
      const std::string word = t.substr(i, end - i), with_space = t.substr(i, next - i);
      const float word_w = ImGui::CalcTextSize(word.c_str()).x;
      const bool wrap = !first_item && x + word_w > right && x > indent + 1;
      if (!first_item && !wrap) ImGui::SameLine(0, 0);
      if (wrap) {
        ImGui::SetCursorPosX(indent);
        x = indent;
        if (word.empty()) {  // spaces at a line start are dropped
          i = next;
          continue;
        }
      }
      ImGui::TextUnformatted(with_space.c_str());
      x += ImGui::CalcTextSize(with_space.c_str()).x;
      first_item = false;
      i = next;
    }
    ImGui::PopStyleColor();
    if (font) ImGui::PopFont();
  }
  if (first_item) ImGui::NewLine();
}

std::string plain_text(const std::vector<Span>& spans) {
  std::string t;
  for (const Span& s : spans) t += s.text;
  return t;
}

}  // namespace

void draw_blocks(const std::vector<Block>& blocks, bool reveal_answers) {
  const float base = ImGui::GetCursorPosX();
  const float bullet_w = ImGui::CalcTextSize("00. ").x;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Block& b = blocks[i];
    ImGui::SetCursorPosX(base);
    switch (b.kind) {
      case BlockKind::kHeading: {
        if (i > 0) ImGui::Spacing();
        ImGui::PushFont(fonts().heading ? fonts().heading : ImGui::GetFont());
        const ImVec4 color = b.level == 1 ? ImVec4{0.95f, 0.95f, 1.0f, 1.0f} : ImVec4{0.80f, 0.85f, 1.0f, 1.0f};
        ImGui::PushStyleColor(ImGuiCol_Text, color);
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(plain_text(b.spans).c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
        ImGui::PopFont();
        if (b.level == 1) ImGui::Separator();
        break;
      }
      case BlockKind::kParagraph:
        draw_wrapped(b.spans, base);
        ImGui::Spacing();
        break;
      case BlockKind::kBullet:
      case BlockKind::kNumbered: {
        const std::string mark = b.kind == BlockKind::kBullet ? "•" : std::to_string(b.number) + ".";
        ImGui::SetCursorPosX(base + bullet_w * 0.3f);
        ImGui::TextUnformatted(mark.c_str());
        ImGui::SameLine(0, 0);
        ImGui::SetCursorPosX(base + bullet_w);
        draw_wrapped(b.spans, base + bullet_w);
        break;
      }
      case BlockKind::kNote: {
        ImGui::Spacing();
        const ImVec4 dim = ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
        const ImVec2 top = ImGui::GetCursorScreenPos();
        ImGui::SetCursorPosX(base + bullet_w * 0.5f);
        draw_wrapped(b.spans, base + bullet_w * 0.5f, &dim);
        const float bottom = ImGui::GetCursorScreenPos().y - ImGui::GetStyle().ItemSpacing.y;
        ImGui::GetWindowDrawList()->AddLine({top.x + 2, top.y}, {top.x + 2, bottom},
                                            ImGui::GetColorU32(ImGuiCol_TextDisabled), 2.0f);
        ImGui::Spacing();
        break;
      }
      case BlockKind::kQuestion:
        ImGui::Spacing();
        ImGui::TextColored(kQuestion, "Check:");
        ImGui::SameLine();
        draw_wrapped(b.spans, base + ImGui::CalcTextSize("Check: ").x);
        break;
      case BlockKind::kAnswer:
        if (reveal_answers) {
          ImGui::SetCursorPosX(base + bullet_w * 0.5f);
          ImGui::TextColored(kAnswer, "→");
          ImGui::SameLine();
          draw_wrapped(b.spans, base + bullet_w * 0.5f + ImGui::CalcTextSize("→ ").x, &kAnswer);
        } else {
          ImGui::SetCursorPosX(base + bullet_w * 0.5f);
          ImGui::TextDisabled("(the answer appears once \"Run it\" has finished)");
        }
        break;
    }
  }
}

}  // namespace vs::gui::lessons
