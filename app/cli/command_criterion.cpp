// varscope-cli criterion: does a trained model satisfy the bounded-entry criterion? N
// generations (classes in turn, seeds 0..N−1, one batch) through the Generator with a
// CriterionObserver (core/observe/criterion.h); per scale the heads per zone, then the
// verdict line. --csv: one row per (module, attention, scale, block, head); --json: rows,
// histogram and verdict.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/criterion_export.h"
#include "app/cli/sampling_flags.h"
#include "core/error.h"
#include "core/generator/generator.h"
#include "core/io/output_file.h"
#include "core/observe/criterion.h"

namespace vs::cli {

int command_criterion(Args& args) {
  const io::ModelRef ref = model_ref_flag(args);
  const std::vector<int> scales = patch_nums_flag(args);
  const long samples = args.get_int("samples", 4, 1, 4096);
  const double eps = args.get_double("eps", 1e-3, 1e-15, 0.999);
  const std::string csv_path = args.get("csv", "");
  const std::string json_path = args.get("json", "");
  const std::unique_ptr<gen::Generator> generator = gen::open_generator(ref, scales);
  const gen::ModelInfo& info = generator->info();
  gen::SamplingRequest request = generator->default_request();
  read_sampling_options(args, info, request);
  args.finish();
  request = criterion_request(info, request, samples);

  observe::CriterionObserver observer;
  // The generator reports to a GenerationObserver; the criterion needs its attention calls only.
  struct Forward : gen::GenerationObserver {
    observe::CriterionObserver* target = nullptr;
    void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
      target->on_attention(call, result);
    }
  } forward;
  forward.target = &observer;
  generator->sample(request, &forward);

  const auto rows = observer.rows(eps);
  const auto histogram = observe::zone_histogram(rows);
  const std::string verdict = observe::criterion_verdict(rows, eps);
  std::printf("%s: %ld generations (classes in turn, seed 0, cfg %g, attention %s), ε = %g\n",
              info.model_path.c_str(), samples, request.cfg, request.attention.c_str(), eps);
  std::printf("B_eff = √β (β the largest |logit| over all calls), zones on B_eff/√(ln L_k): I < %g <= II < %g <= III\n\n",
              theory::kZoneFastBelow, theory::kZoneHardFrom);
  std::printf("%-8s %5s %8s %6s %6s %6s %6s %10s %10s %8s\n", "module", "scale", "L_k", "I", "II", "III", "undef",
              "max ratio", "max beta", "cheb deg");
  for (const auto& h : histogram) {
    double max_ratio = 0, max_beta = 0;
    int64_t keys = 0;
    int degree = 0;
    for (const auto& r : rows)
      if (r.module == h.module && r.scale == h.scale) {
        if (std::isfinite(r.ratio)) max_ratio = std::max(max_ratio, r.ratio);
        max_beta = std::max(max_beta, r.beta);
        keys = std::max(keys, r.keys);
        degree = std::max(degree, r.chebyshev_degree);
      }
    std::printf("%-8s %5d %8lld %6d %6d %6d %6d %10.3f %10.3f %8d\n", observe::module_name(h.module), h.scale,
                static_cast<long long>(keys), h.heads[0], h.heads[1], h.heads[2], h.heads[3], max_ratio, max_beta,
                degree);
  }
  std::printf("\nverdict: %s\n", verdict.c_str());
  if (!csv_path.empty()) {
    io::write_file_atomically(csv_path, criterion_csv(rows));
    std::printf("wrote %s\n", csv_path.c_str());
  }
  if (!json_path.empty()) {
    io::write_file_atomically(json_path, criterion_json(info, samples, eps, rows, histogram, verdict));
    std::printf("wrote %s\n", json_path.c_str());
  }
  return 0;
}

}  // namespace vs::cli
