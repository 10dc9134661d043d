#include "core/attention/scaling_fits.h"

#include <algorithm>

namespace vs::attention {

std::map<std::string, VariantScaling> fit_scaling(const std::vector<ScalingPoint>& points) {
  std::map<std::string, std::vector<const ScalingPoint*>> by_variant;
  for (const auto& p : points) by_variant[p.variant].push_back(&p);
  std::map<std::string, VariantScaling> fits;
  for (auto& [variant, list] : by_variant) {
    std::sort(list.begin(), list.end(), [](const ScalingPoint* a, const ScalingPoint* b) { return a->side < b->side; });
    VariantScaling& f = fits[variant];
    std::vector<double> x;
    for (const ScalingPoint* p : list) {
      f.sides.push_back(p->side);
      x.push_back(p->side);
      f.measured_ms.push_back(p->timing.min_ms);
      f.model_ms.push_back(p->model_ms);
    }
    f.local_slopes = local_loglog_slopes(x, f.measured_ms);
    f.model_local_slopes = local_loglog_slopes(x, f.model_ms);
    f.all = fit_loglog(x, f.measured_ms);
    f.model_all = fit_loglog(x, f.model_ms);
    f.upper = fit_loglog_upper_half(x, f.measured_ms);
    f.model_upper = fit_loglog_upper_half(x, f.model_ms);
    f.upper_begin_side = f.sides.empty() ? 0 : f.sides[upper_half_begin(int(f.sides.size()))];
  }
  return fits;
}

}  // namespace vs::attention
