#include "app/gui/widgets/plot/axis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vs::gui::plot {

namespace {

std::string superscript_digits(int value) {
  static const char* const digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string out = value < 0 ? "⁻" : "";
  const std::string plain = std::to_string(std::abs(value));
  for (char c : plain) out += digits[c - '0'];
  return out;
}

}  // namespace

double nice_step(double raw) {
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * decade >= raw * (1 - 1e-12)) return m * decade;
  return 10 * decade;
}

std::string format_decade(int exponent) {
  switch (exponent) {
    case -2: return "0.01";
    case -1: return "0.1";
    case 0: return "1";
    case 1: return "10";
    case 2: return "100";
    default: return "10" + superscript_digits(exponent);
  }
}

std::string format_value(double value) {
  if (value == 0 || std::abs(value) < 1e-300) return "0";
  char buffer[32];
  // Whole numbers below ten million print in full ("3003", not "3e+03").
  if (std::abs(value) < 1e7 && value == std::round(value)) std::snprintf(buffer, sizeof buffer, "%.0f", value);
  else std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

std::vector<Tick> log_ticks(Range range) {
  std::vector<Tick> ticks;
  if (!(range.min > 0 && range.max > range.min)) return ticks;
  const double lo = std::log10(range.min), hi = std::log10(range.max);
  const int first = int(std::floor(lo)), last = int(std::ceil(hi));
  const int decades_inside = int(std::floor(hi + 1e-9)) - int(std::ceil(lo - 1e-9)) + 1;
  const int major_every = std::max(1, (last - first + 9) / 10);
  const bool label_minor = decades_inside < 2;
  auto inside = [&](double v) { return v >= range.min * (1 - 1e-9) && v <= range.max * (1 + 1e-9); };
  for (int e = first; e <= last; ++e) {
    const double decade = std::pow(10.0, e);
    if (inside(decade)) {
      const bool labelled = e % major_every == 0;
      ticks.push_back({decade, labelled, labelled ? format_decade(e) : ""});
    }
    if (major_every > 2) continue;  // minor ticks would be a smear at this density
    for (int m = 2; m <= 9; ++m) {
      const double v = m * decade;
      if (inside(v)) ticks.push_back({v, false, label_minor ? format_value(v) : ""});
    }
  }
  return ticks;
}

std::vector<Tick> linear_ticks(Range range, int target_count) {
  std::vector<Tick> ticks;
  if (!(range.max > range.min) || target_count < 1) return ticks;
  const double step = nice_step((range.max - range.min) / target_count);
  for (double v = std::ceil(range.min / step - 1e-9) * step; v <= range.max + step * 1e-9; v += step) {
    const double snapped = std::abs(v) < step * 1e-9 ? 0.0 : v;
    ticks.push_back({snapped, true, format_value(snapped)});
  }
  return ticks;
}

std::vector<Tick> axis_ticks(Scale scale, Range range) {
  return scale == Scale::kLog10 ? log_ticks(range) : linear_ticks(range);
}

Range fit_range(Scale scale, const std::vector<double>& values) {
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values) {
    if (!std::isfinite(v) || (scale == Scale::kLog10 && v <= 0)) continue;
    lo = std::min(lo, v), hi = std::max(hi, v);
  }
  if (scale == Scale::kLog10) {
    if (!(lo <= hi)) return {1, 10};
    // Margin of 6% of the span in log space, at least a tenth of a decade each side.
    const double l0 = std::log10(lo), l1 = std::log10(hi);
    const double pad = std::max(0.1, 0.06 * (l1 - l0));
    return {std::pow(10.0, l0 - pad), std::pow(10.0, l1 + pad)};
  }
  if (!(lo <= hi)) return {0, 1};
  if (lo == hi) {
    const double pad = lo == 0 ? 1 : 0.1 * std::abs(lo);
    return {lo - pad, hi + pad};
  }
  const double pad = 0.06 * (hi - lo);
  return {lo - pad, hi + pad};
}

double to_unit(Scale scale, Range range, double value) {
  if (scale == Scale::kLog10)
    return (std::log10(value) - std::log10(range.min)) / (std::log10(range.max) - std::log10(range.min));
  return (value - range.min) / (range.max - range.min);
}

double from_unit(Scale scale, Range range, double unit) {
  if (scale == Scale::kLog10)
    return std::pow(10.0, std::log10(range.min) + unit * (std::log10(range.max) - std::log10(range.min)));
  return range.min + unit * (range.max - range.min);
}

}  // namespace vs::gui::plot
