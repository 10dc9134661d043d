// varscope-cli calibrate: LiteVAR's window search (acceleration.md §4, MDWA rule 2) on a
// VAR model. N generations with exact attention (class i mod classes, seed S + i, batch 1)
// report every self-attention call's probabilities to a WindowMassObserver; per layer,
// head, query scale and key block it picks the smallest window keeping --target-mass of
// the block's softmax mass and writes the table that `--attention window:widths=FILE`
// reads. Progress on stderr; per scale the widths and the share of query-key pairs they
// keep on stdout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/progress_line.h"
#include "app/cli/sampling_flags.h"
#include "app/cli/stopwatch.h"
#include "core/attention/window_geometry.h"
#include "core/attention/window_widths.h"
#include "core/error.h"
#include "core/generator/generator.h"
#include "core/io/output_file.h"
#include "core/observe/window_mass.h"

namespace vs::cli {

namespace {

// Forwards the generator's attention calls to the mass observer and shows progress.
class CalibrationRun : public gen::GenerationObserver {
 public:
  explicit CalibrationRun(observe::WindowMassObserver& mass) : mass_(mass) {}
  observe::ProbabilityRequest wants_probabilities(const observe::Site& site) override {
    return mass_.wants_probabilities(site);
  }
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    mass_.on_attention(call, result);
  }

 private:
  observe::WindowMassObserver& mass_;
};

// Per query scale: mean width of the query's own block and of earlier windowed blocks,
// blocks left dense or dropped, and the share of visible query-key pairs the table keeps.
void print_summary(const attention::WindowWidths& widths) {
  std::printf("%5s %5s %10s %10s %7s %7s %10s\n", "scale", "side", "w current", "w earlier", "dense", "dropped",
              "pairs kept");
  const int K = static_cast<int>(widths.scales.size());
  std::vector<attention::KeyRange> ranges;
  for (int s = 0; s < K; ++s) {
    double current = 0, earlier = 0;
    int current_n = 0, earlier_n = 0, dense = 0, dropped = 0;
    double kept = 0, visible = 0;
    const attention::TokenBlock query{0, int64_t(widths.scales[s]) * widths.scales[s], widths.scales[s]};
    for (int l = 0; l < widths.layers; ++l)
      for (int h = 0; h < widths.heads; ++h) {
        int64_t begin = 0;
        for (int b = 0; b <= s; begin += int64_t(widths.scales[b]) * widths.scales[b], ++b) {
          const attention::TokenBlock key{begin, int64_t(widths.scales[b]) * widths.scales[b], widths.scales[b]};
          const int64_t w = widths.at(l, h, s, b);
          visible += double(query.count) * key.count;
          if (w == attention::kDenseWindow) {
            ++dense;
            kept += double(query.count) * key.count;
            continue;
          }
          if (w == attention::kDroppedWindow) {
            ++dropped;
            continue;
          }
          (b == s ? current : earlier) += double(w);
          ++(b == s ? current_n : earlier_n);
          for (int64_t i = 0; i < query.count; ++i) {
            ranges.clear();
            attention::window_ranges(widths.shape, query, i, key, w, std::numeric_limits<int64_t>::max(), ranges);
            for (const attention::KeyRange& r : ranges) kept += double(r.end - r.begin);
          }
        }
      }
    auto mean = [](double sum, int n) { return n ? std::to_string(sum / n).substr(0, 6) : std::string("-"); };
    std::printf("%5d %5d %10s %10s %7d %7d %9.1f%%\n", s, widths.scales[s], mean(current, current_n).c_str(),
                mean(earlier, earlier_n).c_str(), dense, dropped, 100 * kept / visible);
  }
}

}  // namespace

int command_calibrate(Args& args) {
  const io::ModelRef ref = model_ref_flag(args);
  const std::vector<int> scales = patch_nums_flag(args);
  const double target = args.get_double("target-mass", 0.95, 0.01, 1.0);
  const long generations = args.get_int("generations", 4, 1, 10000);
  const long seed = args.get_int("seed", 0, 0, std::numeric_limits<long>::max());
  const std::string shape_name = args.get("shape", "band");
  const double drop_below = args.get_double("drop-below", 0.0, 0.0, 0.5);
  const std::string out_path = args.get("out", "");
  if (shape_name != "band" && shape_name != "square")
    throw Error("--shape '" + shape_name + "' is not band (LiteVAR's) or square (ours, [D])");
  const attention::WindowShape shape = shape_name == "band" ? attention::WindowShape::kBand
                                                            : attention::WindowShape::kSquare;
  const std::unique_ptr<gen::Generator> generator = gen::open_generator(ref, scales);
  const gen::ModelInfo& info = generator->info();
  gen::SamplingRequest request = generator->default_request();
  read_sampling_options(args, info, request);
  args.finish();
  if (info.family != gen::Family::kVar)
    throw Error("calibrate: window widths are calibrated per layer, head and scale of VAR's transformer; " + info.name +
                " is " + gen::family_name(info.family) + " (use window:w=W there)");
  if (request.attention != "exact" || request.accel != "none")
    throw Error("calibrate measures exact attention: drop --attention and --accel");
  const gen::ModuleInfo* module = info.module(observe::Module::kVar);
  if (!module) throw Error("calibrate: " + info.name + " has no VAR transformer");
  if (info.num_scales() <= 3)
    throw Error("calibrate: " + info.name + " has " + std::to_string(info.num_scales()) +
                " scales; LiteVAR windows only the scales after the first 3");

  observe::WindowMassObserver mass(observe::Module::kVar, info.scales, module->blocks, module->heads, shape);
  CalibrationRun run(mass);
  request.decode_final = false;  // only attention is measured
  for (long i = 0; i < generations; ++i) {
    request.labels = {info.num_classes > 0 ? int64_t(i % info.num_classes) : int64_t(-1)};
    request.seed = uint64_t(seed + i);
    const auto t0 = std::chrono::steady_clock::now();
    generator->sample(request, &run);
    progress_line("calibrate", "generation %ld/%ld (class %lld, seed %lld) measured in %.0f ms", i + 1, generations,
                  static_cast<long long>(request.labels[0]), static_cast<long long>(request.seed),
                  elapsed_ms_since(t0));
  }
  attention::WindowWidths widths = mass.choose_widths(target, drop_below);
  widths.model = info.name;
  widths.generations = static_cast<int>(generations);

  std::printf("%s: %ld generations (classes in turn, seeds %ld.., cfg %g), %s windows keeping %.3g of each "
              "block's softmax mass%s\n",
              info.name.c_str(), generations, seed, request.cfg, attention::window_shape_name(shape), target,
              shape == attention::WindowShape::kSquare ? " (square: ours, [D])" : " (LiteVAR's band)");
  std::printf("query scales 0-2 exact, key blocks more than 6 scales back dense; widths in raster %s\n\n",
              shape == attention::WindowShape::kBand ? "indices" : "rows and columns");
  print_summary(widths);
  std::printf("\nmass kept on these generations: %.4f of the windowed blocks'\n", mass.kept_share(widths));
  if (out_path.empty()) {
    std::printf("no --out: the widths were not written\n");
  } else {
    io::write_file_atomically(out_path, attention::window_widths_json(widths));
    std::printf("wrote %s (use --attention window:widths=%s)\n", out_path.c_str(), out_path.c_str());
  }
  return 0;
}

}  // namespace vs::cli
