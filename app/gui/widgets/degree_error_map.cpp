#include "app/gui/widgets/degree_error_map.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/gui/widgets/plot/axis.h"
#include "app/gui/workers/measurement_slot.h"

namespace vs::gui {

namespace th = vs::theory;

namespace {

constexpr int kColumns = 96;  // β from kBetaMin to kBetaMax, log-spaced
constexpr int kDegrees = 31;  // g = 0..30
constexpr double kBetaMin = 0.01, kBetaMax = 100.0;
constexpr float kErrorMin = 1e-12f, kErrorMax = 1e2f;  // colour range (log)

double column_beta(int column) { return kBetaMin * std::pow(kBetaMax / kBetaMin, (column + 0.5) / kColumns); }

}  // namespace

void DegreeErrorMap::start() {
  grid_.assign(size_t(kColumns) * kDegrees, NAN);
  rows_done_ = 0;
  uploaded_ = false;
  const th::ExpBasis basis = basis_;
  job_.start([basis](BackgroundJob<Row>::Context& job) {
    // Not a timed measurement, but seconds of CPU that would disturb one.
    const auto slot = acquire_measurement_slot(*job.cancel_flag());
    if (!slot.owns_lock()) return;
    for (int g = 0; g < kDegrees && !job.cancelled(); ++g) {
      Row row{g, std::vector<float>(kColumns)};
      for (int c = 0; c < kColumns; ++c)
        row.errors[c] = float(std::min(1e30, th::exp_relative_error(basis, g, column_beta(c))));
      job.publish(std::move(row));
    }
  });
}

void DegreeErrorMap::update() {
  if (stale_) {
    start();
    stale_ = false;
  }
  bool changed = false;
  for (Row& row : job_.take()) {
    std::copy(row.errors.begin(), row.errors.end(), grid_.begin() + size_t(kDegrees - 1 - row.degree) * kColumns);
    ++rows_done_;
    changed = true;
  }
  if (changed || !uploaded_) {
    image_.set_values(grid_, kDegrees, kColumns);
    std::vector<float> bar(256);
    for (int i = 0; i < 256; ++i) bar[i] = kErrorMin * std::pow(kErrorMax / kErrorMin, i / 255.0f);
    colorbar_.set_values(bar, 1, 256);
    uploaded_ = true;
  }
  const ColormapParams params{colormap_, true, kErrorMin, kErrorMax};
  image_.set_params(params);
  colorbar_.set_params(params);
}

void DegreeErrorMap::draw(double beta, double epsilon, int chebyshev_degree) {
  const float font = ImGui::GetFontSize();
  int basis = basis_ == th::ExpBasis::kChebyshev ? 1 : 0;
  ImGui::SetNextItemWidth(7 * font);
  if (ImGui::Combo("basis##map", &basis, "taylor\0chebyshev\0")) {
    basis_ = basis == 1 ? th::ExpBasis::kChebyshev : th::ExpBasis::kTaylor;
    stale_ = true;
  }
  ImGui::SameLine();
  int map = int(colormap_);
  ImGui::SetNextItemWidth(7 * font);
  if (ImGui::Combo("colormap", &map, "viridis\0magma\0")) colormap_ = Colormap(map);
  if (job_.running()) {
    ImGui::SameLine();
    ImGui::TextDisabled("computing %d/%d degrees…", rows_done_, kDegrees);
  }

  // Layout: g labels on the left, the map, β labels below, the colour bar under them.
  const float left = 2.2f * font;
  const float width = ImGui::GetContentRegionAvail().x - left;
  const float height = 9.0f * font;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos({origin.x + left, origin.y});
  int hover_row = -1, hover_col = -1;
  const bool hovered = image_.draw({width, height}, &hover_row, &hover_col);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 map_min{origin.x + left, origin.y};
  const plot::Range beta_range{kBetaMin, kBetaMax};
  auto x_of = [&](double b) { return map_min.x + float(plot::to_unit(plot::Scale::kLog10, beta_range, b)) * width; };
  auto y_of = [&](double g) { return map_min.y + float((kDegrees - 1 - g + 0.5) / kDegrees) * height; };
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  for (int g = 0; g < kDegrees; g += 5) {
    const std::string label = std::to_string(g);
    draw->AddText({origin.x + left - ImGui::CalcTextSize(label.c_str()).x - 4, y_of(g) - font / 2}, text, label.c_str());
  }
  draw->AddText({origin.x + 0.3f * font, map_min.y + height + 3}, ImGui::GetColorU32(ImGuiCol_TextDisabled), "β→");
  draw->AddText({origin.x + 0.3f * font, origin.y - 2}, ImGui::GetColorU32(ImGuiCol_TextDisabled), "g");
  for (const plot::Tick& t : plot::log_ticks(beta_range)) {
    if (t.label.empty()) continue;
    const float x = x_of(t.value), w = ImGui::CalcTextSize(t.label.c_str()).x;
    draw->AddLine({x, map_min.y + height}, {x, map_min.y + height + 3}, text);
    draw->AddText({std::clamp(x - w / 2, map_min.x, map_min.x + width - w), map_min.y + height + 3}, text,
                  t.label.c_str());
  }
  // ε contour: for each β column the least degree whose error is ≤ ε (from the grid).
  std::vector<ImVec2> contour;
  for (int c = 0; c < kColumns; ++c) {
    for (int g = 0; g < kDegrees; ++g) {
      const float e = grid_[size_t(kDegrees - 1 - g) * kColumns + c];
      if (std::isfinite(e) && e <= epsilon) {
        const float x0 = map_min.x + width * c / kColumns, x1 = map_min.x + width * (c + 1) / kColumns;
        const float y = y_of(g) + 0.5f * height / kDegrees;  // lower edge of the cell
        contour.push_back({x0, y});
        contour.push_back({x1, y});
        break;
      }
    }
  }
  if (contour.size() > 1) draw->AddPolyline(contour.data(), int(contour.size()), IM_COL32(255, 255, 255, 220), 0, 2.0f);
  if (beta >= kBetaMin && beta <= kBetaMax && chebyshev_degree >= 0 && chebyshev_degree < kDegrees)
    draw->AddCircle({x_of(beta), y_of(chebyshev_degree)}, 0.4f * font, IM_COL32(255, 80, 80, 255), 0, 2.5f);
  if (hovered) {
    const int g = kDegrees - 1 - hover_row;
    ImGui::SetTooltip("β = %s, g = %d\nrelative error on [−β, β] = %s", plot::format_value(column_beta(hover_col)).c_str(),
                      g, plot::format_value(image_.value_at(hover_row, hover_col)).c_str());
  }
  ImGui::SetCursorScreenPos({map_min.x, map_min.y + height + 1.5f * font});
  // Colour bar with its decades.
  const ImVec2 bar_min = ImGui::GetCursorScreenPos();
  const float bar_w = std::min(width, 22.0f * font);
  colorbar_.draw({bar_w, 0.7f * font}, nullptr, nullptr);
  const plot::Range error_range{kErrorMin, kErrorMax};
  for (int e = -12; e <= 0; e += 4) {
    const std::string label = plot::format_decade(e);
    const float x = bar_min.x + float(plot::to_unit(plot::Scale::kLog10, error_range, std::pow(10.0, e))) * bar_w;
    const float w = ImGui::CalcTextSize(label.c_str()).x;
    draw->AddText({std::clamp(x - w / 2, bar_min.x, bar_min.x + bar_w - w), bar_min.y + 0.8f * font}, text, label.c_str());
  }
  ImGui::SetCursorScreenPos({origin.x, bar_min.y + 2.0f * font});
  ImGui::TextWrapped("Colour: relative error (log). White staircase: the least degree reaching ε for each β "
                     "(Table A of theory §2.8). Red ring: this head's Chebyshev degree.");
}

}  // namespace vs::gui
