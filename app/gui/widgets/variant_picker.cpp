#include "app/gui/widgets/variant_picker.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/attention/attention.h"
#include "core/attention/spec_params.h"

namespace vs::gui {

std::string VariantPicker::spec() const {
  switch (family) {
    case 1: {
      const std::string basis = std::string(":basis=") + (poly_chebyshev ? "chebyshev" : "taylor");
      if (!poly_auto) return "poly:degree=" + std::to_string(poly_degree) + basis;
      char eps[32];
      std::snprintf(eps, sizeof eps, "%g", double(poly_eps));
      return std::string("poly:auto:eps=") + eps + basis;
    }
    case 2: return "performer:features=" + std::to_string(performer_features);
    case 3: return "nystrom:landmarks=" + std::to_string(nystrom_landmarks);
    case 4: return "svd:rank=" + std::to_string(svd_rank);
    case 5:
      return "window:w=" + std::to_string(window_current) + ":w_prev=" + std::to_string(window_previous) +
             (window_square ? ":shape=square" : "") + (window_zero_logits ? ":logits=zero" : "");
    default: return "exact";
  }
}

bool VariantPicker::set_spec(const std::string& spec) {
  // The variant's own spelling names every parameter, defaults included.
  const std::string canonical = attention::make_variant(spec)->spec();
  attention::SpecParams params(canonical);
  auto number = [&](const std::string& key) { return std::strtod(params.get_text(key).c_str(), nullptr); };
  auto whole = [&](const std::string& key, int lo, int hi) { return std::clamp(int(number(key)), lo, hi); };
  VariantPicker picked = *this;
  const std::string& name = params.name();
  if (name == "poly") {
    picked.family = 1;
    picked.poly_auto = params.get_flag("auto");
    picked.poly_chebyshev = params.get_text("basis") == "chebyshev";
    if (picked.poly_auto) picked.poly_eps = float(std::clamp(number("eps"), 1e-4, 0.3));
    else picked.poly_degree = whole("degree", 1, 8);
  } else if (name == "performer") {
    picked.family = 2, picked.performer_features = whole("features", 4, 512);
  } else if (name == "nystrom") {
    picked.family = 3, picked.nystrom_landmarks = whole("landmarks", 2, 256);
  } else if (name == "svd") {
    picked.family = 4, picked.svd_rank = whole("rank", 1, 128);
  } else {
    picked.family = 0;
  }
  *this = picked;
  return attention::make_variant(this->spec())->spec() == canonical;
}

bool VariantPicker::draw(const char* label) {
  ImGui::PushID(label);
  static const char* names[] = {"exact softmax", "poly (Alman–Song)", "performer", "nyström", "svd (low rank)",
                                "window (LiteVAR)"};
  bool changed = ImGui::Combo(label, &family, names, IM_ARRAYSIZE(names));
  ImGui::Indent();
  switch (family) {
    case 1:
      changed |= ImGui::Checkbox("auto degree", &poly_auto);
      if (poly_auto) {
        changed |= ImGui::SliderFloat("target ε", &poly_eps, 1e-4f, 0.3f, "%.0e", ImGuiSliderFlags_Logarithmic);
        ImGui::TextDisabled("least degree g with error ≤ ε on [−β̂, β̂], per call; rank C(d+g, g) ≤ 4096");
      } else {
        changed |= ImGui::SliderInt("degree", &poly_degree, 1, 8);
        ImGui::TextDisabled("odd degrees may go negative: failed rows are reported");
      }
      changed |= ImGui::Checkbox("Chebyshev basis", &poly_chebyshev);
      break;
    case 2: changed |= ImGui::SliderInt("features", &performer_features, 4, 512); break;
    case 3: changed |= ImGui::SliderInt("landmarks", &nystrom_landmarks, 2, 256); break;
    case 4: changed |= ImGui::SliderInt("rank", &svd_rank, 1, 128); break;
    case 5:
      changed |= ImGui::SliderInt("w (own scale)", &window_current, 0, 64);
      changed |= ImGui::SliderInt("w (earlier scales)", &window_previous, 0, 64);
      changed |= ImGui::Checkbox("square window [D, ours]", &window_square);
      changed |= ImGui::Checkbox("zero logits (LiteVAR's code)", &window_zero_logits);
      ImGui::TextDisabled(window_square ? "|Δrow|, |Δcol| ≤ w after mapping between scales; scales 0-2 exact"
                                        : "|i·n_b/n_q − j| ≤ w on raster indices; scales 0-2 exact");
      if (window_zero_logits) ImGui::TextDisabled("masked keys get logit 0, not −∞: every pair is still computed");
      break;
    default: break;
  }
  ImGui::Unindent();
  ImGui::PopID();
  return changed;
}

void VariantPicker::load(const Settings& s, const std::string& p) {
  family = std::clamp(s.get_int(p + ".family", family), 0, 5);
  poly_auto = s.get_bool(p + ".poly_auto", poly_auto);
  const double eps = s.get_double(p + ".poly_eps", poly_eps);
  if (std::isfinite(eps)) poly_eps = std::clamp(float(eps), 1e-4f, 0.3f);
  poly_degree = std::clamp(s.get_int(p + ".poly_degree", poly_degree), 1, 8);
  poly_chebyshev = s.get_bool(p + ".poly_chebyshev", poly_chebyshev);
  performer_features = std::clamp(s.get_int(p + ".performer_features", performer_features), 4, 512);
  nystrom_landmarks = std::clamp(s.get_int(p + ".nystrom_landmarks", nystrom_landmarks), 2, 256);
  svd_rank = std::clamp(s.get_int(p + ".svd_rank", svd_rank), 1, 128);
  window_current = std::clamp(s.get_int(p + ".window_current", window_current), 0, 64);
  window_previous = std::clamp(s.get_int(p + ".window_previous", window_previous), 0, 64);
  window_square = s.get_bool(p + ".window_square", window_square);
  window_zero_logits = s.get_bool(p + ".window_zero_logits", window_zero_logits);
}

void VariantPicker::save(Settings& s, const std::string& p) const {
  s.set_int(p + ".family", family);
  s.set_bool(p + ".poly_auto", poly_auto);
  s.set_double(p + ".poly_eps", poly_eps);
  s.set_int(p + ".poly_degree", poly_degree);
  s.set_bool(p + ".poly_chebyshev", poly_chebyshev);
  s.set_int(p + ".performer_features", performer_features);
  s.set_int(p + ".nystrom_landmarks", nystrom_landmarks);
  s.set_int(p + ".svd_rank", svd_rank);
  s.set_int(p + ".window_current", window_current);
  s.set_int(p + ".window_previous", window_previous);
  s.set_bool(p + ".window_square", window_square);
  s.set_bool(p + ".window_zero_logits", window_zero_logits);
}

}  // namespace vs::gui
