// The theory columns of inspect's norms.csv (theory §1.5, §2.8, §3), shared by the VAR
// and FlowAR rows: keys, max |q|, max |k|, β, B_eff, threshold, ratio, zone, and the
// Chebyshev basis's least degree reaching relative error eps on exp over [−β, β] with
// its feature rank C(d+g, g); the last two empty where undefined (one key, β beyond the
// tabulated range, or no degree ≤ kMaxReportDegree).
#pragma once
#include <string>

#include "core/observe/observer.h"

namespace vs::cli {

extern const char kNormsCsvColumns[];  // "tokens,max_abs_q,...,rank" (no newline)

// The columns above for one head, comma-separated, no newline.
std::string norms_csv_fields(const observe::HeadStats& stats, int head_dim, double eps);

}  // namespace vs::cli
