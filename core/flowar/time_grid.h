// The Euler time grids of FlowAR's sampler and the integer times its flownet sees
// (flowar.md §7 step 4). t = 1 is noise, t = 0 data.
#pragma once
#include <cstdint>
#include <vector>

namespace vs::flowar {

// torch.linspace(start, end, steps) in float64, with PyTorch's two-sided formula (the
// first half counts up from start, the second half down from end).
std::vector<double> torch_linspace(double start, double end, int64_t steps);

// num_steps = 50: linspace(1, 0, 51); any other n ≥ 2: linspace(1, 0.3, n//2) followed by
// linspace(0.25, 0, n//2 + 1). Model evaluations = points − 1. Throws vs::Error for n < 2.
std::vector<double> time_grid(int num_steps);

// The reference's float64 → float32 → ×1000 (float32) → truncation chain (.long()).
int64_t time_integer(double t);

}  // namespace vs::flowar
