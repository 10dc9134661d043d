#include "core/flowar/time_grid.h"

#include <string>

#include "core/error.h"

namespace vs::flowar {

std::vector<double> torch_linspace(double start, double end, int64_t steps) {
  std::vector<double> out(steps > 0 ? steps : 0);
  if (steps == 1) out[0] = start;
  if (steps <= 1) return out;
  const double step = (end - start) / double(steps - 1);
  const int64_t halfway = steps / 2;
  for (int64_t i = 0; i < steps; ++i)
    out[i] = i < halfway ? start + step * double(i) : end - step * double(steps - i - 1);
  return out;
}

std::vector<double> time_grid(int num_steps) {
  if (num_steps < 2)
    throw Error("FlowAR sampler: num_steps " + std::to_string(num_steps) + " is below 2");
  if (num_steps == 50) return torch_linspace(1.0, 0.0, 51);
  std::vector<double> grid = torch_linspace(1.0, 0.3, num_steps / 2);
  const std::vector<double> tail = torch_linspace(0.25, 0.0, num_steps / 2 + 1);
  grid.insert(grid.end(), tail.begin(), tail.end());
  return grid;
}

int64_t time_integer(double t) {
  const float scaled = static_cast<float>(t) * 1000.0f;
  return static_cast<int64_t>(scaled);
}

}  // namespace vs::flowar
