#include "app/gui/widgets/variant_picker.h"

#include <imgui.h>

#include <algorithm>

namespace vs::gui {

std::string VariantPicker::spec() const {
  switch (family) {
    case 1:
      return "poly:degree=" + std::to_string(poly_degree) + ":basis=" + (poly_chebyshev ? "chebyshev" : "taylor");
    case 2: return "performer:features=" + std::to_string(performer_features);
    case 3: return "nystrom:landmarks=" + std::to_string(nystrom_landmarks);
    case 4: return "svd:rank=" + std::to_string(svd_rank);
    default: return "exact";
  }
}

bool VariantPicker::draw(const char* label) {
  ImGui::PushID(label);
  static const char* names[] = {"exact softmax", "poly (Alman–Song)", "performer", "nyström", "svd (low rank)"};
  bool changed = ImGui::Combo(label, &family, names, IM_ARRAYSIZE(names));
  ImGui::Indent();
  switch (family) {
    case 1:
      changed |= ImGui::SliderInt("degree", &poly_degree, 1, 8);
      changed |= ImGui::Checkbox("Chebyshev basis", &poly_chebyshev);
      break;
    case 2: changed |= ImGui::SliderInt("features", &performer_features, 4, 512); break;
    case 3: changed |= ImGui::SliderInt("landmarks", &nystrom_landmarks, 2, 256); break;
    case 4: changed |= ImGui::SliderInt("rank", &svd_rank, 1, 128); break;
    default: break;
  }
  ImGui::Unindent();
  ImGui::PopID();
  return changed;
}

void VariantPicker::load(const Settings& s, const std::string& p) {
  family = std::clamp(s.get_int(p + ".family", family), 0, 4);
  poly_degree = std::clamp(s.get_int(p + ".poly_degree", poly_degree), 1, 8);
  poly_chebyshev = s.get_bool(p + ".poly_chebyshev", poly_chebyshev);
  performer_features = std::clamp(s.get_int(p + ".performer_features", performer_features), 4, 512);
  nystrom_landmarks = std::clamp(s.get_int(p + ".nystrom_landmarks", nystrom_landmarks), 2, 256);
  svd_rank = std::clamp(s.get_int(p + ".svd_rank", svd_rank), 1, 128);
}

void VariantPicker::save(Settings& s, const std::string& p) const {
  s.set_int(p + ".family", family);
  s.set_int(p + ".poly_degree", poly_degree);
  s.set_bool(p + ".poly_chebyshev", poly_chebyshev);
  s.set_int(p + ".performer_features", performer_features);
  s.set_int(p + ".nystrom_landmarks", nystrom_landmarks);
  s.set_int(p + ".svd_rank", svd_rank);
}

}  // namespace vs::gui
