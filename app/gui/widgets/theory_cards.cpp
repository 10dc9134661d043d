#include "app/gui/widgets/theory_cards.h"

#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "app/gui/shell/fonts.h"
#include "app/gui/widgets/plot/axis.h"

namespace vs::gui {

namespace {

void card(const char* title, const char* source, const std::string& body, const std::string& live, bool open) {
  ImGui::SetNextItemOpen(open, ImGuiCond_FirstUseEver);
  ImGui::PushFont(fonts().heading);
  const bool shown = ImGui::CollapsingHeader(title);
  ImGui::PopFont();
  if (!shown) return;
  ImGui::Indent(6);
  ImGui::TextWrapped("%s", body.c_str());
  if (!live.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.8f, 1.0f, 1.0f));
    ImGui::TextWrapped("%s", live.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::TextDisabled("%s", source);
  ImGui::Unindent(6);
  ImGui::Spacing();
}

std::string fmt(const char* format, double a, double b = 0, double c = 0) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, format, a, b, c);
  return buffer;
}

}  // namespace

void draw_theory_cards(const vs::theory::ThresholdReport& r) {
  using vs::gui::plot::format_value;
  const auto& cheb = r.chebyshev;
  // A VAR pyramid with L tokens has final side n ≈ √(L/2.66) (real VAR-256: 680 = 2.66·16², theory §1.2).
  const double side = std::sqrt(double(r.tokens) / 2.66);

  card("Exact attention: O(n⁴)", "(a), main results (abstract); token count and cost: theory §1.2",
       "A VAR model with final token map n×n generates the pyramid of scales coarse to fine; every scale "
       "attends to all tokens of the scales before it. The pyramid holds L = Θ(n²) tokens, so exact "
       "block-causal attention costs Σ_k n_k²·L_k·d = Θ(n⁴·d) time: the O(n^(4+o(1))) baseline of (a).",
       fmt("Here: L = %.0f tokens (final side n ≈ %.0f for a VAR-like pyramid) → L² ≈ %.2g query-key pairs per head.",
           double(r.tokens), side, double(r.tokens) * double(r.tokens)),
       true);

  std::string below_live;
  if (cheb.degree >= 0)
    below_live = "Here: Chebyshev degree g = " + std::to_string(cheb.degree) + ", rank r = C(d+g, g) = " +
                 format_value(cheb.rank) + ", predicted speed-up L/r ≈ " + format_value(cheb.speedup) + "×" +
                 (cheb.speedup < 1 ? " (slower than exact at this L)." : ".");
  else
    below_live = "Here: no degree up to 1000 reaches ε — far above the threshold.";
  card("Below the threshold: n^(2+o(1))", "(a), main results (abstract); the method: (b), Alman & Song (abstract); theory §2",
       "If d = O(log n) and the entries of Q, K, V are bounded by R = o(√log n), (a) shows the VAR output can be "
       "approximated to 1/poly(n) additive error in O(n^(2+o(1))) time. The tool is the polynomial method of (b): "
       "replace exp on the logit range [−β, β] by a degree-g polynomial, which factors the attention matrix "
       "through r = C(d+g, g) features per token, so attention costs O(L·r·d) instead of Θ(L²·d). "
       "With bounded entries g, and so r, grow slower than any power of L.",
       below_live, true);

  card("Above the threshold: SETH-hard", "(a), main results (abstract); (b) lower bound (abstract); theory §3",
       "If d = O(log n) and R = Θ(√log n), then assuming the Strong Exponential Time Hypothesis no algorithm "
       "approximates the VAR output to 1/poly(n) additive error in truly sub-quartic time O(n^(4−Ω(1))). "
       "The idea: a hard nearest-neighbour instance on N = Θ(n²) points becomes one attention call whose large "
       "logits (entries ≈ √log n) single out the close pair, which no n^(2−Ω(1))-in-N method can see.",
       fmt("Here: B_eff/√(ln L) = %.3g (κ = β/ln L = %.3g): zone ", r.ratio, r.kappa) + r.zone_name + ".",
       false);

  card("What a VAR can compute: uniform TC⁰", "(c), abstract; theory §4",
       "(c) shows that a VAR with constant depth, hidden dimension d ≤ O(n) and poly(n) precision can be "
       "simulated by a uniform TC⁰ family of threshold circuits (constant depth, polynomial size). The usual "
       "consequence: unless TC⁰ = NC¹, such models cannot solve NC¹-hard problems such as Boolean formula "
       "evaluation. The precision matters: evaluating the polynomial of §2 needs about 2β/ln 2 extra bits.",
       fmt("Here: about %.0f extra bits for β = %.3g.", 2 * r.beta / std::log(2.0), r.beta), false);

  card("FlowAR", "(d), abstract; theory §5",
       "(d) proves the same TC⁰ simulability for FlowAR (a flow-matching head per scale) and an almost "
       "quadratic O(n^(2+o(1))) variant built on low-rank approximate attention. Its abstract states no SETH "
       "lower bound; the hardness side carries over from (a) and (b) by the same embedding (our reading).",
       "", false);

  card("What is asymptotic here", "theory §2.6, §2.8, §3 (caveats)",
       "The threshold √(log n) holds up to constants nobody named: the zone edges drawn here (x = 0.5 and 1) are "
       "this tool's choice. At a finite L the 'o(1)' in the exponent is log r / log L, and a zone-I head can "
       "still be impractical: at d = 64 degree 2 already gives r = 2145 > L for real VAR-256 (L = 680). Real VAR "
       "heads L2-normalise q and k with a learned scale s_h ≤ 100, so logits reach s_h while ln 680 ≈ 6.5: in the "
       "worst-case sense most heads sit in zone II or III, even when their attention is in fact low-rank.",
       "", false);
}

}  // namespace vs::gui
