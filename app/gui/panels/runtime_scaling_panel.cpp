#include "app/gui/panels/runtime_scaling_panel.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "app/gui/shell/fonts.h"
#include "app/gui/export/scaling_export.h"
#include "app/gui/export/sweep_store.h"
#include "app/gui/workers/measurement_slot.h"
#include "core/attention/cost_model.h"
#include "core/attention/scaling_fits.h"
#include "core/error.h"
#include "core/number_text.h"

namespace vs::gui {

using plot::format_value;

namespace {

// Parses "8,12,16" into sides; throws vs::Error naming the bad piece.
std::vector<int> parse_sides(const std::string& text) {
  std::vector<int> sides;
  for (const std::string& item : split_items(text)) {
    const std::string piece = trim_spaces(item);
    const std::optional<long> side = parse_whole_long(piece);
    if (!side || *side < 1 || *side > vs::attention::kMaxScalingSide)
      throw Error("sides: '" + piece + "' is not a side in [1, " + std::to_string(vs::attention::kMaxScalingSide) +
                  "] (write e.g. 16,32,64)");
    sides.push_back(int(*side));
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

RuntimeScalingPanel::RuntimeScalingPanel(std::function<void()> wake, std::string store_path)
    : job_(std::move(wake)), store_path_(std::move(store_path)) {}

bool RuntimeScalingPanel::show_stored() {
  if (store_path_.empty()) return false;
  StoredScalingSweep stored;
  std::string error;
  if (!load_scaling_sweep(store_path_, &stored, &error)) {
    if (!error.empty()) message_ = error, message_is_error_ = true;
    return false;
  }
  config_ = stored.config, points_ = stored.points;
  from_store_ = true;
  message_ = "measured " + stored.measured_at + (stored.complete ? "" : " (stopped part-way)") +
             ", kept from the last session; Run sweep measures again";
  message_is_error_ = false;
  return true;
}

void RuntimeScalingPanel::store() {
  if (store_path_.empty() || points_.empty()) return;
  StoredScalingSweep sweep{config_, points_, job_.error().empty() && !cancel_asked_, sweep_timestamp()};
  const std::string error = store_sweep(store_path_, scaling_sweep_json(sweep));
  if (!error.empty()) message_ = "results not kept: " + error, message_is_error_ = true;
}

void RuntimeScalingPanel::load(const Settings& s) {
  sides_text_ = s.get("scaling.sides", sides_text_);
  head_dim_ = std::clamp(s.get_int("scaling.head_dim", head_dim_), 1, 256);
  samples_ = std::clamp(s.get_int("scaling.samples", samples_), 1, 50);
  quadratic_max_side_ = std::clamp(s.get_int("scaling.quadratic_max_side", quadratic_max_side_), 1,
                                   vs::attention::kMaxScalingSide);
  official_pyramid_ = s.get_bool("scaling.official_pyramid", official_pyramid_);
  cpu_clock_ = s.get_bool("scaling.cpu_clock", cpu_clock_);
  geometric_scales_ = std::clamp(s.get_int("scaling.geometric_scales", geometric_scales_), 2, 64);
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
  s.set_int("scaling.samples", samples_);
  s.set_int("scaling.quadratic_max_side", quadratic_max_side_);
  s.set_bool("scaling.official_pyramid", official_pyramid_);
  s.set_bool("scaling.cpu_clock", cpu_clock_);
  s.set_int("scaling.geometric_scales", geometric_scales_);
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
  config.timing.samples = samples_;
  config.timing.clock = cpu_clock_ ? TimingClock::kCpu : TimingClock::kWall;
  config.quadratic_max_side = quadratic_max_side_;
  config.pyramid.kind = official_pyramid_ ? vs::attention::PyramidFamily::Kind::kOfficial
                                          : vs::attention::PyramidFamily::Kind::kGeometric;
  config.pyramid.scales = geometric_scales_;
  config.variants = variant_specs();
  if (config.variants.empty()) {
    message_ = "choose at least one variant", message_is_error_ = true;
    return;
  }
  try {  // refused here, in one line, before the worker starts: family, sides, memory
    vs::attention::validate_scaling_config(config);
  } catch (const std::exception& e) {
    message_ = e.what(), message_is_error_ = true;
    return;
  }
  config_ = config;
  points_.clear();
  message_.clear();
  from_store_ = false, cancel_asked_ = false, was_running_ = true;
  job_.start([config](BackgroundJob<vs::attention::ScalingPoint>::Context& job) {
    // In line behind any other sweep (first come, first served); then the explorer's
    // generation workers pause before the timing starts.
    job.progress(0, 1, "waiting for the sweeps ahead, then for the explorer's generation to pause…");
    const auto slot = acquire_measurement_slot(*job.cancel_flag(), /*timing=*/true);
    if (!slot.owns_lock()) return;
    vs::attention::run_scaling_benchmark(
        config, [&](int done, int total, const std::string& what) { job.progress(done, total, what); },
        [&](const vs::attention::ScalingPoint& point) { job.publish(point); }, job.cancel_flag());
  });
}

void RuntimeScalingPanel::update() {
  // Never blank on first use: the last session's results are shown as they were, without
  // measuring again; with none kept, the small built-in sweep starts with the window. A
  // sweep the user saved bigger (minutes at n = 256) waits for Run sweep instead of
  // restarting unasked at every start.
  if (!started_once_) {
    started_once_ = true;
    const bool built_in = sides_text_ == default_sides_ && quadratic_max_side_ <= default_quadratic_max_side_ &&
                          samples_ <= default_samples_;
    if (show_stored()) {
      // shown as measured
    } else if (built_in) {
      start();
    } else if (message_.empty()) {
      message_ = "the saved sweep (sides " + sides_text_ + ") runs when you press Run sweep", message_is_error_ = false;
    }
  }
  const bool finished = was_running_ && !job_.running();
  for (auto& point : job_.take()) points_.push_back(std::move(point));
  const std::string error = job_.error();
  if (!error.empty() && !job_.running()) message_ = error, message_is_error_ = true;
  if (finished) was_running_ = false, store();
}

void RuntimeScalingPanel::export_to(const std::string& extension) {
  const std::string path = export_base_ + extension;
  try {
    const auto fits = vs::attention::fit_scaling(points_);
    write_text_file(path, extension == ".csv" ? scaling_points_csv(config_, points_, fits)
                                              : scaling_points_json(config_, points_, fits));
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
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("final sides n, comma-separated (each gives a pyramid of the family below)");
  ImGui::PushItemWidth(field);
  int family = official_pyramid_ ? 1 : 0;
  ImGui::Combo("pyramids", &family, "geometric\0official (16, 32, 64)\0");
  official_pyramid_ = family == 1;
  if (!official_pyramid_) {
    ImGui::InputInt("scales", &geometric_scales_);
    geometric_scales_ = std::clamp(geometric_scales_, 2, 64);
  }
  ImGui::InputInt("exact up to n", &quadratic_max_side_, 16);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("exact (and svd) skip larger sides: their cost grows as n⁴");
  quadratic_max_side_ = std::clamp(quadratic_max_side_, 1, vs::attention::kMaxScalingSide);
  ImGui::InputInt("head dim d", &head_dim_);
  ImGui::InputFloat("bound |q|,|k|,|v|", &bound_, 0.1f, 1.0f, "%.3g");
  ImGui::InputInt("samples", &samples_);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("after a warm-up call, each sample repeats the call for >= 20 ms; the fastest sample is plotted");
  head_dim_ = std::clamp(head_dim_, 1, 256);
  bound_ = std::clamp(bound_, 0.01f, 10.0f);
  samples_ = std::clamp(samples_, 1, 50);
  ImGui::Checkbox("CPU time", &cpu_clock_);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("time by the process's CPU time instead of the wall clock: slopes stay readable while other "
                      "programs share the cores");

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
    if (ImGui::Button("Cancel", {-1, 0})) job_.cancel(), cancel_asked_ = true;
    const JobProgress progress = job_.progress();
    ImGui::ProgressBar(float(progress.fraction()), {-1, 0});
    ImGui::TextDisabled("%s", progress.what.c_str());
  } else {
    if (ImGui::Button("Run sweep", {-1, 0})) start();
  }
  if (!message_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, message_is_error_ ? ImVec4(1, 0.45f, 0.4f, 1) : ImVec4(0.6f, 0.8f, 0.6f, 1));
    ImGui::TextWrapped("%s", message_.c_str());
    ImGui::PopStyleColor();
  }

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
  const auto fits = vs::attention::fit_scaling(points_);
  plot::PlotSpec time_spec;
  const int threads = points_.empty() ? 0 : points_.front().timing.threads;
  time_spec.title = "Attention time vs final side n — " + vs::attention::pyramid_family_spec(config_.pyramid) +
                    " pyramids, min of " + std::to_string(config_.timing.samples) + " samples (" +
                    timing_clock_name(config_.timing.clock) + " clock), " +
                    std::to_string(threads) + " threads; dashed: cost model at " +
                    format_value(scaling_gemm_gflops(points_)) + " GFLOP/s";
  time_spec.x_label = "n";
  time_spec.y_label = "ms per call";
  time_spec.x_scale = time_spec.y_scale = plot::Scale::kLog10;
  // Rising curves leave the lower right of a log–log plot empty: the legend goes there.
  time_spec.legend_corner = plot::PlotSpec::LegendCorner::kBottomRight;
  plot::PlotSpec error_spec;
  error_spec.title = "Error against exact";
  error_spec.x_label = "n";
  error_spec.y_label = "‖O − O_exact‖_F / ‖O_exact‖_F";
  error_spec.x_scale = error_spec.y_scale = plot::Scale::kLog10;
  error_spec.empty_text = "no errors yet (exact is compared with a float64 reference)";
  for (const std::string& spec : config_.variants) {
    plot::Series time{spec, variant_color(spec)}, model{spec + " model", variant_color(spec)},
        error{spec, variant_color(spec)};
    model.dashed = true, model.markers = false;
    const auto fit = fits.find(spec);
    size_t row = 0;
    for (const auto& p : points_) {
      if (p.variant != spec) continue;
      time.x.push_back(p.side), time.y.push_back(p.timing.min_ms);
      model.x.push_back(p.side), model.y.push_back(p.model_ms);
      error.x.push_back(p.side), error.y.push_back(p.rel_error);
      char note[160];
      const bool has_next = fit != fits.end() && row < fit->second.local_slopes.size();
      std::snprintf(note, sizeof note, "spread %.0f%%, %d×%d calls; %.2f× model%s", 100 * p.timing.spread,
                    p.timing.samples, p.timing.repeats, p.timing.min_ms / p.model_ms, has_next ? "; slope to next " : "");
      std::string text = note;
      if (has_next)
        text += format_value(fit->second.local_slopes[row]) + " (model " +
                format_value(fit->second.model_local_slopes[row]) + ")";
      time.notes.push_back(text);
      model.notes.push_back(vs::attention::variant_model_formula(spec));
      ++row;
    }
    if (fit != fits.end() && std::isfinite(fit->second.upper.slope)) {
      char note[96];
      if (std::isfinite(fit->second.upper.ci95))
        std::snprintf(note, sizeof note, "slope %.2f ± %.2f, model %.2f (n ≥ %d)", fit->second.upper.slope,
                      fit->second.upper.ci95, fit->second.model_upper.slope, fit->second.upper_begin_side);
      else
        std::snprintf(note, sizeof note, "slope %.2f, model %.2f (n ≥ %d)", fit->second.upper.slope,
                      fit->second.model_upper.slope, fit->second.upper_begin_side);
      time.legend_note = note;
    }
    time_spec.series.push_back(std::move(time));
    time_spec.series.push_back(std::move(model));
    error_spec.series.push_back(std::move(error));
  }
  // Guides n⁴ (exact, theory §1.2) and n² (below the threshold), anchored at the first
  // exact point (or the first point of any variant before exact has one).
  const vs::attention::ScalingPoint* anchor = nullptr;
  for (const auto& p : points_)
    if (p.variant == "exact" && p.timing.min_ms > 0) {
      anchor = &p;
      break;
    }
  if (!anchor && !points_.empty()) anchor = &points_.front();
  if (anchor) {
    time_spec.guides.push_back({"n⁴", double(anchor->side), anchor->timing.min_ms, 4.0, IM_COL32(255, 120, 120, 190)});
    time_spec.guides.push_back({"n²", double(anchor->side), anchor->timing.min_ms, 2.0, IM_COL32(140, 220, 140, 190)});
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
