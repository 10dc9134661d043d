#include "app/gui/widgets/ui_px.h"
#include "app/gui/panels/criterion_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "app/cli/criterion_export.h"
#include "app/gui/export/export_folder.h"
#include "app/gui/panels/generation_panel.h"
#include "app/gui/widgets/zone_gauge.h"
#include "core/generator/describe.h"
#include "core/io/json.h"
#include "core/io/output_file.h"

namespace vs::gui {

namespace {

const ImU32 kUndefinedColor = IM_COL32(110, 110, 120, 255);

ImU32 color_of(theory::Zone zone, int alpha) {
  const int index = int(zone);
  return index >= 0 && index < 3 ? zone_color(index, alpha) : kUndefinedColor;
}

// The (module, kind) pairs of a result, in row order.
std::vector<std::pair<observe::Module, observe::AttentionKind>> views_of(const std::vector<observe::HeadCriterion>& rows) {
  std::vector<std::pair<observe::Module, observe::AttentionKind>> views;
  for (const auto& r : rows)
    if (std::find(views.begin(), views.end(), std::make_pair(r.module, r.kind)) == views.end())
      views.emplace_back(r.module, r.kind);
  return views;
}

}  // namespace

CriterionPanel::CriterionPanel(std::shared_ptr<const GenerationSource> source, const GenerationPanel* generation,
                               std::function<void()> wake, int auto_samples)
    : source_(std::move(source)), generation_(generation), auto_samples_(auto_samples), job_(std::move(wake)) {
  if (auto_samples_ > 0) samples_ = auto_samples_;
}

void CriterionPanel::load(const Settings& s) {
  if (auto_samples_ == 0) samples_ = std::clamp(s.get_int("criterion.samples", samples_), 1, 64);
  log_eps_ = std::clamp(float(s.get_double("criterion.log_eps", log_eps_)), -9.0f, -1.0f);
}

void CriterionPanel::save(Settings& s) const {
  s.set_int("criterion.samples", samples_);
  s.set_double("criterion.log_eps", log_eps_);
}

void CriterionPanel::start() {
  const std::shared_ptr<const gen::Generator> generator = source_->generator();
  if (!generator) return;
  const gen::SamplingRequest settings = generation_ ? generation_->live_request() : source_->shown_request();
  const long samples = samples_;
  const double eps = std::pow(10.0, double(log_eps_));
  error_.clear(), message_.clear();
  model_path_ = source_->model_path();
  was_running_ = true;
  job_.start([generator, settings, samples, eps](BackgroundJob<CriterionResult>::Context& context) {
    run_criterion(*generator, settings, samples, eps, context);
  });
}

void CriterionPanel::update() {
  const bool finished = was_running_ && !job_.running();
  for (CriterionResult& r : job_.take()) {
    result_ = std::move(r);
    has_result_ = true;
    view_ = 0;
  }
  if (finished) {
    was_running_ = false;
    error_ = job_.error();
  }
  // --criterion N: once the model is open and nothing else loads.
  if (auto_samples_ > 0 && source_->generator() && !source_->loading() && !job_.running()) {
    auto_samples_ = 0;
    start();
  }
  if (has_result_ && !model_path_.empty() && source_->model_path() != model_path_) has_result_ = false;  // another model
}

void CriterionPanel::export_files() {
  try {
    const std::string csv = export_path("criterion", "csv"), json = export_path("criterion", "json");
    io::write_file_atomically(csv, cli::criterion_csv(result_.rows));
    io::write_file_atomically(json, cli::criterion_json(source_->generator()->info(), result_.samples, result_.eps,
                                                        result_.rows, result_.histogram, result_.verdict));
    message_ = "Wrote " + csv + " and " + json;
  } catch (const std::exception& e) {
    message_ = std::string("Export failed: ") + e.what();
  }
}

std::string CriterionPanel::report_fields() const {
  int zones[4] = {0, 0, 0, 0};
  for (const auto& r : result_.rows)
    if (has_result_) ++zones[std::clamp(int(r.zone), 0, 3)];
  return std::string("\"finished\": ") + (has_result_ ? "true" : "false") + ", \"rows\": " +
         std::to_string(has_result_ ? result_.rows.size() : 0) + ", \"samples\": " +
         std::to_string(has_result_ ? result_.samples : 0) + ", \"zone_I\": " + std::to_string(zones[0]) +
         ", \"zone_II\": " + std::to_string(zones[1]) + ", \"zone_III\": " + std::to_string(zones[2]) +
         ", \"zone_undefined\": " + std::to_string(zones[3]) + ", \"heads_drawn\": " + std::to_string(heads_drawn_) +
         ", \"verdict\": " + io::json::quote(has_result_ ? result_.verdict : "") + ", \"error\": " +
         io::json::quote(error_);
}

void CriterionPanel::draw_histogram() {
  const auto views = views_of(result_.rows);
  const auto [module, kind] = views[size_t(std::clamp(view_, 0, int(views.size()) - 1))];
  ImGui::TextDisabled("heads per zone at each scale (I provably fast, II between, III no sub-quartic algorithm under SETH)");
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float label = ImGui::CalcTextSize("scale 00  L=000000 ").x;
  const float width = std::max(60.0f, (ImGui::GetContentRegionAvail().x - label) * 0.7f), height = ImGui::GetTextLineHeight();
  for (const observe::ZoneCounts& h : result_.histogram) {
    if (h.module != module) continue;
    int total = 0, keys = 0;
    for (int z = 0; z < 4; ++z) total += h.heads[size_t(z)];
    for (const auto& r : result_.rows)
      if (r.module == module && r.kind == kind && r.scale == h.scale) keys = int(r.keys);
    ImGui::Text("scale %d  L=%d", h.scale + 1, keys);
    ImGui::SameLine(label);
    ImVec2 p = ImGui::GetCursorScreenPos();
    for (int z = 0; z < 4 && total > 0; ++z) {
      const float w = width * h.heads[size_t(z)] / total;
      if (w <= 0) continue;
      draw->AddRectFilled(p, {p.x + w, p.y + height}, color_of(theory::Zone(z), 220));
      p.x += w;
    }
    ImGui::Dummy({width, height});
    ImGui::SameLine();
    ImGui::TextDisabled("%d / %d / %d / %d", h.heads[0], h.heads[1], h.heads[2], h.heads[3]);
  }
}

void CriterionPanel::draw_head_map() {
  const auto views = views_of(result_.rows);
  const auto [module, kind] = views[size_t(std::clamp(view_, 0, int(views.size()) - 1))];
  int scales = 0, blocks = 0, heads = 0;
  for (const auto& r : result_.rows)
    if (r.module == module && r.kind == kind)
      scales = std::max(scales, r.scale + 1), blocks = std::max(blocks, r.block + 1), heads = std::max(heads, r.head + 1);
  if (scales == 0) return;
  ImGui::TextDisabled("every head at every scale: colour = zone, brightness = B_eff/√(ln L) (hover for the numbers)");
  const float label = ImGui::CalcTextSize("scale 00 ").x;
  const int columns = blocks * heads;
  const float cell = std::clamp((ImGui::GetContentRegionAvail().x - label) / float(std::max(1, columns)), ui_px(6.0f), ui_px(28.0f));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  heads_drawn_ = 0;
  for (int s = 0; s < scales; ++s) {
    ImGui::Text("scale %d", s + 1);
    ImGui::SameLine(label);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(("##heads" + std::to_string(s)).c_str(), {cell * columns, cell});
    const bool hovered = ImGui::IsItemHovered();
    for (const auto& r : result_.rows) {
      if (r.module != module || r.kind != kind || r.scale != s) continue;
      const int column = r.block * heads + r.head;
      const ImVec2 a{p0.x + column * cell, p0.y}, b{a.x + cell - 1, a.y + cell - 1};
      const int alpha = std::isfinite(r.ratio) ? int(std::clamp(90.0 + 165.0 * r.ratio, 90.0, 255.0)) : 160;
      draw->AddRectFilled(a, b, color_of(r.zone, alpha));
      ++heads_drawn_;
      const ImVec2 m = ImGui::GetIO().MousePos;
      if (hovered && m.x >= a.x && m.x < b.x + 1)
        ImGui::SetTooltip("scale %d, block %d, head %d (L = %lld keys, %lld calls)\nmax |Q| %.3f, max |K| %.3f, β %.3f\n"
                          "B_eff = √β = %.3f, √(ln L) = %.3f, ratio %.3f: zone %s\nleast degree for ε: Taylor %d, "
                          "Chebyshev %d",
                          r.scale + 1, r.block, r.head, (long long)r.keys, (long long)r.calls, r.max_abs_q, r.max_abs_k,
                          r.beta, r.b_eff, r.threshold, r.ratio, theory::zone_name(r.zone).c_str(), r.taylor_degree,
                          r.chebyshev_degree);
    }
  }
  ImGui::TextDisabled("columns: block 0 heads 0..%d, block 1 …", heads - 1);
}

void CriterionPanel::draw() {
  const bool has_model = source_->generator() != nullptr;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::SliderInt("images", &samples_, 1, 64);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::SliderFloat("log10 ε", &log_eps_, -9.0f, -1.0f, "%.1f");
  ImGui::SameLine();
  if (job_.running()) {
    if (ImGui::Button("Cancel")) job_.stop(), was_running_ = false;
  } else {
    if (!has_model) ImGui::BeginDisabled();
    if (ImGui::Button("Run")) start();
    if (!has_model) ImGui::EndDisabled();
  }
  if (has_result_) {
    ImGui::SameLine();
    if (ImGui::Button("Export CSV + JSON")) export_files();
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("N images (classes in turn, seed 0) with the Generation panel's cfg and attention — "
                     "varscope-cli criterion --samples N gives the same numbers");
  ImGui::PopStyleColor();
  if (job_.running()) {
    const JobProgress p = job_.progress();
    ImGui::ProgressBar(float(p.fraction()), {-1, 0}, p.what.empty() ? "starting…" : p.what.c_str());
  }
  if (!error_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("Criterion failed: %s", error_.c_str());
    ImGui::PopStyleColor();
  }
  if (!message_.empty()) ImGui::TextWrapped("%s", message_.c_str());
  if (!has_result_) {
    heads_drawn_ = 0;
    if (!job_.running())
      ImGui::TextWrapped(has_model ? "Run it to measure every head's Q/K entries against the threshold √(ln L)."
                                   : "Open a model first.");
    return;
  }
  ImGui::Separator();
  ImGui::TextWrapped("Verdict (ε = %.0e, %ld images, %s): %s", result_.eps, result_.samples,
                     gen::describe_request(result_.request).c_str(), result_.verdict.c_str());
  const auto views = views_of(result_.rows);
  if (views.size() > 1) {
    std::vector<std::string> names;
    for (const auto& [m, k] : views) names.push_back(std::string(observe::module_name(m)) + " " + observe::attention_kind_name(k));
    view_ = std::clamp(view_, 0, int(views.size()) - 1);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    if (ImGui::BeginCombo("attention", names[size_t(view_)].c_str())) {
      for (int i = 0; i < int(names.size()); ++i)
        if (ImGui::Selectable(names[size_t(i)].c_str(), i == view_)) view_ = i;
      ImGui::EndCombo();
    }
  }
  draw_histogram();
  ImGui::Spacing();
  draw_head_map();
}

}  // namespace vs::gui
