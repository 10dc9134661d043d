// varscope-cli bench attention | gemm: timings printed as a table, optionally as JSON.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "app/cli/machine_info.h"
#include "app/cli/progress_line.h"
#include "core/attention/attention_rate.h"
#include "core/attention/gemm_rate.h"
#include "core/attention/pyramid.h"
#include "core/attention/scaling_benchmark.h"
#include "core/error.h"
#include "core/io/output_file.h"
#include "core/nn/gemm.h"
#include "core/nn/gemm_rate.h"

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

int bench_attention(Args& args) {
  attention::ScalingConfig config;
  const std::string sides_text = args.get("sides", "8,16,24,32,48,64");
  config.sides = attention::parse_pyramid(sides_text);  // same syntax: increasing positive ints
  config.head_dim = int(args.get_int("head-dim", 8, 1, 4096));
  config.heads = int(args.get_int("heads", 1, 1, 1024));
  config.bound = args.get_double("bound", 0.5, 1e-6, 1e3);
  config.repeats = int(args.get_int("repeats", 5, 1, 1000));
  config.seed = uint64_t(args.get_int("seed", 1, 0, 1L << 62));
  const std::string variants = args.get("variants", "exact,poly:degree=2,performer:features=64,nystrom:landmarks=32");
  config.variants = split_list(variants);
  if (config.variants.empty()) throw Error("--variants is empty");
  const std::string json_path = args.get("json", "");
  args.finish();

  const MachineInfo machine = machine_info();
  std::printf("%s\n", machine_info_line(machine).c_str());
  std::printf("block-causal attention, VAR pyramids, d=%d, heads=%d, entries uniform in [-%g, %g], median of %d\n\n",
              config.head_dim, config.heads, config.bound, config.bound, config.repeats);

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

  std::printf("%-6s %-7s", "n", "L");
  for (const auto& v : config.variants) std::printf(" | %28s", v.c_str());
  std::printf("\n%-6s %-7s", "", "");
  for (size_t i = 0; i < config.variants.size(); ++i) std::printf(" | %13s %14s", "median ms", "rel error");
  std::printf("\n");
  for (int side : config.sides) {
    const attention::ScalingPoint* first = nullptr;
    for (const auto& p : result.points) if (p.side == side) { first = &p; break; }
    if (!first) continue;
    std::printf("%-6d %-7lld", side, static_cast<long long>(first->tokens));
    for (const auto& p : result.points)
      if (p.side == side) {
        if (std::isnan(p.rel_error)) std::printf(" | %13.3f %14s", p.median_ms, "-");
        else std::printf(" | %13.3f %14.3e", p.median_ms, p.rel_error);
      }
    std::printf("\n");
  }
  std::printf("\nfitted slope of log(time) against log(n) (theory: exact 4, low-rank 2 + o(1)):\n");
  for (const auto& v : config.variants) std::printf("  %-30s %.3f\n", v.c_str(), result.slopes.at(v));
  for (const auto& [w, more] : warnings) {
    std::printf("warning: %s", w.c_str());
    if (more) std::printf(" (and %d more like it)", more);
    std::printf("\n");
  }

  if (!json_path.empty()) {
    std::string json = "{\"machine\":" + machine_info_json(machine) + ",\"config\":{\"head_dim\":" +
                       std::to_string(config.head_dim) + ",\"heads\":" + std::to_string(config.heads) +
                       ",\"bound\":" + json_number(config.bound) + ",\"repeats\":" +
                       std::to_string(config.repeats) + ",\"seed\":" + std::to_string(config.seed) +
                       ",\"structure\":\"block-causal\"},\"results\":[";
    for (size_t i = 0; i < result.points.size(); ++i) {
      const auto& p = result.points[i];
      json += std::string(i ? "," : "") + "{\"variant\":" + json_string(p.variant) +
              ",\"side\":" + std::to_string(p.side) + ",\"tokens\":" + std::to_string(p.tokens) +
              ",\"median_ms\":" + json_number(p.median_ms) + ",\"rel_error\":" + json_number(p.rel_error) + "}";
    }
    json += "],\"slopes\":{";
    bool first = true;
    for (const auto& v : config.variants) {
      json += std::string(first ? "" : ",") + json_string(v) + ":" + json_number(result.slopes.at(v));
      first = false;
    }
    json += "}}\n";
    io::write_file_atomically(json_path, json);
    std::printf("wrote %s\n", json_path.c_str());
  }
  return 0;
}

int bench_gemm(Args& args) {
  const int size = int(args.get_int("size", 1024, 16, 8192));
  const int tokens = int(args.get_int("tokens", 4096, 16, 65536));
  const int head_dim = int(args.get_int("head-dim", 64, 1, 1024));
  const std::string json_path = args.get("json", "");
  args.finish();
  const MachineInfo machine = machine_info();
  std::printf("%s\n", machine_info_line(machine).c_str());
  progress_line("bench gemm", "timing Eigen's %dx%dx%d product, 5 repeats", size, size, size);
  const double gemm = attention::measure_gemm_gflops(size, 5);
  std::printf("float32 GEMM %dx%dx%d (Eigen): %.1f GFLOP/s\n", size, size, size, gemm);
  // The models' own product: activations times a weight packed at load.
  progress_line("bench gemm", "timing the model GEMM (%s kernel), 5 repeats at two shapes", nn::gemm_kernel_name());
  const double model_square = nn::measure_packed_gemm_gflops(size, size, size, 5);
  const double model_flowar = nn::measure_packed_gemm_gflops(512, 6144, 1024, 5);
  std::printf("model GEMM, %s kernel, packed weight %dx%dx%d: %.1f GFLOP/s; 512x6144x1024 (FlowAR-S ada_lin): %.1f GFLOP/s\n",
              nn::gemm_kernel_name(), size, size, size, model_square, model_flowar);
  const int heads = 2;
  progress_line("bench gemm", "timing exact attention L=%d d=%d H=%d, 3 repeats", tokens, head_dim, heads);
  const double attn = attention::measure_exact_attention_gflops(tokens, head_dim, 3, heads);
  std::printf("exact attention L=%d d=%d H=%d (plain, 4·L²·d flops per head): %.1f GFLOP/s = %.0f%% of GEMM\n",
              tokens, head_dim, heads, attn, 100.0 * attn / gemm);
  if (!json_path.empty())
    io::write_file_atomically(json_path, "{\"machine\":" + machine_info_json(machine) + ",\"gemm_gflops\":" +
                                   json_number(gemm) + ",\"model_gemm_kernel\":\"" + nn::gemm_kernel_name() +
                                   "\",\"model_gemm_gflops\":" + json_number(model_square) +
                                   ",\"model_gemm_flowar_ada_gflops\":" + json_number(model_flowar) + ",\"attention_gflops\":" + json_number(attn) +
                                   ",\"tokens\":" + std::to_string(tokens) + ",\"head_dim\":" +
                                   std::to_string(head_dim) + "}\n");
  return 0;
}

}  // namespace

int command_bench(Args& args) {
  const std::string what = args.positional(0);
  if (what == "attention") return bench_attention(args);
  if (what == "gemm") return bench_gemm(args);
  if (what == "generate") return bench_generate(args);
  throw Error("bench: expected 'attention', 'gemm' or 'generate', got '" + what + "'");
}

}  // namespace vs::cli
