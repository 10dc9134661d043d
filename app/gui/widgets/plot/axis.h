// Axis arithmetic of our small plotting layer, with no ImGui in it so it can be unit-tested:
// linear and base-10 log scales, "nice" linear ticks (1, 2, 5 × 10^k), decade ticks with
// minor ticks at 2..9 for log axes, and tick labels ("10⁻³" for decades).
#pragma once
#include <string>
#include <vector>

namespace vs::gui::plot {

enum class Scale { kLinear, kLog10 };

struct Range {
  double min = 0, max = 1;
};

struct Tick {
  double value = 0;
  bool major = false;
  std::string label;  // empty: no label drawn
};

// Ticks inside [min, max]. Log: a major (labelled) tick at every decade (every 2nd, 3rd…
// decade when there are more than ~10), minor ticks at 2..9 × 10^k; when the range holds
// fewer than two decades the minor ticks are labelled too, so a short axis is readable.
std::vector<Tick> log_ticks(Range range);
// Linear: about `target_count` ticks at multiples of a nice step, all major.
std::vector<Tick> linear_ticks(Range range, int target_count = 6);
std::vector<Tick> axis_ticks(Scale scale, Range range);

// 1, 2 or 5 × 10^k, the smallest such step ≥ raw (raw > 0).
double nice_step(double raw);
// "1", "10", "100", "10³" … and "0.1", "0.01", "10⁻³" …, UTF-8 superscripts.
std::string format_decade(int exponent);
// Compact value for tick labels and readouts: whole numbers below 10⁷ in full, else "%.3g".
std::string format_value(double value);

// A range that shows all finite values (positive ones only on a log axis) with a small
// margin; a fallback range when there are none.
Range fit_range(Scale scale, const std::vector<double>& values);

// Position of v along the axis: 0 at range.min, 1 at range.max (log: in log10 space).
double to_unit(Scale scale, Range range, double value);
double from_unit(Scale scale, Range range, double unit);

}  // namespace vs::gui::plot
