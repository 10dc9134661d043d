// "Your image" ▸ Edit with a mask: zero-shot in-painting, out-painting and class editing
// (core/edit). The user paints the region on the image (brush or box; right button
// erases) or on any scale's token grid, picks the task, class, seed and how many results,
// and watches the edit fill in scale by scale. The mask becomes the keep mask exactly as
// the CLI reads a mask PNG, so an export reproduces with `varscope-cli edit`.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "app/gui/export/export_folder.h"
#include "app/gui/panels/generation_panel.h"
#include "app/gui/panels/own_image_panel.h"
#include "core/edit/edit_defaults.h"
#include "core/edit/edit_mask.h"
#include "core/generator/describe.h"
#include "core/io/image_io.h"

namespace vs::gui {

namespace {

const ImU32 kBoxColor = IM_COL32(255, 220, 90, 255);

}  // namespace

const std::vector<float>& OwnImagePanel::last_scale_keep() const {
  const int last = own_.scales().back().side;
  if (keep_serial_ != mask_.serial() || keep_task_ != int(task_) || keep_side_ != last) {
    keep_ = mask_.keep_mask(last, task_);
    keep_serial_ = mask_.serial(), keep_task_ = int(task_), keep_side_ = last;
  }
  return keep_;
}

std::vector<uint8_t> OwnImagePanel::generated_at_scale(int scale) const {
  const int n = num_scales();
  if (scale < 0 || scale >= n || mask_.side() == 0) return {};
  const int last = own_.scales().back().side;
  const std::vector<uint8_t> keep = gen::keep_at_side(last_scale_keep(), last, own_.scales()[scale].side);
  std::vector<uint8_t> generated(keep.size());
  for (size_t t = 0; t < keep.size(); ++t) generated[t] = keep[t] ? 0 : 1;
  return generated;
}

int OwnImagePanel::generated_tokens() const {
  if (!own_.encoded()) return 0;
  const std::vector<uint8_t> generated = generated_at_scale(num_scales() - 1);
  return int(std::count(generated.begin(), generated.end(), uint8_t(1)));
}

void OwnImagePanel::paint_token(int scale, int row, int col) {
  // Out-painting keeps what is painted, so painting there means "keep": the paint is the
  // user's region either way, and the token grids show what will be generated.
  mask_.token(own_.scales()[scale].side, row, col, !ImGui::IsMouseDown(ImGuiMouseButton_Right));
}

gen::SamplingRequest OwnImagePanel::edit_request() const {
  gen::SamplingRequest request = live_request();
  const gen::SamplingRequest defaults = gen::edit_defaults(own_.generator()->default_request());
  // The demo's sampling settings for an edit; attention and acceleration from the panel.
  request.cfg = defaults.cfg;
  request.extra = defaults.extra;
  request.labels = {task_ == EditTask::kClassEdit ? int64_t(edit_class_) : int64_t(-1)};
  return request;
}

void OwnImagePanel::start_edit() {
  if (!can_regenerate() || mask_.side() == 0) return;
  edit_message_.clear();
  own_.edit(last_scale_keep(), edit_request(), edit_count_);
}

void OwnImagePanel::export_edit() {
  try {
    const int side = own_.input_side();
    std::string written;
    auto write = [&](const std::string& what, const std::vector<uint8_t>& rgb, int s) {
      const std::string path = export_path(what, "png");
      io::write_png_rgb8(path, s, s, rgb);
      written += (written.empty() ? "" : ", ") + path;
    };
    write("edit-input", own_.input_rgb(), side);
    write("edit-mask", mask_.rgb(), mask_.side());
    const auto& frames = own_.regenerated();
    if (own_.last_run_was_edit() && own_.regen_finished())
      for (size_t b = 0; b < frames.back().rgb_rows.size(); ++b)
        write("edit-result-" + std::to_string(b), frames.back().rgb_rows[b], frames.back().image_side);
    edit_message_ = "Wrote " + written;
  } catch (const std::exception& e) {
    edit_message_ = std::string("Export failed: ") + e.what();
  }
}

void OwnImagePanel::rebuild_mask_view() {
  if (shown_mask_serial_ == mask_.serial() || own_.input_rgb().empty() || mask_.side() != own_.input_side()) return;
  shown_mask_serial_ = mask_.serial();
  std::vector<uint8_t> rgb = own_.input_rgb();
  const std::vector<uint8_t> painted = mask_.rgb();
  for (size_t i = 0; i < rgb.size(); i += 3)
    if (painted[i]) {  // painted: tinted red, so the image stays visible under the paint
      rgb[i] = uint8_t(std::min(255, rgb[i] / 2 + 128));
      rgb[i + 1] = uint8_t(rgb[i + 1] / 3);
      rgb[i + 2] = uint8_t(rgb[i + 2] / 3 + 30);
    }
  mask_view_ = std::make_unique<RgbTexture>();
  mask_view_->set(rgb, mask_.side(), mask_.side());
}

void OwnImagePanel::draw_edit_canvas(float side) {
  ImGui::BeginGroup();
  ImGui::TextDisabled("%s", task_ == EditTask::kOutpaint ? "paint what to keep (right button erases)"
                                                          : "paint what to generate (right button erases)");
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  if (mask_view_) mask_view_->draw({side, side}), ++pictures_drawn_;
  else ImGui::Dummy({side, side});
  ImDrawList* draw = ImGui::GetWindowDrawList();
  // The last scale's token grid: the mask acts on whole tokens there.
  const int last = own_.scales().back().side;
  for (int i = 1; i < last; ++i) {
    const float f = side * i / last;
    draw->AddLine({p0.x + f, p0.y}, {p0.x + f, p0.y + side}, IM_COL32(255, 255, 255, 28));
    draw->AddLine({p0.x, p0.y + f}, {p0.x + side, p0.y + f}, IM_COL32(255, 255, 255, 28));
  }
  ImGui::SetCursorScreenPos(p0);
  ImGui::InvisibleButton("##mask_canvas", {side, side}, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const float scale = mask_.side() / side;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const ImVec2 pixel{(mouse.x - p0.x) * scale, (mouse.y - p0.y) * scale};
  const bool erase = ImGui::IsMouseDown(ImGuiMouseButton_Right);
  if (ImGui::IsItemHovered() && !box_tool_) {
    draw->AddCircle(mouse, brush_ / scale, IM_COL32(255, 255, 255, 160));
    if (ImGui::IsItemActive()) mask_.brush(pixel.x, pixel.y, brush_, !erase);
  }
  if (box_tool_) {
    if (ImGui::IsItemActivated()) box_dragging_ = true, box_start_ = pixel;
    if (box_dragging_ && ImGui::IsItemActive())
      draw->AddRect({p0.x + box_start_.x / scale, p0.y + box_start_.y / scale}, mouse, kBoxColor, 0, 0, 2);
    if (box_dragging_ && ImGui::IsItemDeactivated()) {
      box_dragging_ = false;
      mask_.box(int(box_start_.x), int(box_start_.y), int(pixel.x), int(pixel.y),
                !ImGui::IsMouseReleased(ImGuiMouseButton_Right));
    }
  }
  ImGui::EndGroup();
}

void OwnImagePanel::draw_edit_tools(float width) {
  // The tools flow left to right and wrap at `width`: a column beside the images in a wide
  // panel, a few lines under them in a narrow one.
  ImGui::BeginGroup();
  const float left = ImGui::GetCursorScreenPos().x, spacing = ImGui::GetStyle().ItemSpacing.x;
  bool first = true;
  auto next = [&](float w) {  // keep the next item of width w on this line if it fits
    if (!first && ImGui::GetItemRectMax().x + spacing + w <= left + width) ImGui::SameLine();
    first = false;
  };
  auto button_w = [&](const char* label) {
    return ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2;
  };
  const float em = ImGui::GetFontSize();
  const char* tasks[] = {"in-painting", "out-painting", "class edit"};
  int task = int(task_);
  next(em * 8);
  ImGui::SetNextItemWidth(em * 8);
  if (ImGui::Combo("##task", &task, tasks, 3)) task_ = EditTask(task);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("in-painting: generate the painted region, keep the rest (unconditional)\n"
                      "out-painting: keep the painted region, generate the rest (unconditional)\n"
                      "class edit: generate the painted region toward another class");
  if (task_ == EditTask::kClassEdit) {
    next(em * 9 + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("class").x);
    ImGui::SetNextItemWidth(em * 9);
    if (ImGui::BeginCombo("class##edit", class_label(edit_class_).c_str())) {
      for (int c = 0; c < num_classes(); ++c)
        if (ImGui::Selectable(class_label(c).c_str(), c == edit_class_)) edit_class_ = c;
      ImGui::EndCombo();
    }
  }
  const float radio = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x;
  next(2 * radio + ImGui::CalcTextSize("brush").x + ImGui::CalcTextSize("box").x + spacing);
  if (ImGui::RadioButton("brush", !box_tool_)) box_tool_ = false;
  ImGui::SameLine();
  if (ImGui::RadioButton("box", box_tool_)) box_tool_ = true;
  next(em * 6 + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("brush size").x);
  ImGui::SetNextItemWidth(em * 6);
  ImGui::SliderFloat("brush size", &brush_, 0.5f, std::max(1.0f, mask_.side() / 4.0f), "%.1f px");
  next(button_w("Invert") + button_w("Clear") + spacing);
  if (ImGui::Button("Invert")) mask_.invert();
  ImGui::SameLine();
  if (ImGui::Button("Clear")) mask_.clear();
  char generated[96];
  std::snprintf(generated, sizeof generated, "%d of %d last-scale tokens generated", generated_tokens(),
                own_.scales().back().side * own_.scales().back().side);
  next(ImGui::CalcTextSize(generated).x);
  ImGui::TextDisabled("%s", generated);
  next(em * 5 + ImGui::CalcTextSize("seed").x + button_w("dice") + spacing * 2);
  ImGui::SetNextItemWidth(em * 5);
  ImGui::InputScalar("seed##edit", ImGuiDataType_U64, &seed_);
  ImGui::SameLine();
  if (ImGui::Button("dice##edit")) seed_ = std::random_device{}() % 1000000;
  next(em * 5 + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("results").x);
  ImGui::SetNextItemWidth(em * 5);
  ImGui::SliderInt("results", &edit_count_, 1, 4);
  next(button_w("Edit") + button_w("Export") + spacing);
  const bool can = can_regenerate() && generated_tokens() > 0;
  if (!can) ImGui::BeginDisabled();
  if (ImGui::Button("Edit")) start_edit();
  if (!can) ImGui::EndDisabled();
  if (!can && generated_tokens() == 0 && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Paint a region first: nothing would be generated.");
  ImGui::SameLine();
  if (ImGui::Button("Export")) export_edit();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Writes the input, the mask (white = painted) and the results as PNGs to the export folder.");
  ImGui::EndGroup();
}

void OwnImagePanel::draw_edit_results(float side) {
  const auto& frames = own_.regenerated();
  const bool editing = own_.last_run_was_edit();
  ImGui::BeginGroup();
  if (editing && own_.regenerating() && !frames.empty())
    ImGui::TextDisabled("editing: scale %d / %d", frames.back().scale + 1, frames.back().num_scales);
  else
    ImGui::TextDisabled("%s", editing ? "edited" : "results appear here, scale by scale");
  const int count = editing ? int(edit_results_.size()) : 0;
  const float each = count > 1 ? (side - ImGui::GetStyle().ItemSpacing.x) / 2 : side;
  shown_edit_rows_ = 0;
  for (int b = 0; b < count; ++b) {
    if (b % 2) ImGui::SameLine();
    edit_results_[b]->draw({each, each});
    ++shown_edit_rows_, ++pictures_drawn_;
  }
  if (count == 0) {
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy({side, side});
    ImGui::GetWindowDrawList()->AddRect(p0, {p0.x + side, p0.y + side}, IM_COL32(90, 90, 100, 255));
  }
  ImGui::EndGroup();
}

void OwnImagePanel::draw_edit(float side) {
  const float spacing = ImGui::GetStyle().ItemSpacing.x, tools = ImGui::GetFontSize() * 16;
  const float avail = ImGui::GetContentRegionAvail().x;
  const bool one_row = avail >= 2 * side + tools + 2 * spacing;
  side = std::max(48.0f, std::min(side, one_row ? (avail - tools - 2 * spacing) / 2 : (avail - spacing) / 2));
  draw_edit_canvas(side);
  ImGui::SameLine();
  if (one_row) {
    draw_edit_tools(tools);
    ImGui::SameLine();
  }
  draw_edit_results(side);
  if (!one_row) draw_edit_tools(avail);
  if (!own_.regenerate_error().empty() || !edit_error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("Edit failed: %s", (edit_error_.empty() ? own_.regenerate_error() : edit_error_).c_str());
    ImGui::PopStyleColor();
  } else if (own_.last_run_was_edit() && own_.regen_finished()) {
    const gen::SamplingRequest& r = own_.regen_request();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s · %zu results · seed %llu · %s — varscope-cli edit --count %zu --mask (the exported mask) gives the same",
                        edit_task_name(task_), r.labels.size(), (unsigned long long)r.seed,
                        gen::describe_request(r).c_str(), r.labels.size());
    ImGui::PopStyleColor();
  }
  if (!edit_message_.empty()) ImGui::TextWrapped("%s", edit_message_.c_str());
}

}  // namespace vs::gui
