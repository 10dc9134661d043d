// varscope-cli bench attention: the runtime-scaling sweep (core/attention/scaling_benchmark.h)
// printed per variant — timing minimum and spread, the cost model at this machine's GEMM
// rate, local slopes, the fits over all sides and over the asymptotic half — and as JSON.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "app/cli/machine_info.h"
#include "core/attention/cost_model.h"
#include "core/attention/pyramid.h"
#include "core/attention/scaling_benchmark.h"
#include "core/attention/scaling_fits.h"
#include "core/error.h"
#include "core/io/output_file.h"

namespace vs::cli {

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) items.push_back(item);
  return items;
}

std::string fit_text(const attention::SlopeFit& fit) {
  char text[64];
  if (std::isnan(fit.slope)) return "-";
  if (std::isnan(fit.ci95)) std::snprintf(text, sizeof text, "%.2f", fit.slope);
  else std::snprintf(text, sizeof text, "%.2f ± %.2f", fit.slope, fit.ci95);
  return text;
}

std::string fit_json(const attention::SlopeFit& fit) {
  return "{\"slope\":" + json_number(fit.slope) + ",\"ci95\":" + json_number(fit.ci95) +
         ",\"points\":" + std::to_string(fit.points) + "}";
}

std::string doubles_json(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + json_number(values[i]);
  return out + "]";
}

void print_variant(const std::string& variant, const attention::VariantScaling& fit,
                   const std::vector<attention::ScalingPoint>& points, TimingClock clock) {
  std::printf("%s — model %s\n", variant.c_str(), attention::variant_model_formula(variant).c_str());
  std::printf("  %6s %9s %11s %7s %9s %11s %8s %7s %7s %10s\n", "n", "L",
              clock == TimingClock::kCpu ? "min cpu ms" : "min ms", "spread", "calls", "model ms", "x model", "slope",
              "model", "rel error");
  size_t row = 0;
  for (const auto& p : points) {
    if (p.variant != variant) continue;
    char slope[16] = "", model_slope[16] = "", error[16] = "-";
    if (row < fit.local_slopes.size()) {
      std::snprintf(slope, sizeof slope, "%.2f", fit.local_slopes[row]);
      std::snprintf(model_slope, sizeof model_slope, "%.2f", fit.model_local_slopes[row]);
    }
    if (!std::isnan(p.rel_error)) std::snprintf(error, sizeof error, "%.2e", p.rel_error);
    char calls[24];
    std::snprintf(calls, sizeof calls, "%dx%d", p.timing.samples, p.timing.repeats);
    std::printf("  %6d %9lld %11.3f %6.1f%% %9s %11.3f %8.2f %7s %7s %10s\n", p.side,
                static_cast<long long>(p.tokens), p.timing.min_ms, 100 * p.timing.spread, calls, p.model_ms,
                p.timing.min_ms / p.model_ms, slope, model_slope, error);
    ++row;
  }
  std::printf("  slope over all sides: %s (model %s); asymptotic half (n >= %d): %s (model %s)\n\n",
              fit_text(fit.all).c_str(), fit_text(fit.model_all).c_str(), fit.upper_begin_side,
              fit_text(fit.upper).c_str(), fit_text(fit.model_upper).c_str());
}

std::string result_json(const MachineInfo& machine, const attention::ScalingConfig& config,
                        const attention::ScalingResult& result,
                        const std::map<std::string, attention::VariantScaling>& fits) {
  std::string json = "{\"machine\":" + machine_info_json(machine) + ",\"config\":{\"pyramid\":" +
                     json_string(attention::pyramid_family_spec(config.pyramid)) + ",\"pyramid_rule\":" +
                     json_string(attention::describe_pyramid_family(config.pyramid)) + ",\"head_dim\":" +
                     std::to_string(config.head_dim) + ",\"heads\":" + std::to_string(config.heads) +
                     ",\"bound\":" + json_number(config.bound) + ",\"timing\":{\"samples\":" +
                     std::to_string(config.timing.samples) + ",\"min_sample_ms\":" +
                     json_number(config.timing.min_sample_ms) + ",\"estimate\":\"min\",\"clock\":" +
                     json_string(timing_clock_name(config.timing.clock)) + ",\"threads\":" +
                     std::to_string(machine.threads) + "},\"quadratic_max_side\":" +
                     std::to_string(config.quadratic_max_side) + ",\"seed\":" + std::to_string(config.seed) +
                     ",\"structure\":\"block-causal\"},\"gemm_gflops\":" + json_number(result.gemm_gflops) +
                     ",\"results\":[";
  for (size_t i = 0; i < result.points.size(); ++i) {
    const auto& p = result.points[i];
    json += std::string(i ? "," : "") + "{\"variant\":" + json_string(p.variant) + ",\"side\":" +
            std::to_string(p.side) + ",\"tokens\":" + std::to_string(p.tokens) + ",\"pyramid\":" +
            json_string(attention::pyramid_to_string(attention::family_pyramid(config.pyramid, p.side))) +
            ",\"min_ms\":" + json_number(p.timing.min_ms) + ",\"median_ms\":" + json_number(p.timing.median_ms) +
            ",\"spread\":" + json_number(p.timing.spread) + ",\"wall_min_ms\":" + json_number(p.timing.wall_min_ms) +
            ",\"cpu_min_ms\":" + json_number(p.timing.cpu_min_ms) + ",\"repeats\":" + std::to_string(p.timing.repeats) +
            ",\"samples\":" + std::to_string(p.timing.samples) + ",\"threads\":" + std::to_string(p.timing.threads) +
            ",\"model_flops\":" + json_number(p.model_flops) + ",\"model_ms\":" + json_number(p.model_ms) +
            ",\"rel_error\":" + json_number(p.rel_error) + "}";
  }
  json += "],\"fits\":{";
  bool first = true;
  for (const auto& [variant, f] : fits) {
    json += std::string(first ? "" : ",") + json_string(variant) + ":{\"model\":" +
            json_string(attention::variant_model_formula(variant)) + ",\"local_slopes\":" +
            doubles_json(f.local_slopes) + ",\"model_local_slopes\":" + doubles_json(f.model_local_slopes) +
            ",\"all\":" + fit_json(f.all) + ",\"model_all\":" + fit_json(f.model_all) + ",\"upper_half\":" +
            fit_json(f.upper) + ",\"model_upper_half\":" + fit_json(f.model_upper) +
            ",\"upper_half_from_side\":" + std::to_string(f.upper_begin_side) + "}";
    first = false;
  }
  json += "},\"notes\":[";
  for (size_t i = 0; i < result.notes.size(); ++i) json += (i ? "," : "") + json_string(result.notes[i]);
  return json + "]}\n";
}

}  // namespace

int bench_attention(Args& args) {
  attention::ScalingConfig config;
  const std::string sides_text = args.get("sides", "16,24,32,48,64,96,128");
  config.sides = attention::parse_pyramid(sides_text);  // same syntax: increasing positive ints
  config.pyramid = attention::parse_pyramid_family(args.get("pyramid", "geometric:scales=10"));
  config.head_dim = int(args.get_int("head-dim", 8, 1, 4096));
  config.heads = int(args.get_int("heads", 1, 1, 1024));
  config.bound = args.get_double("bound", 0.5, 1e-6, 1e3);
  config.timing.samples = int(args.get_int("samples", 5, 1, 1000));
  config.timing.min_sample_ms = args.get_double("min-sample-ms", 20, 0, 10000);
  config.timing.clock = parse_timing_clock(args.get("clock", "wall"));
  config.quadratic_max_side =
      int(args.get_int("quadratic-max-side", attention::kDefaultQuadraticMaxSide, 1, attention::kMaxScalingSide));
  config.gemm_gflops = args.get_double("gemm-gflops", 0, 0, 1e9);
  config.seed = uint64_t(args.get_int("seed", 1, 0, 1L << 62));
  config.variants = split_list(args.get("variants", "exact,poly:degree=2,performer:features=64,nystrom:landmarks=32"));
  if (config.variants.empty()) throw Error("--variants is empty");
  const std::string json_path = args.get("json", "");
  args.finish();
  attention::validate_scaling_config(config);  // refuse before printing anything

  const MachineInfo machine = machine_info();
  std::printf("%s\n", machine_info_line(machine).c_str());
  std::printf("block-causal attention, d=%d, heads=%d, entries uniform in [-%g, %g]\n", config.head_dim,
              config.heads, config.bound, config.bound);
  std::printf("pyramids: %s\n", attention::describe_pyramid_family(config.pyramid).c_str());
  std::printf("timing: %s\n", describe_timing_protocol(config.timing, machine.threads).c_str());

  // The first warning of each variant, and how many more it raised (one per side, typically).
  std::vector<std::pair<std::string, int>> warnings;
  const auto result = attention::run_scaling_benchmark(
      config,
      [](int done, int total, const std::string& what) {
        std::fprintf(stderr, "\r[%d/%d] %-60s", done, total, what.c_str());
        if (done == total) std::fprintf(stderr, "\n");
        std::fflush(stderr);
      },
      [&](const attention::ScalingPoint& p) {
        for (const auto& w : p.warnings) {
          auto it = warnings.begin();
          while (it != warnings.end() && it->first.rfind(p.variant + ": ", 0) != 0) ++it;
          if (it == warnings.end()) warnings.emplace_back(p.variant + ": " + w, 0);
          else ++it->second;
        }
      });
  std::printf("cost model scaled by this machine's GEMM rate: %.1f GFLOP/s (512³ float32, %s clock); "
              "x model = measured / model time\n\n", result.gemm_gflops, timing_clock_name(config.timing.clock));

  const auto fits = attention::fit_scaling(result.points);
  for (const auto& variant : config.variants) {
    const auto fit = fits.find(variant);
    if (fit != fits.end()) print_variant(variant, fit->second, result.points, config.timing.clock);
  }
  std::printf("slope = d log(time) / d log(n) to the next side (theory: exact 4, low-rank 2 + o(1))\n");
  for (const auto& note : result.notes) std::printf("note: %s\n", note.c_str());
  for (const auto& [w, more] : warnings) {
    std::printf("warning: %s", w.c_str());
    if (more) std::printf(" (and %d more like it)", more);
    std::printf("\n");
  }
  if (!json_path.empty()) {
    io::write_file_atomically(json_path, result_json(machine, config, result, fits));
    std::printf("wrote %s\n", json_path.c_str());
  }
  return 0;
}

}  // namespace vs::cli
