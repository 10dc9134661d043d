#include "app/gui/panels/phase_transition_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "app/gui/shell/fonts.h"
#include "app/gui/widgets/zone_gauge.h"
#include "app/gui/workers/measurement_slot.h"
#include "core/attention/pyramid.h"
#include "core/attention/attention.h"
#include "core/attention/random_inputs.h"
#include "core/attention/head_norms.h"
#include "core/theory/exp_polynomial.h"
#include "core/theory/threshold.h"

namespace vs::gui {

PhaseTransitionPanel::PhaseTransitionPanel(std::function<void()> wake, std::string store_path)
    : job_(std::move(wake)), store_path_(std::move(store_path)) {}

bool PhaseTransitionPanel::show_stored() {
  if (store_path_.empty()) return false;
  StoredPhaseSweep stored;
  if (!load_phase_sweep(store_path_, &stored, &error_)) return false;
  points_ = stored.points, run_label_ = stored.run_label, tokens_ = stored.tokens;
  from_store_ = true;
  stored_note_ = "measured " + stored.measured_at + (stored.complete ? "" : " (stopped part-way)") +
                 ", kept from the last session; Run sweep measures again";
  return true;
}

void PhaseTransitionPanel::store() {
  if (store_path_.empty() || points_.empty()) return;
  const StoredPhaseSweep sweep{run_label_, tokens_, points_, job_.error().empty() && !cancel_asked_, sweep_timestamp()};
  const std::string error = store_sweep(store_path_, phase_sweep_json(sweep));
  if (!error.empty()) error_ = "results not kept: " + error;
}

void PhaseTransitionPanel::load(const Settings& s) {
  side_ = std::clamp(s.get_int("phase.side", side_), 2, 64);
  head_dim_ = std::clamp(s.get_int("phase.head_dim", head_dim_), 1, 64);
  degree_ = std::clamp(s.get_int("phase.degree", degree_), 0, 6);
  steps_ = std::clamp(s.get_int("phase.steps", steps_), 2, 64);
  chebyshev_ = s.get_bool("phase.chebyshev", chebyshev_);
  bound_min_ = float(std::clamp(s.get_double("phase.bound_min", bound_min_), 0.001, 10.0));
  bound_max_ = float(std::clamp(s.get_double("phase.bound_max", bound_max_), 0.001, 10.0));
}

void PhaseTransitionPanel::save(Settings& s) const {
  s.set_int("phase.side", side_);
  s.set_int("phase.head_dim", head_dim_);
  s.set_int("phase.degree", degree_);
  s.set_int("phase.steps", steps_);
  s.set_bool("phase.chebyshev", chebyshev_);
  s.set_double("phase.bound_min", bound_min_);
  s.set_double("phase.bound_max", bound_max_);
}


void PhaseTransitionPanel::start() {
  error_.clear();
  points_.clear();
  stored_note_.clear();
  from_store_ = false, cancel_asked_ = false;
  std::vector<int> sides;
  try {
    sides = vs::attention::var_pyramid(side_);
    tokens_ = vs::attention::pyramid_tokens(sides);
  } catch (const std::exception& e) {
    error_ = e.what();
    return;
  }
  const double lo = std::min(bound_min_, bound_max_), hi = std::max(bound_min_, bound_max_);
  const int steps = steps_, head_dim = head_dim_, degree = degree_;
  const int64_t tokens = tokens_;
  const auto basis = chebyshev_ ? vs::theory::ExpBasis::kChebyshev : vs::theory::ExpBasis::kTaylor;
  const std::string spec = "poly:degree=" + std::to_string(degree) + ":basis=" + vs::theory::basis_name(basis);
  run_label_ = spec + ", n = " + std::to_string(side_) + " (L = " + std::to_string(tokens_) +
               "), d = " + std::to_string(head_dim);
  was_running_ = true;
  job_.start([=](BackgroundJob<Point>::Context& job) {
    const auto exact = vs::attention::make_variant("exact");
    const auto poly = vs::attention::make_variant(spec);
    const auto structure = vs::attention::Structure::block_causal(sides);
    std::mt19937_64 rng(7);
    for (int i = 0; i < steps && !job.cancelled(); ++i) {
      const double bound = lo * std::pow(hi / lo, steps > 1 ? double(i) / (steps - 1) : 0.0);
      job.progress(i, steps, "bound " + plot::format_value(bound));
      const vs::Shape shape{1, tokens, head_dim};
      const vs::Tensor q = vs::attention::uniform_tensor(shape, bound, rng), k = vs::attention::uniform_tensor(shape, bound, rng),
                       v = vs::attention::uniform_tensor(shape, bound, rng);
      const auto slot = acquire_measurement_slot(*job.cancel_flag());  // CPU-heavy: do not disturb timings
      if (!slot.owns_lock()) break;
      const vs::attention::Options options;
      const double measured =
          vs::attention::relative_frobenius_error(poly->run(q, k, v, structure, options).out,
                                                   exact->run(q, k, v, structure, options).out);
      const vs::attention::HeadNorms norms = vs::attention::head_norms(q, k, structure, -1.0).front();
      const double exp_error = norms.beta <= vs::theory::kMaxExpBeta
                                   ? vs::theory::exp_relative_error(basis, degree, norms.beta)
                                   : NAN;
      job.publish({bound, norms.beta, norms.ratio, measured, exp_error});
    }
    job.progress(steps, steps, "done");
  });
}

void PhaseTransitionPanel::update() {
  // The last session's points are shown as they were; with none kept, the built-in
  // experiment starts with the window, and a bigger one the user saved waits for its
  // button instead of restarting unasked at every start.
  if (!started_once_) {
    started_once_ = true;
    if (!show_stored() && error_.empty() && side_ <= kDefaultSide && steps_ <= kDefaultSteps) start();
  }
  const bool finished = was_running_ && !job_.running();
  for (const Point& p : job_.take()) points_.push_back(p);
  const std::string error = job_.error();
  if (!error.empty() && !job_.running()) error_ = error;
  if (finished) was_running_ = false, store();
}

void PhaseTransitionPanel::draw_controls() {
  ImGui::PushFont(fonts().heading);
  ImGui::TextUnformatted("Sweep of entry bounds");
  ImGui::PopFont();
  ImGui::PushItemWidth(6.5f * ImGui::GetFontSize());
  ImGui::SliderInt("final side n", &side_, 2, 48);
  ImGui::SliderInt("head dim d", &head_dim_, 1, 64, "%d", ImGuiSliderFlags_Logarithmic);
  ImGui::SliderInt("degree g", &degree_, 0, 6);
  int basis = chebyshev_ ? 1 : 0;
  ImGui::Combo("basis", &basis, "taylor\0chebyshev\0");
  chebyshev_ = basis == 1;
  ImGui::DragFloatRange2("bounds", &bound_min_, &bound_max_, 0.01f, 0.001f, 10.0f, "%.3g", "%.3g");
  ImGui::SliderInt("steps", &steps_, 2, 40);
  ImGui::PopItemWidth();
  if (job_.running()) {
    if (ImGui::Button("Cancel", {-1, 0})) job_.cancel(), cancel_asked_ = true;
    const JobProgress progress = job_.progress();
    ImGui::ProgressBar(float(progress.fraction()), {-1, 0});
    ImGui::TextDisabled("%s", progress.what.c_str());
  } else if (ImGui::Button("Run sweep", {-1, 0})) {
    start();
  }
  auto coloured_wrapped = [](ImVec4 colour, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
  };
  if (!error_.empty()) coloured_wrapped({1, 0.45f, 0.4f, 1}, error_);
  if (!run_label_.empty()) ImGui::TextWrapped("Run: %s", run_label_.c_str());
  if (!stored_note_.empty()) coloured_wrapped({0.6f, 0.8f, 0.6f, 1}, stored_note_);
  ImGui::TextWrapped("Q, K, V uniform in [−bound, bound]; β = the largest |logit| present (softmax scale 1/√d), "
                     "x = √β/√(ln L). Hover a point for its bound.");
}

void PhaseTransitionPanel::draw() {
  ImGui::BeginChild("controls", {17.0f * ImGui::GetFontSize(), 0}, false);
  draw_controls();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("plot", {0, 0}, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  plot::PlotSpec spec;
  spec.title = "Polynomial attention error vs the threshold ratio";
  spec.legend_corner = plot::PlotSpec::LegendCorner::kBottomRight;
  spec.x_label = "B_eff/√(ln L)";
  spec.y_label = "relative error";
  spec.y_scale = plot::Scale::kLog10;
  double x_max = 2.0;
  for (const Point& p : points_) x_max = std::max(x_max, p.ratio * 1.05);
  spec.x_range = plot::Range{0, x_max};
  namespace th = vs::theory;
  spec.bands = {{0, th::kZoneFastBelow, zone_color(0, 45), "I provably fast"},
                {th::kZoneFastBelow, th::kZoneHardFrom, zone_color(1, 45), "II grey band"},
                {th::kZoneHardFrom, x_max, zone_color(2, 45), "III SETH-hard"}};
  plot::Series measured{"measured: output error vs exact", plot::palette_color(1)};
  plot::Series theory{"theory: rel. error of the polynomial on exp", IM_COL32(200, 200, 200, 220)};
  theory.dashed = true, theory.markers = false;
  theory.fits_range = false;  // it reaches 1e20 where the measurement saturates
  for (const Point& p : points_) {
    measured.x.push_back(p.ratio), measured.y.push_back(p.measured_error);
    measured.notes.push_back("entries ≤ " + plot::format_value(p.bound) + ", β = " + plot::format_value(p.beta) +
                             ", ε of exp = " + plot::format_value(p.exp_error));
    theory.x.push_back(p.ratio), theory.y.push_back(p.exp_error);
  }
  spec.series = {measured, theory};
  spec.empty_text = job_.running() ? "measuring…" : "press Run sweep";
  plot::draw_plot("phase", spec, plot_state_, {0, 0});
  ImGui::EndChild();
}

}  // namespace vs::gui
