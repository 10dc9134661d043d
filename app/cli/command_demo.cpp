// varscope-cli demo: what `tools/launch.sh` shows until the explorer is built — the
// threshold numbers of a real VAR-256 head and a short runtime-scaling sweep.
#include <cstdio>

#include "app/cli/commands.h"
#include "core/attention/scaling_benchmark.h"
#include "core/attention/scaling_fits.h"
#include "core/theory/threshold.h"

namespace vs::cli {

void print_threshold_report(const theory::ThresholdReport& r);

int command_demo(Args& args) {
  args.finish();
  std::printf("== A VAR-256 head at initialisation: L = 680 tokens, d = 64, l2-norm attention, s_h = 4 ==\n");
  print_threshold_report(theory::threshold_report(680, 64, 4.0, 1e-3));
  std::printf("\n== A small head with bounded entries: L = 4096, d = 8, beta = 0.25 (theory §2.8, first row) ==\n");
  print_threshold_report(theory::threshold_report(4096, 8, 0.25, 1e-3));

  std::printf("\n== Runtime scaling, block-causal over geometric 10-scale pyramids (d = 8, entries in [-0.5, 0.5]) ==\n");
  attention::ScalingConfig config;
  config.sides = {8, 16, 24, 32, 48};
  config.timing.samples = 3;
  const auto result = attention::run_scaling_benchmark(config, [](int done, int total, const std::string& what) {
    std::fprintf(stderr, "\r[%d/%d] %-50s", done, total, what.c_str());
    if (done == total) std::fprintf(stderr, "\n");
  });
  for (const auto& p : result.points)
    std::printf("  n=%-3d L=%-5lld %-24s %9.3f ms (model %.3f ms)  rel.err %.2e\n", p.side,
                static_cast<long long>(p.tokens), p.variant.c_str(), p.timing.min_ms, p.model_ms, p.rel_error);
  for (const auto& [variant, fit] : attention::fit_scaling(result.points))
    std::printf("  slope %-24s %.2f, model %.2f  (exact ~4, low-rank ~2 in n; `bench attention` for more)\n",
                variant.c_str(), fit.all.slope, fit.model_all.slope);
  return 0;
}

}  // namespace vs::cli
