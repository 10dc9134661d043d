#include "app/gui/panels/runtime_scaling_panel.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "app/gui/shell/fonts.h"
#include "app/gui/export/scaling_export.h"
#include "app/gui/workers/measurement_slot.h"
#include "core/error.h"

namespace vs::gui {

using plot::format_value;

namespace {

// Parses "8,12,16" into sides; throws vs::Error naming the bad piece.
std::vector<int> parse_sides(const std::string& text) {
  std::vector<int> sides;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    std::string piece = text.substr(pos, comma - pos);
    piece.erase(0, piece.find_first_not_of(' '));
    piece.erase(piece.find_last_not_of(' ') + 1);
    char* end = nullptr;
    const long side = std::strtol(piece.c_str(), &end, 10);
    if (piece.empty() || *end != '\0' || side < 1 || side > 512)
      throw Error("sides: '" + piece + "' is not a side in [1, 512] (write e.g. 8,16,32)");
    sides.push_back(int(side));
    pos = comma + 1;
  }
  std::sort(sides.begin(), sides.end());
  sides.erase(std::unique(sides.begin(), sides.end()), sides.end());
  return sides;
}

// Colour by variant family so a variant keeps its colour across runs.
ImU32 variant_color(const std::string& spec) {
  static const char* const families[] = {"exact", "poly", "performer", "nystrom", "svd"};
  for (int i = 0; i < 5; ++i)
    if (spec.rfind(families[i], 0) == 0) return plot::palette_color(i);
  return plot::palette_color(6);
}

void heading(const char* text) {
  ImGui::PushFont(fonts().heading);
  ImGui::TextUnformatted(text);
  ImGui::PopFont();
}

}  // namespace

RuntimeScalingPanel::RuntimeScalingPanel(std::function<void()> wake) : job_(std::move(wake)) {}

void RuntimeScalingPanel::load(const Settings& s) {
  sides_text_ = s.get("scaling.sides", sides_text_);
  head_dim_ = std::clamp(s.get_int("scaling.head_dim", head_dim_), 1, 256);
  repeats_ = std::clamp(s.get_int("scaling.repeats", repeats_), 1, 50);
  bound_ = float(std::clamp(s.get_double("scaling.bound", bound_), 0.01, 10.0));
  choice_.exact = s.get_bool("scaling.exact", choice_.exact);
  choice_.poly = s.get_bool("scaling.poly", choice_.poly);
  choice_.performer = s.get_bool("scaling.performer", choice_.performer);
  choice_.nystrom = s.get_bool("scaling.nystrom", choice_.nystrom);
  choice_.svd = s.get_bool("scaling.svd", choice_.svd);
  choice_.poly_degree = std::clamp(s.get_int("scaling.poly_degree", choice_.poly_degree), 0, 8);
  choice_.poly_chebyshev = s.get_bool("scaling.poly_chebyshev", choice_.poly_chebyshev);
  choice_.performer_features = std::clamp(s.get_int("scaling.performer_features", choice_.performer_features), 1, 4096);
  choice_.nystrom_landmarks = std::clamp(s.get_int("scaling.nystrom_landmarks", choice_.nystrom_landmarks), 1, 1024);
  choice_.svd_rank = std::clamp(s.get_int("scaling.svd_rank", choice_.svd_rank), 1, 1024);
  export_base_ = s.get("scaling.export_base", export_base_);
}

void RuntimeScalingPanel::save(Settings& s) const {
  s.set("scaling.sides", sides_text_);
  s.set_int("scaling.head_dim", head_dim_);
  s.set_int("scaling.repeats", repeats_);
  s.set_double("scaling.bound", bound_);
  s.set_bool("scaling.exact", choice_.exact);
  s.set_bool("scaling.poly", choice_.poly);
  s.set_bool("scaling.performer", choice_.performer);
  s.set_bool("scaling.nystrom", choice_.nystrom);
  s.set_bool("scaling.svd", choice_.svd);
  s.set_int("scaling.poly_degree", choice_.poly_degree);
  s.set_bool("scaling.poly_chebyshev", choice_.poly_chebyshev);
  s.set_int("scaling.performer_features", choice_.performer_features);
  s.set_int("scaling.nystrom_landmarks", choice_.nystrom_landmarks);
  s.set_int("scaling.svd_rank", choice_.svd_rank);
  s.set("scaling.export_base", export_base_);
}

std::vector<std::string> RuntimeScalingPanel::variant_specs() const {
  std::vector<std::string> specs;
  if (choice_.exact) specs.push_back("exact");
  if (choice_.poly)
    specs.push_back("poly:degree=" + std::to_string(choice_.poly_degree) +
                    (choice_.poly_chebyshev ? ":basis=chebyshev" : ":basis=taylor"));
  if (choice_.performer) specs.push_back("performer:features=" + std::to_string(choice_.performer_features));
  if (choice_.nystrom) specs.push_back("nystrom:landmarks=" + std::to_string(choice_.nystrom_landmarks));
  if (choice_.svd) specs.push_back("svd:rank=" + std::to_string(choice_.svd_rank));
  return specs;
}

void RuntimeScalingPanel::start() {
  vs::attention::ScalingConfig config;
  try {
    config.sides = parse_sides(sides_text_);
  } catch (const std::exception& e) {
    message_ = e.what(), message_is_error_ = true;
    return;
  }
  config.head_dim = head_dim_;
  config.bound = bound_;
  config.repeats = repeats_;
  config.variants = variant_specs();
  if (config.variants.empty()) {
    message_ = "choose at least one variant", message_is_error_ = true;
    return;
  }
  config_ = config;
  points_.clear();
  message_.clear();
  job_.start([config](BackgroundJob<vs::attention::ScalingPoint>::Context& job) {
    job.progress(0, 1, "waiting for the other measurement…");
    const auto slot = acquire_measurement_slot(*job.cancel_flag());
    if (!slot.owns_lock()) return;
    vs::attention::run_scaling_benchmark(
        config, [&](int done, int total, const std::string& what) { job.progress(done, total, what); },
        [&](const vs::attention::ScalingPoint& point) { job.publish(point); }, job.cancel_flag());
  });
}

void RuntimeScalingPanel::update() {
  if (!started_once_) {  // never blank: a small sweep starts with the window
    started_once_ = true;
    start();
  }
  for (auto& point : job_.take()) points_.push_back(std::move(point));
  const std::string error = job_.error();
  if (!error.empty() && !job_.running()) message_ = error, message_is_error_ = true;
}

void RuntimeScalingPanel::export_to(const std::string& extension) {
  const std::string path = export_base_ + extension;
  try {
    const auto slopes = scaling_slopes(points_);
    write_text_file(path, extension == ".csv" ? scaling_points_csv(config_, points_, slopes)
                                              : scaling_points_json(config_, points_, slopes));
    message_ = "wrote " + path + " (" + std::to_string(points_.size()) + " points)", message_is_error_ = false;
  } catch (const std::exception& e) {
    message_ = e.what(), message_is_error_ = true;
  }
}

void RuntimeScalingPanel::draw_controls() {
  heading("Sweep");
  const float field = 6.5f * ImGui::GetFontSize();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputText("##sides", &sides_text_);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("final sides n, comma-separated (each gives a VAR pyramid)");
  ImGui::PushItemWidth(field);
  ImGui::InputInt("head dim d", &head_dim_);
  ImGui::InputFloat("bound |q|,|k|,|v|", &bound_, 0.1f, 1.0f, "%.3g");
  ImGui::InputInt("repeats", &repeats_);
  head_dim_ = std::clamp(head_dim_, 1, 256);
  bound_ = std::clamp(bound_, 0.01f, 10.0f);
  repeats_ = std::clamp(repeats_, 1, 50);

  ImGui::Spacing();
  heading("Variants");
  ImGui::Checkbox("exact", &choice_.exact);
  ImGui::Checkbox("poly", &choice_.poly);
  if (choice_.poly) {
    ImGui::Indent();
    ImGui::SliderInt("degree", &choice_.poly_degree, 0, 6);
    int basis = choice_.poly_chebyshev ? 1 : 0;
    ImGui::Combo("basis", &basis, "taylor\0chebyshev\0");
    choice_.poly_chebyshev = basis == 1;
    ImGui::Unindent();
  }
  ImGui::Checkbox("performer", &choice_.performer);
  if (choice_.performer) {
    ImGui::Indent();
    ImGui::InputInt("features", &choice_.performer_features, 16);
    choice_.performer_features = std::clamp(choice_.performer_features, 1, 4096);
    ImGui::Unindent();
  }
  ImGui::Checkbox("nystrom", &choice_.nystrom);
  if (choice_.nystrom) {
    ImGui::Indent();
    ImGui::InputInt("landmarks", &choice_.nystrom_landmarks, 8);
    choice_.nystrom_landmarks = std::clamp(choice_.nystrom_landmarks, 1, 1024);
    ImGui::Unindent();
  }
  ImGui::Checkbox("svd (diagnostic)", &choice_.svd);
  if (choice_.svd) {
    ImGui::Indent();
    ImGui::InputInt("rank", &choice_.svd_rank, 4);
    choice_.svd_rank = std::clamp(choice_.svd_rank, 1, 1024);
    ImGui::Unindent();
  }
  ImGui::PopItemWidth();

  ImGui::Spacing();
  if (job_.running()) {
    if (ImGui::Button("Cancel", {-1, 0})) job_.cancel();
    const JobProgress progress = job_.progress();
    ImGui::ProgressBar(float(progress.fraction()), {-1, 0});
    ImGui::TextDisabled("%s", progress.what.c_str());
  } else {
    if (ImGui::Button("Run sweep", {-1, 0})) start();
  }
  if (!message_.empty())
    ImGui::TextColored(message_is_error_ ? ImVec4(1, 0.45f, 0.4f, 1) : ImVec4(0.6f, 0.8f, 0.6f, 1), "%s",
                       message_.c_str());

  ImGui::Spacing();
  heading("Export");
  ImGui::SetNextItemWidth(-1);
  ImGui::InputText("##export", &export_base_);
  ImGui::BeginDisabled(points_.empty());
  if (ImGui::Button("CSV")) export_to(".csv");
  ImGui::SameLine();
  if (ImGui::Button("JSON")) export_to(".json");
  ImGui::EndDisabled();

  // Variant warnings (no speed-up, precision wall, …): the latest one per variant, at the
  // largest side measured so far; the core's text names the variant itself.
  std::map<std::string, std::string> warnings;
  for (const auto& p : points_)
    if (!p.warnings.empty()) warnings[p.variant] = p.warnings.back();
  if (!warnings.empty()) {
    ImGui::Spacing();
    heading("Warnings");
    for (const auto& entry : warnings) {
      ImGui::Bullet();
      ImGui::TextWrapped("%s", entry.second.c_str());
    }
  }
}

void RuntimeScalingPanel::draw_plots() {
  const auto slopes = scaling_slopes(points_);
  plot::PlotSpec time_spec;
  time_spec.title = "Attention time vs final side n";
  time_spec.x_label = "n";
  time_spec.y_label = "median ms";
  time_spec.x_scale = time_spec.y_scale = plot::Scale::kLog10;
  plot::PlotSpec error_spec;
  error_spec.title = "Error against exact";
  error_spec.x_label = "n";
  error_spec.y_label = "‖O − O_exact‖_F / ‖O_exact‖_F";
  error_spec.x_scale = error_spec.y_scale = plot::Scale::kLog10;
  error_spec.empty_text = "no errors yet (exact is compared with a float64 reference)";
  for (const std::string& spec : config_.variants) {
    plot::Series time{spec, variant_color(spec)}, error{spec, variant_color(spec)};
    for (const auto& p : points_) {
      if (p.variant != spec) continue;
      time.x.push_back(p.side), time.y.push_back(p.median_ms);
      error.x.push_back(p.side), error.y.push_back(p.rel_error);
    }
    const auto slope = slopes.find(spec);
    if (slope != slopes.end() && std::isfinite(slope->second)) {
      char note[32];
      std::snprintf(note, sizeof note, "slope %.2f", slope->second);
      time.legend_note = note;
    }
    time_spec.series.push_back(std::move(time));
    error_spec.series.push_back(std::move(error));
  }
  // Guides n⁴ (exact, theory §1.2) and n² (below the threshold), anchored at the first
  // exact point (or the first point of any variant before exact has one).
  const vs::attention::ScalingPoint* anchor = nullptr;
  for (const auto& p : points_)
    if (p.variant == "exact" && p.median_ms > 0) {
      anchor = &p;
      break;
    }
  if (!anchor && !points_.empty()) anchor = &points_.front();
  if (anchor) {
    time_spec.guides.push_back({"n⁴", double(anchor->side), anchor->median_ms, 4.0, IM_COL32(255, 120, 120, 190)});
    time_spec.guides.push_back({"n²", double(anchor->side), anchor->median_ms, 2.0, IM_COL32(140, 220, 140, 190)});
  }
  time_spec.empty_text = job_.running() ? "measuring…" : "press Run sweep";
  const float height = ImGui::GetContentRegionAvail().y;
  plot::draw_plot("time", time_spec, time_plot_, {0, height * 0.6f - 4});
  plot::draw_plot("error", error_spec, error_plot_, {0, height * 0.4f - 4});
}

void RuntimeScalingPanel::draw() {
  const float controls_width = 17.0f * ImGui::GetFontSize();
  ImGui::BeginChild("controls", {controls_width, 0}, false);
  draw_controls();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("plots", {0, 0}, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  draw_plots();
  ImGui::EndChild();
}

}  // namespace vs::gui
