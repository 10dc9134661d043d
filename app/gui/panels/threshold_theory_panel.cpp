#include "app/gui/panels/threshold_theory_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/gui/shell/fonts.h"
#include "app/gui/widgets/theory_cards.h"
#include "app/gui/widgets/zone_gauge.h"

namespace vs::gui {

namespace th = vs::theory;
using plot::format_value;

namespace {

constexpr int kCurvePoints = 48;
constexpr double kCurveMaxRatio = 2.0;

double effective_exponent(const th::PolynomialCost& cost, int64_t tokens) {
  if (cost.degree < 0 || !(cost.rank > 0)) return 2.0;
  return std::min(2.0, 1.0 + std::log(cost.rank) / std::log(double(tokens)));
}

void heading(const char* text) {
  ImGui::PushFont(fonts().heading);
  ImGui::TextUnformatted(text);
  ImGui::PopFont();
}

}  // namespace

ThresholdTheoryPanel::ThresholdTheoryPanel(std::function<void()> wake) : curve_job_(wake), error_map_(wake) {}

void ThresholdTheoryPanel::load(const Settings& s) {
  beta_ = std::clamp(s.get_double("theory.beta", beta_), 1e-3, th::kMaxExpBeta);
  epsilon_ = std::clamp(s.get_double("theory.epsilon", epsilon_), 1e-12, 0.5);
  head_dim_ = std::clamp(s.get_int("theory.head_dim", head_dim_), 1, 512);
  tokens_ = std::clamp(s.get_int("theory.tokens", tokens_), 2, 100000000);
  inputs_changed_ = curve_stale_ = true;
}

void ThresholdTheoryPanel::save(Settings& s) const {
  s.set_double("theory.beta", beta_);
  s.set_double("theory.epsilon", epsilon_);
  s.set_int("theory.head_dim", head_dim_);
  s.set_int("theory.tokens", tokens_);
}

void ThresholdTheoryPanel::recompute_report() {
  try {
    report_ = th::threshold_report(tokens_, head_dim_, beta_, epsilon_);
    report_error_.clear();
  } catch (const std::exception& e) {
    report_error_ = e.what();
  }
}

void ThresholdTheoryPanel::start_curve() {
  curve_.clear();
  const int64_t tokens = tokens_, head_dim = head_dim_;
  const double epsilon = epsilon_;
  curve_job_.start([tokens, head_dim, epsilon](BackgroundJob<ExponentPoint>::Context& job) {
    const double log_l = std::log(double(tokens));
    for (int i = 1; i <= kCurvePoints && !job.cancelled(); ++i) {
      const double ratio = kCurveMaxRatio * i / kCurvePoints;
      const double beta = ratio * ratio * log_l;  // x = √β/√ln L
      if (beta > th::kMaxExpBeta) break;
      const th::ThresholdReport r = th::threshold_report(tokens, head_dim, beta, epsilon);
      job.publish({ratio, effective_exponent(r.taylor, tokens), effective_exponent(r.chebyshev, tokens)});
      job.progress(i, kCurvePoints, "");
    }
  });
}

void ThresholdTheoryPanel::update() {
  error_map_.update();
  for (ExponentPoint& p : curve_job_.take()) curve_.push_back(p);
  if (inputs_changed_) {
    recompute_report();
    inputs_changed_ = false;
  }
  // The curve costs ~50 reports: recompute only once the user lets go of a slider.
  if (curve_stale_ && !ImGui::IsAnyItemActive()) {
    start_curve();
    curve_stale_ = false;
  }
}

void ThresholdTheoryPanel::draw_inputs() {
  heading("Where does a head sit?");
  ImGui::TextDisabled("β = largest |logit|, ε = target relative error of exp on [−β, β], d = head dim, L = tokens");
  const float label_w = ImGui::CalcTextSize("ε (target) ").x;
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x - label_w - 8);
  bool changed = false;
  float beta = float(beta_), epsilon = float(epsilon_);
  changed |= ImGui::SliderFloat("β", &beta, 0.01f, float(th::kMaxExpBeta), "%.3g", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderFloat("ε (target)", &epsilon, 1e-9f, 0.5f, "%.1e", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderInt("d", &head_dim_, 1, 256, "%d", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::SliderInt("L", &tokens_, 2, 10000000, "%d", ImGuiSliderFlags_Logarithmic);
  ImGui::PopItemWidth();
  if (changed) {
    beta_ = std::clamp(double(beta), 1e-3, th::kMaxExpBeta);
    epsilon_ = std::clamp(double(epsilon), 1e-12, 0.5);
    head_dim_ = std::max(1, head_dim_);
    tokens_ = std::max(2, tokens_);
  }
  // Presets: the worked row of theory §2.8 and real VAR heads at initialisation (s_h = 4).
  struct Preset {
    const char* label;
    const char* tip;
    double beta, epsilon;
    int head_dim, tokens;
  };
  static const Preset presets[] = {
      {"§2.8: B=1, d=8", "theory §2.8 worked row: n = 4096 tokens, B = 1 (β = 1), ε = 1e−3", 1.0, 1e-3, 8, 4096},
      {"§2.8: B=3", "theory §2.8: B = 3 (β = 9) is about the threshold √ln 4096 = 2.88", 9.0, 1e-3, 8, 4096},
      {"VAR-256 head", "real VAR-256: L = 680, d = 64, L2-norm attention with s_h = 4 at init (β ≤ 4)", 4.0, 1e-3, 64, 680},
      {"VAR-512 head", "real VAR-512: L = 2240, d = 64, β ≤ s_h = 4 at init", 4.0, 1e-3, 64, 2240},
  };
  for (size_t i = 0; i < std::size(presets); ++i) {
    if (i) ImGui::SameLine();
    if (ImGui::SmallButton(presets[i].label)) {
      beta_ = presets[i].beta, epsilon_ = presets[i].epsilon;
      head_dim_ = presets[i].head_dim, tokens_ = presets[i].tokens;
      changed = true;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", presets[i].tip);
  }
  if (changed) {
    inputs_changed_ = curve_stale_ = true;
    curve_job_.cancel();
  }
}

void ThresholdTheoryPanel::draw_numbers() {
  if (!report_error_.empty()) {
    ImGui::TextColored({1, 0.4f, 0.4f, 1}, "%s", report_error_.c_str());
    return;
  }
  const th::ThresholdReport& r = report_;
  ImGui::Spacing();
  draw_zone_gauge("zone", r.ratio, 1.7f * ImGui::GetFontSize());
  ImGui::Text("B_eff = √β = %s   √(ln L) = %s   x = B_eff/√(ln L) = %s   κ = β/ln L = %s", format_value(r.b_eff).c_str(),
              format_value(r.threshold).c_str(), format_value(r.ratio).c_str(), format_value(r.kappa).c_str());
  const int zone_index = r.zone == th::Zone::kProvablyFast ? 0 : r.zone == th::Zone::kGreyBand ? 1 : 2;
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(zone_color(zone_index, 255)), "Zone %s", r.zone_name.c_str());
  ImGui::SameLine();
  ImGui::TextWrapped("— %s", r.zone_explanation.c_str());

  ImGui::Spacing();
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("costs", 6, flags)) {
    ImGui::TableSetupColumn("polynomial");
    ImGui::TableSetupColumn("least degree g");
    ImGui::TableSetupColumn("rel. error");
    ImGui::TableSetupColumn("rank C(d+g, g)");
    ImGui::TableSetupColumn("speed-up L/r");
    ImGui::TableSetupColumn("AS23 bound");
    ImGui::TableHeadersRow();
    for (const th::PolynomialCost* c : {&r.taylor, &r.chebyshev}) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(c->basis == th::ExpBasis::kTaylor ? "Taylor" : "Chebyshev");
      ImGui::PushFont(fonts().mono);
      ImGui::TableNextColumn();
      if (c->degree < 0) {
        ImGui::TextUnformatted("> 1000");
      } else {
        ImGui::Text("%d", c->degree);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_value(c->relative_error).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_value(c->rank).c_str());
        ImGui::TableNextColumn();
        const bool wins = c->speedup > 1;
        ImGui::TextColored(wins ? ImVec4(0.45f, 0.85f, 0.5f, 1) : ImVec4(1, 0.45f, 0.4f, 1), "%s×",
                           format_value(c->speedup).c_str());
        if (ImGui::IsItemHovered())
          ImGui::SetTooltip("flops 4L²d of exact against 4L·r·(d+1) of the polynomial method (theory §2.4)");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_value(c->as23_rank_bound).c_str());
      }
      ImGui::PopFont();
    }
    ImGui::EndTable();
  }
  // The precision wall of §2.8: monomial features reach at best u·e^{2β}.
  for (const auto& [name, wall] : {std::pair<const char*, const th::PrecisionWall*>{"float32", &r.float32},
                                   {"float64", &r.float64}}) {
    ImGui::TextColored(wall->exceeds_target ? ImVec4(1, 0.45f, 0.4f, 1) : ImVec4(0.6f, 0.6f, 0.6f, 1),
                       "%s precision wall: u·e^(2β) = %s %s ε%s", name, format_value(wall->relative_error).c_str(),
                       wall->exceeds_target ? ">" : "≤", wall->exceeds_target ? ": monomial features cannot reach ε" : "");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Σ c_k x^k cancels terms of size e^β down to e^−β: the achievable relative error\n"
                        "is about u·e^(2β) in a format with unit roundoff u (theory §2.8, floating point).");
  }
}

void ThresholdTheoryPanel::draw_exponent_plot() {
  plot::PlotSpec spec;
  spec.title = "Runtime exponent in L (the §3 picture)";
  spec.x_label = "B_eff/√(ln L)";
  spec.y_label = "exponent";
  spec.x_range = plot::Range{0, kCurveMaxRatio};
  spec.y_range = plot::Range{0.9, 2.1};
  spec.bands = {{0, th::kZoneFastBelow, zone_color(0, 45), "I"},
                {th::kZoneFastBelow, th::kZoneHardFrom, zone_color(1, 45), "II"},
                {th::kZoneHardFrom, kCurveMaxRatio, zone_color(2, 45), "III"}};
  plot::Series taylor{"Taylor: 1 + ln r/ln L", plot::palette_color(1)};
  plot::Series cheb{"Chebyshev: 1 + ln r/ln L", plot::palette_color(0)};
  for (const ExponentPoint& p : curve_) {
    taylor.x.push_back(p.ratio), taylor.y.push_back(p.taylor_exponent);
    cheb.x.push_back(p.ratio), cheb.y.push_back(p.chebyshev_exponent);
  }
  taylor.markers = cheb.markers = false;
  plot::Series exact{"exact: 2", IM_COL32(220, 220, 220, 200)};
  exact.x = {0, kCurveMaxRatio}, exact.y = {2, 2};
  exact.markers = false, exact.dashed = true;
  plot::Series here{"this head (Chebyshev)", IM_COL32_WHITE};
  here.x = {report_.ratio}, here.y = {effective_exponent(report_.chebyshev, tokens_)};
  here.lines = false;
  spec.series = {cheb, taylor, exact, here};
  spec.empty_text = curve_job_.running() ? "computing…" : "no data";
  spec.legend_corner = plot::PlotSpec::LegendCorner::kBottomRight;
  plot::draw_plot("exponent", spec, plot_state_, {0, 15.0f * ImGui::GetFontSize()});
  ImGui::TextDisabled("Finite-L exponent of the polynomial method at this L, d, ε (theory §7: the o(1) is ln r/ln L).");
}

void ThresholdTheoryPanel::draw() {
  draw_inputs();
  draw_numbers();
  ImGui::Separator();
  draw_exponent_plot();
  ImGui::Separator();
  ImGui::PushFont(fonts().heading);
  const bool map_open = ImGui::CollapsingHeader("Error map: exp against its degree-g polynomial", ImGuiTreeNodeFlags_DefaultOpen);
  ImGui::PopFont();
  if (map_open) error_map_.draw(beta_, epsilon_, report_.chebyshev.degree);
  ImGui::Separator();
  draw_theory_cards(report_);
}

}  // namespace vs::gui
