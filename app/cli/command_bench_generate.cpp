// varscope-cli bench generate: times one full VAR generation with CFG (issue 3, "Speed and
// memory"): transformer + sampling per scale, the VAE decode, GFLOP/s from var.md §7's
// FLOP count, and peak RSS. Random weights in the official shapes by default, so the
// number needs no download; --var/--vae time real checkpoints instead. FlowAR models
// (--flowar-size, or a FlowAR checkpoint) go to flowar_bench_generate.cpp.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/flowar_commands.h"
#include "app/cli/json_writer.h"
#include "app/cli/machine_info.h"
#include "app/cli/model_cli_common.h"
#include "app/cli/process_memory.h"
#include "app/cli/var_cli_common.h"
#include "core/error.h"
#include "core/nn/denormals.h"
#include "core/var/sampler.h"
#include "core/var/var_model.h"

namespace vs::cli {
namespace {

// var.md §7: R·[depth·(24C²L + 4CP) + 2CVL + depth·12C²K + 4C²K] + 2·Cvae·C·L·B, R = 2B.
double transformer_flops(const var::VarConfig& c, int64_t batch) {
  const double C = c.width, L = static_cast<double>(c.tokens()), V = c.vocab, K = c.num_scales();
  double P = 0, cum = 0;
  for (int k = 0; k < c.num_scales(); ++k) {
    const double n = static_cast<double>(c.scale_tokens(k));
    cum += n;
    P += n * cum;
  }
  const double R = 2.0 * batch;
  return R * (c.depth * (24 * C * C * L + 4 * C * P) + 2 * C * V * L + c.depth * 12 * C * C * K + 4 * C * C * K) +
         2.0 * c.cvae * C * L * batch;
}

// The official VQ-VAE decoder's convolutions + attention: about 394 GFLOP at 256 px
// (var.md §7), scaling with the pixel count.
double decoder_flops(int image_side) { return 394e9 * (image_side / 256.0) * (image_side / 256.0); }

// `choice` null: random weights of --depth.
int var_bench_generate(Args& args, const ModelChoice* choice) {
  const int depth = static_cast<int>(args.get_int("depth", 16, 1, 36));
  const std::string var_path = choice ? choice->model_path : "";
  const std::string vae_path = choice ? choice->vae_path : "";
  const std::vector<int> patch_nums = patch_nums_flag(args);
  const std::string json_path = args.get("json", "");
  var::SamplingOptions options;
  options.cfg = args.get_double("cfg", 4.0, 0.0, 1e4);
  options.top_k = static_cast<int>(args.get_int("top-k", 900, 0, 1 << 30));
  options.top_p = args.get_double("top-p", 0.95, 0.0, 1.0);
  options.seed = static_cast<uint64_t>(args.get_int("seed", 0, 0, 1L << 62));
  const long label = args.get_int("class", 207, 0, 1L << 30);
  args.finish();
  const bool random = var_path.empty();

  if (random) {
    // Weights + KV cache (2 CFG rows, K and V per block) + ~400 MB of activations and
    // decoder feature maps; refuse before allocating anything.
    const double C = 64.0 * depth, L = 680;
    const double need = var::official_model_bytes(depth) + 2.0 * depth * 2 * L * C * 4 + 400e6;
    const double available = mem_available_bytes();
    if (available > 0 && need > available)
      throw Error("bench generate --depth " + std::to_string(depth) + " needs about " +
                  std::to_string(static_cast<int>(need / 1e6)) + " MB but MemAvailable is " +
                  std::to_string(static_cast<int>(available / 1e6)) + " MB");
  }

  nn::flush_denormals_on_all_threads();
  const MachineInfo machine = machine_info();
  std::printf("%s\n", machine_info_line(machine).c_str());
  auto t0 = std::chrono::steady_clock::now();
  const var::VarModel model =
      random ? var::VarModel::random(depth, 1, patch_nums) : var::VarModel::load(var_path, vae_path, patch_nums);
  const double load_ms = elapsed_ms_since(t0);
  const var::VarConfig& config = model.config();
  std::printf("model: %s; %s in %.0f ms\n", config.describe().c_str(), random ? "random weights built" : "loaded",
              load_ms);
  if (label >= config.num_classes) throw Error("--class " + std::to_string(label) + " is outside the model's classes");

  std::vector<double> scale_ms;
  var::SamplerHooks hooks;
  auto last = std::chrono::steady_clock::now();
  hooks.on_scale = [&](const var::ScaleReport&) {
    scale_ms.push_back(elapsed_ms_since(last));
    last = std::chrono::steady_clock::now();
    return true;
  };
  options.decode_final = false;
  t0 = std::chrono::steady_clock::now();
  last = t0;
  const var::SampleResult result = var::autoregressive_infer_cfg(model.transformer, model.vae, {label}, options, hooks);
  const double transformer_ms = elapsed_ms_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  const Tensor image = model.vae.decode_fhat_01(result.f_hat);
  const double decode_ms = elapsed_ms_since(t1);
  const double total_ms = transformer_ms + decode_ms;
  bool finite = true;
  for (float x : image.data) finite = finite && std::isfinite(x);

  const double t_flops = transformer_flops(config, 1), d_flops = decoder_flops(model.image_side());
  std::printf("\n%-6s %-5s %-7s %12s\n", "scale", "side", "tokens", "ms");
  for (size_t k = 0; k < scale_ms.size(); ++k)
    std::printf("%-6zu %-5d %-7lld %12.1f\n", k, config.patch_nums[k],
                static_cast<long long>(config.scale_tokens(static_cast<int>(k))), scale_ms[k]);
  std::printf("transformer + sampling %10.1f ms  %7.1f GFLOP  %7.1f GFLOP/s\n", transformer_ms, t_flops / 1e9,
              t_flops / transformer_ms / 1e6);
  std::printf("VAE decode (%d px)    %10.1f ms  %7.1f GFLOP  %7.1f GFLOP/s\n", model.image_side(), decode_ms,
              d_flops / 1e9, d_flops / decode_ms / 1e6);
  std::printf("total                  %10.1f ms  %7.1f GFLOP  %7.1f GFLOP/s\n", total_ms, (t_flops + d_flops) / 1e9,
              (t_flops + d_flops) / total_ms / 1e6);
  std::printf("peak RSS %.0f MiB; image finite: %s\n", peak_rss_mib(), finite ? "yes" : "NO");

  if (!json_path.empty()) {
    std::string json = "{\"machine\":" + machine_info_json(machine) + ",\"depth\":" + std::to_string(config.depth) +
                       ",\"width\":" + std::to_string(config.width) + ",\"random_weights\":" +
                       (random ? "true" : "false") + ",\"image_side\":" + std::to_string(model.image_side()) +
                       ",\"cfg\":" + json_number(options.cfg) + ",\"load_ms\":" + json_number(load_ms) +
                       ",\"scale_ms\":[";
    for (size_t k = 0; k < scale_ms.size(); ++k) json += (k ? "," : "") + json_number(scale_ms[k]);
    json += "],\"transformer_ms\":" + json_number(transformer_ms) + ",\"decode_ms\":" + json_number(decode_ms) +
            ",\"total_ms\":" + json_number(total_ms) + ",\"transformer_gflop\":" + json_number(t_flops / 1e9) +
            ",\"decode_gflop\":" + json_number(d_flops / 1e9) + ",\"gflops_per_s\":" +
            json_number((t_flops + d_flops) / total_ms / 1e6) + ",\"peak_rss_mib\":" + json_number(peak_rss_mib()) +
            ",\"image_finite\":" + (finite ? "true" : "false") + "}\n";
    std::ofstream out(json_path);
    out << json;
    if (!out.flush()) throw Error(json_path + ": cannot write");
    std::printf("wrote %s\n", json_path.c_str());
  }
  return 0;
}

}  // namespace

int bench_generate(Args& args) {
  const bool random = args.flag("random-weights");  // the default without a model; accepted for clarity
  const bool named = args.has("model") || args.has("var") || args.has("flowar");
  if (random && named) throw Error("--random-weights and --model / --var / --flowar exclude each other");
  if (args.has("flowar-size")) {
    if (named) throw Error("--flowar-size builds random weights; it excludes --model / --var / --flowar");
    reject_foreign_flags(args, {"depth", "top-k", "top-p", "patch-nums"},
                         ModelChoice{io::ModelKind::kFlowAr, "random FlowAR", "", ""}, "--steps, --cfg, --guidance");
    return flowar_bench_generate(args, nullptr);
  }
  if (!named) {
    if (args.has("vae")) throw Error("--vae goes with --model, --var or --flowar");
    reject_foreign_flags(args, kFlowArOnlyFlags, ModelChoice{io::ModelKind::kVarTransformer, "random VAR", "", ""},
                         "--depth, --cfg, --top-k, --top-p");
    return var_bench_generate(args, nullptr);
  }
  const ModelChoice model = model_flag(args);
  if (model.is_flowar()) {
    reject_foreign_flags(args, {"depth", "top-k", "top-p", "patch-nums"}, model, "--steps, --cfg, --guidance");
    return flowar_bench_generate(args, &model);
  }
  reject_foreign_flags(args, kFlowArOnlyFlags, model, "--cfg, --top-k, --top-p");
  if (args.has("depth")) throw Error("--depth is for random weights; " + model.model_path + " has its own");
  return var_bench_generate(args, &model);
}

}  // namespace vs::cli
