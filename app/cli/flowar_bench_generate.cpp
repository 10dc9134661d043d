// varscope-cli bench generate for FlowAR: times one full generation with CFG (issue 4,
// "Speed and memory") split into its parts — the AR transformer, the flownet's velocity
// evaluations, the rest of the sampler (Euler updates, noise, resampling between scales)
// and the KL-16 decode — with peak RSS. Random weights in the official shapes with
// --flowar-size S|L|H (no download), or a real checkpoint pair.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "app/cli/flowar_cli_common.h"
#include "app/cli/flowar_commands.h"
#include "app/cli/json_writer.h"
#include "app/cli/machine_info.h"
#include "app/cli/process_memory.h"
#include "app/cli/var_cli_common.h"
#include "core/error.h"
#include "core/flowar/random_flowar.h"
#include "core/flowar/time_grid.h"
#include "core/observe/observer.h"

namespace vs::cli {
namespace {

// Sums the model's own part timings per scale (the observer's step is the scale).
class PerScaleTimer : public observe::Observer {
 public:
  explicit PerScaleTimer(int num_scales) : ms(static_cast<size_t>(num_scales), 0.0) {}
  bool wants_timings() const override { return true; }
  void on_timing(observe::Part, const observe::Site& site, double elapsed_ms) override {
    if (site.scale >= 0 && site.scale < static_cast<int>(ms.size())) ms[static_cast<size_t>(site.scale)] += elapsed_ms;
  }
  double total() const {
    double sum = 0;
    for (double x : ms) sum += x;
    return sum;
  }
  std::vector<double> ms;
};

std::string json_array(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + json_number(values[i]);
  return out + "]";
}

}  // namespace

int flowar_bench_generate(Args& args, const ModelChoice* model) {
  const std::string size = model ? "" : args.require("flowar-size");
  flowar::FlowArSamplingOptions options = flowar_sampling_flags(args);
  options.seed = static_cast<uint64_t>(args.get_int("seed", 0, 0, 1L << 62));
  const long label = args.get_int("class", 207, 0, 1L << 30);
  const std::string json_path = args.get("json", "");
  args.finish();

  if (!model) {
    // Weights (FlowAR + the VAE, whose loader briefly holds it twice) + ~400 MB of
    // activations and decoder feature maps; refuse before allocating anything.
    const flowar::FlowArConfig config = flowar::official_flowar_config(size);
    const double need = 4.0 * flowar::flowar_parameter_count(config) +
                        2 * 4.0 * flowar::KlVaeConfig{}.parameter_count() + 400e6;
    const double available = mem_available_bytes();
    if (available > 0 && need > available)
      throw Error("bench generate --flowar-size " + size + " needs about " + std::to_string(static_cast<int>(need / 1e6)) +
                  " MB but MemAvailable is " + std::to_string(static_cast<int>(available / 1e6)) + " MB");
  }

  const MachineInfo machine = machine_info();
  std::printf("%s\n", machine_info_line(machine).c_str());
  auto t0 = std::chrono::steady_clock::now();
  // The VAE first: its loader copies the checkpoint, so the peak stays lower this way.
  const flowar::KlVae vae = model ? flowar::KlVae::load(model->vae_path) : flowar::random_kl_vae(2);
  const flowar::FlowArModel flowar_model =
      model ? flowar::FlowArModel::load(model->model_path) : flowar::random_flowar(size, 1);
  const double load_ms = elapsed_ms_since(t0);
  const flowar::FlowArConfig& config = flowar_model.config;
  if (config.latent_channels != vae.config.embed_dim)
    throw Error("models do not match: " + model->model_path + " works on " + std::to_string(config.latent_channels) +
                "-channel tokens but " + model->vae_path + " has a " + std::to_string(vae.config.embed_dim) +
                "-channel latent");
  if (label >= config.num_classes) throw Error("--class " + std::to_string(label) + " is outside the model's classes");
  const int steps = static_cast<int>(flowar::time_grid(options.num_steps).size()) - 1;
  std::printf("model: %s; %s in %.0f ms\n", config.describe().c_str(),
              model ? "loaded" : ("random FlowAR-" + size + " weights built").c_str(), load_ms);
  std::printf("sampling: %d Euler steps per scale, cfg %g, guidance %g\n", steps, options.cfg, options.guidance);

  const int K = config.num_scales();
  PerScaleTimer ar_timer(K), flow_timer(K);
  std::vector<double> scale_ms;
  flowar::FlowArSamplerHooks hooks;
  hooks.ar_context.observer = &ar_timer;
  hooks.flow_context.observer = &flow_timer;
  auto last = std::chrono::steady_clock::now();
  hooks.on_scale = [&](const flowar::FlowArScaleReport&) {
    scale_ms.push_back(elapsed_ms_since(last));
    last = std::chrono::steady_clock::now();
    return true;
  };
  t0 = std::chrono::steady_clock::now();
  last = t0;
  const flowar::FlowArSampleResult result = flowar::sample_flowar(flowar_model, {label}, options, hooks);
  const double sampling_ms = elapsed_ms_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  const Tensor image = vae.decode_tokens(result.latent);
  const double decode_ms = elapsed_ms_since(t1);
  const double total_ms = sampling_ms + decode_ms;
  bool finite = true;
  for (float x : image.data) finite = finite && std::isfinite(x);

  const double ar_ms = ar_timer.total(), flow_ms = flow_timer.total();
  std::vector<double> other_ms;
  std::printf("\n%-6s %-5s %-7s %12s %12s %12s %12s\n", "scale", "side", "tokens", "AR ms", "flownet ms", "other ms",
              "scale ms");
  for (size_t k = 0; k < scale_ms.size(); ++k) {
    other_ms.push_back(scale_ms[k] - ar_timer.ms[k] - flow_timer.ms[k]);
    std::printf("%-6zu %-5d %-7lld %12.1f %12.1f %12.1f %12.1f\n", k, config.scales[k],
                static_cast<long long>(config.scale_tokens(static_cast<int>(k))), ar_timer.ms[k], flow_timer.ms[k],
                other_ms.back(), scale_ms[k]);
  }
  const double peak_mib = peak_rss_mib();
  std::printf("AR transformer         %10.1f ms\n", ar_ms);
  std::printf("flownet (%3d steps)    %10.1f ms\n", steps, flow_ms);
  std::printf("sampler other          %10.1f ms  (Euler updates, noise, resampling)\n", sampling_ms - ar_ms - flow_ms);
  std::printf("sampling               %10.1f ms\n", sampling_ms);
  std::printf("VAE decode (%d px)    %10.1f ms\n", vae.image_side(config.full_side()), decode_ms);
  std::printf("total                  %10.1f ms\n", total_ms);
  std::printf("peak RSS %.0f MiB; image finite: %s\n", peak_mib, finite ? "yes" : "NO");

  if (!json_path.empty()) {
    const std::string json =
        "{\"machine\":" + machine_info_json(machine) + ",\"model\":\"flowar\",\"size\":" +
        json_string(model ? model->model_path : size) + ",\"random_weights\":" + (model ? "false" : "true") +
        ",\"describe\":" + json_string(config.describe()) + ",\"steps\":" + std::to_string(steps) +
        ",\"cfg\":" + json_number(options.cfg) + ",\"guidance\":" + json_number(options.guidance) +
        ",\"image_side\":" + std::to_string(vae.image_side(config.full_side())) + ",\"load_ms\":" +
        json_number(load_ms) + ",\"scale_ms\":" + json_array(scale_ms) + ",\"ar_scale_ms\":" +
        json_array(ar_timer.ms) + ",\"flownet_scale_ms\":" + json_array(flow_timer.ms) + ",\"ar_ms\":" +
        json_number(ar_ms) + ",\"flownet_ms\":" + json_number(flow_ms) + ",\"sampler_other_ms\":" +
        json_number(sampling_ms - ar_ms - flow_ms) + ",\"sampling_ms\":" + json_number(sampling_ms) +
        ",\"decode_ms\":" + json_number(decode_ms) + ",\"total_ms\":" + json_number(total_ms) +
        ",\"peak_rss_mib\":" + json_number(peak_mib) + ",\"image_finite\":" + (finite ? "true" : "false") + "}\n";
    std::ofstream out(json_path);
    out << json;
    if (!out.flush()) throw Error(json_path + ": cannot write");
    std::printf("wrote %s\n", json_path.c_str());
  }
  return 0;
}

}  // namespace vs::cli
