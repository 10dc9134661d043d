#include "app/gui/panels/class_seed_grid_panel.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "app/gui/export/export_folder.h"
#include "app/gui/panels/generation_panel.h"
#include "core/io/json.h"

namespace vs::gui {

ClassSeedGridPanel::ClassSeedGridPanel(std::shared_ptr<const GenerationSource> source, const GenerationPanel* generation,
                                       std::function<void()> wake, const std::string& auto_grid)
    : source_(std::move(source)), generation_(generation), job_(std::move(wake)) {
  const size_t slash = auto_grid.find('/');
  if (slash != std::string::npos) {
    classes_text_ = auto_grid.substr(0, slash), seeds_text_ = auto_grid.substr(slash + 1);
    auto_start_ = true;
  }
}

void ClassSeedGridPanel::load(const Settings& s) {
  if (auto_start_) return;  // --grid wins over the saved lists
  classes_text_ = s.get("grid.classes", classes_text_);
  seeds_text_ = s.get("grid.seeds", seeds_text_);
}

void ClassSeedGridPanel::save(Settings& s) const {
  s.set("grid.classes", classes_text_);
  s.set("grid.seeds", seeds_text_);
}

void ClassSeedGridPanel::start() {
  std::shared_ptr<const gen::Generator> generator = source_->generator();
  if (!generator) return;
  try {
    spec_ = parse_grid_spec(classes_text_, seeds_text_, generator->info().num_classes);
  } catch (const std::exception& e) {
    message_ = e.what(), message_is_error_ = true;
    return;
  }
  cells_.clear(), textures_.clear();
  message_.clear(), cancelled_ = false;
  serial_ = source_->generation_serial();
  model_path_ = source_->model_path();
  const gen::SamplingRequest base = generation_->live_request();
  const GridSpec spec = spec_;
  was_running_ = true;
  job_.start([generator, base, spec](BackgroundJob<GridCell>::Context& context) {
    generate_grid(*generator, base, spec, context);
  });
}

void ClassSeedGridPanel::update() {
  if (!cells_.empty() && source_->model_path() != model_path_) {
    job_.stop();  // another model: its classes are not these
    cells_.clear(), textures_.clear();
    was_running_ = false;
  }
  const bool finished = was_running_ && !job_.running();
  for (GridCell& cell : job_.take()) {
    auto texture = std::make_unique<RgbTexture>();
    texture->set(cell.rgb, cell.side, cell.side);
    textures_.push_back(std::move(texture));
    cells_.push_back(std::move(cell));
  }
  if (finished) {
    was_running_ = false;
    const std::string error = job_.error();
    if (!error.empty()) message_ = error, message_is_error_ = true;
    else if (cells_.size() < spec_.classes.size() * spec_.seeds.size()) cancelled_ = true;
  }
  // --grid: once the model is open and nothing else generates (the first run's image first).
  if (auto_start_ && source_->generator() && !source_->busy()) {
    auto_start_ = false;
    start();
  }
  if (auto_start_ && !source_->busy() && !source_->loading() && !source_->generator()) auto_start_ = false;
}

std::string ClassSeedGridPanel::report_fields() const {
  std::string classes, seeds;
  for (int c : spec_.classes) classes += (classes.empty() ? "" : ",") + std::to_string(c);
  for (uint64_t s : spec_.seeds) seeds += (seeds.empty() ? "" : ",") + std::to_string(s);
  const int side = cells_.empty() ? 0 : cells_.front().side;
  return "\"classes\": \"" + classes + "\", \"seeds\": \"" + seeds + "\", \"cells\": " + std::to_string(cells_.size()) +
         ", \"side\": " + std::to_string(side) + ", \"cancelled\": " + (cancelled_ ? "true" : "false") +
         ", \"message\": " + io::json::quote(message_);
}

void ClassSeedGridPanel::draw() {
  const float field = 8.0f * ImGui::GetFontSize();
  ImGui::SetNextItemWidth(field);
  ImGui::InputText("classes", &classes_text_);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("up to %d class ids, comma-separated: the rows", kMaxGridClasses);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(field);
  ImGui::InputText("seeds", &seeds_text_);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("up to %d seeds, comma-separated: the columns", kMaxGridSeeds);
  // The buttons follow on the same line where they fit, else on the next.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float buttons = ImGui::CalcTextSize("Generate grid").x + ImGui::CalcTextSize("Export PNG").x +
                        4 * style.FramePadding.x + 2 * style.ItemSpacing.x;
  const float room = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x - ImGui::GetItemRectMax().x;
  if (room > buttons) ImGui::SameLine();
  if (job_.running()) {
    if (ImGui::Button("Cancel")) job_.cancel();
  } else {
    ImGui::BeginDisabled(!source_->generator());
    if (ImGui::Button("Generate grid")) start();
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip("one run per cell with the Generation panel's cfg, attention and sampling settings:\n"
                        "each cell is the image Generate gives for its class and seed");
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(cells_.empty() || job_.running());
  if (ImGui::Button("Export PNG")) {
    message_ = export_grid_png(cells_, int(spec_.classes.size()), int(spec_.seeds.size()));
    message_is_error_ = message_.rfind("saved ", 0) != 0;
  }
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("the grid as one PNG in %s (never over an existing file)", export_folder().c_str());
  if (job_.running()) {
    const JobProgress p = job_.progress();
    char overlay[96];
    std::snprintf(overlay, sizeof overlay, "%d / %d · %s", p.done, p.total, p.what.c_str());
    ImGui::ProgressBar(float(p.fraction()), {-1, 0}, overlay);
  } else if (cancelled_) {
    ImGui::TextDisabled("cancelled after %zu of %zu images", cells_.size(), spec_.classes.size() * spec_.seeds.size());
  }
  if (!message_.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(message_is_error_ ? ImVec4(1, 0.45f, 0.4f, 1) : ImVec4(0.6f, 0.8f, 0.6f, 1), "%s",
                       message_.c_str());
    ImGui::PopTextWrapPos();
  }
  if (!source_->generator()) {
    ImGui::TextDisabled("open a model first (Generation panel)");
    return;
  }
  if (spec_.classes.empty()) {
    ImGui::TextDisabled("choose classes and seeds, then Generate grid");
    return;
  }
  draw_cells();
}

void ClassSeedGridPanel::draw_cells() {
  const int rows = int(spec_.classes.size()), cols = int(spec_.seeds.size());
  std::shared_ptr<const gen::Generator> generator = source_->generator();
  // Row labels take the width of the longest class name; the cells share the rest.
  float label_w = 0;
  std::vector<std::string> labels;
  for (int c : spec_.classes) {
    labels.push_back(generator ? class_label(generator->info(), c) : std::to_string(c));
    label_w = std::max(label_w, ImGui::CalcTextSize(labels.back().c_str()).x);
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float spacing = ImGui::GetStyle().ItemSpacing.x, line = ImGui::GetTextLineHeightWithSpacing();
  const float cell = std::max(16.0f, std::min((avail.x - label_w - spacing * float(cols + 1)) / float(cols),
                                              (avail.y - line) / float(rows) - spacing));
  ImGui::Dummy({label_w, 0});
  for (int c = 0; c < cols; ++c) {
    ImGui::SameLine(label_w + spacing + float(c) * (cell + spacing) + ImGui::GetStyle().WindowPadding.x);
    ImGui::Text("seed %llu", (unsigned long long)spec_.seeds[size_t(c)]);
  }
  for (int r = 0; r < rows; ++r) {
    const float y = ImGui::GetCursorPosY();
    ImGui::TextUnformatted(labels[size_t(r)].c_str());
    for (int c = 0; c < cols; ++c) {
      ImGui::SetCursorPos({label_w + spacing + float(c) * (cell + spacing) + ImGui::GetStyle().WindowPadding.x, y});
      const auto it = std::find_if(cells_.begin(), cells_.end(), [&](const GridCell& g) { return g.row == r && g.col == c; });
      if (it == cells_.end()) {
        ImGui::Dummy({cell, cell});  // not generated yet
        const ImVec2 p1 = ImGui::GetItemRectMax(), p0 = ImGui::GetItemRectMin();
        ImGui::GetWindowDrawList()->AddRect(p0, p1, ImGui::GetColorU32(ImGuiCol_Border));
      } else {
        textures_[size_t(it - cells_.begin())]->draw({cell, cell});
      }
    }
    ImGui::SetCursorPosY(y + cell + spacing);
  }
}

}  // namespace vs::gui
