// varscope-cli bench generate: times one full generation with CFG through the Generator
// (issues 3 and 4, "Speed and memory"), split into its parts as the model reports them
// (observe::Part timings per module: VAR's transformer, FlowAR's AR transformer and
// flownet), the rest of the sampler, and the VAE decode; GFLOP/s where the model's work is
// estimated (VAR: var.md §7), and peak RSS. Random weights in the official shapes by
// default (--depth for VAR, --flowar-size for FlowAR), so the number needs no download; a
// model flag times real checkpoints instead.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "app/cli/machine_info.h"
#include "app/cli/progress_line.h"
#include "app/cli/process_memory.h"
#include "app/cli/random_model_flags.h"
#include "app/cli/sampling_flags.h"
#include "app/cli/stopwatch.h"
#include "core/accel/provenance.h"
#include "core/error.h"
#include "core/generator/accel_target.h"
#include "core/generator/describe.h"
#include "core/generator/generator.h"
#include "core/generator/random_generator.h"
#include "core/io/output_file.h"
#include "core/nn/bf16_kernel.h"

namespace vs::cli {
namespace {

// Per module, the model's own part timings summed per scale; the scale events' wall time;
// the Euler steps per scale (0 for models without a flow).
class BenchObserver : public gen::GenerationObserver {
 public:
  explicit BenchObserver(const gen::ModelInfo& info) : module_ms(info.modules.size()), info_(info) {
    for (std::vector<double>& ms : module_ms) ms.assign(static_cast<size_t>(info.num_scales()), 0.0);
  }
  bool wants_timings() const override { return true; }
  void on_timing(observe::Part, const observe::Site& site, double elapsed_ms) override {
    if (site.scale < 0 || site.scale >= info_.num_scales()) return;  // outside every scale (a class embedding)
    for (size_t m = 0; m < info_.modules.size(); ++m)
      if (info_.modules[m].module == site.module) module_ms[m][static_cast<size_t>(site.scale)] += elapsed_ms;
  }
  bool on_scale(const gen::ScaleEvent& e) override {
    scale_ms.push_back(e.ms);
    progress_line("bench generate", "scale %d/%d (side %d) done in %.0f ms", e.scale + 1, e.num_scales, e.side, e.ms);
    return true;
  }
  void on_step(const gen::StepEvent& e) override { euler_steps = e.steps; }

  std::vector<std::vector<double>> module_ms;  // [module][scale]
  std::vector<double> scale_ms;
  int euler_steps = 0;

 private:
  const gen::ModelInfo& info_;
};

double sum(const std::vector<double>& values) {
  double total = 0;
  for (double x : values) total += x;
  return total;
}

std::string json_array(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + json_number(values[i]);
  return out + "]";
}

// The summary line's name of a module's part.
std::string module_label(observe::Module module, int euler_steps) {
  char text[32];
  switch (module) {
    case observe::Module::kVar:
      return "VAR transformer";
    case observe::Module::kAr:
      return "AR transformer";
    case observe::Module::kFlownet:
      std::snprintf(text, sizeof text, "flownet (%3d steps)", euler_steps);
      return text;
  }
  return observe::module_name(module);
}

}  // namespace

int bench_generate(Args& args) {
  std::string spec_flag;
  const std::string spec = random_spec(args, spec_flag);
  const io::ModelRef ref = spec.empty() ? model_ref_flag(args) : io::ModelRef{};
  const WeightPrecision precision = spec.empty() ? ref.precision : precision_flag(args);
  const std::vector<int> scales = patch_nums_flag(args);
  const std::string json_path = args.get("json", "");
  const uint64_t seed = static_cast<uint64_t>(args.get_int("seed", 0, 0, 1L << 62));
  const long label = args.get_int("class", 207, 0, 1L << 30);

  if (!spec.empty()) check_random_model_memory(spec, "bench generate " + spec_flag);
  const MachineInfo machine = machine_info();
  std::printf("%s\n", machine_info_line(machine).c_str());
  progress_line("bench generate", "%s", spec.empty() ? "loading the model" : ("building random " + spec + " weights").c_str());
  const auto t0 = std::chrono::steady_clock::now();
  const std::unique_ptr<gen::Generator> generator =
      spec.empty() ? gen::open_generator(ref, scales) : gen::open_random_generator(spec, scales, precision);
  const double load_ms = elapsed_ms_since(t0);
  const gen::ModelInfo& info = generator->info();
  gen::SamplingRequest request = generator->default_request();
  read_sampling_options(args, info, request);
  args.finish();
  if (label >= info.num_classes) throw Error("--class " + std::to_string(label) + " is outside the model's classes");
  request.labels = {label};
  request.seed = seed;
  request.decode_final = false;  // the decode is timed on its own below
  std::printf("model: %s; %s in %.0f ms\n", info.description.c_str(),
              spec.empty() ? "loaded" : ("random " + spec + " weights built").c_str(), load_ms);
  std::printf("weights: %s Linear weights %.0f MiB (bfloat16 kernel: %s)\n", precision_name(info.precision),
              double(info.linear_weight_bytes) / (1 << 20), nn::gemm_bf16_kernel_name());
  std::printf("sampling: %s\n", gen::describe_request(request).c_str());
  for (const std::string& line : accel::extrapolations(accel::parse_accel(request.accel), is_flowar(*generator)))
    std::printf("note: %s\n", line.c_str());

  BenchObserver observer(info);
  const auto t1 = std::chrono::steady_clock::now();
  const gen::SampleResult result = generator->sample(request, &observer);
  const double sampling_ms = elapsed_ms_since(t1);
  progress_line("bench generate", "decoding the image");
  const auto t2 = std::chrono::steady_clock::now();
  // The last scale sampled: an acceleration's skip:after=K decodes scale K's code.
  const Tensor image = generator->decode_scale(result.pyramid, int(result.pyramid.size()) - 1);
  const double decode_ms = elapsed_ms_since(t2);
  const double total_ms = sampling_ms + decode_ms;
  bool finite = true;
  for (float x : image.data) finite = finite && std::isfinite(x);

  // The table: per scale, each module's time, the rest of the sampler and the scale's wall time.
  std::printf("\n%-6s %-5s %-7s", "scale", "side", "tokens");
  for (const gen::ModuleInfo& m : info.modules) std::printf(" %12s", (observe::module_name(m.module) + std::string(" ms")).c_str());
  std::printf(" %12s %12s\n", "other ms", "scale ms");
  std::vector<double> other_ms;
  for (size_t k = 0; k < observer.scale_ms.size(); ++k) {
    const int side = info.scales[k];
    std::printf("%-6zu %-5d %-7lld", k, side, static_cast<long long>(side) * side);
    double other = observer.scale_ms[k];
    for (const std::vector<double>& ms : observer.module_ms) {
      std::printf(" %12.1f", ms[k]);
      other -= ms[k];
    }
    other_ms.push_back(other);
    std::printf(" %12.1f %12.1f\n", other, observer.scale_ms[k]);
  }
  double modules_ms = 0;
  for (size_t m = 0; m < info.modules.size(); ++m) {
    modules_ms += sum(observer.module_ms[m]);
    std::printf("%-22s %10.1f ms\n", module_label(info.modules[m].module, observer.euler_steps).c_str(),
                sum(observer.module_ms[m]));
  }
  std::printf("sampler other          %10.1f ms  (token sampling, Euler updates, noise, resampling)\n",
              sampling_ms - modules_ms);
  // GFLOP and GFLOP/s where the model's work is estimated: for the full run only, an
  // acceleration does less work than the estimate counts.
  const bool full_work = request.accel == "none";
  auto rate = [full_work](double flops, double ms) {
    if (flops <= 0 || !full_work) return std::string();
    char text[64];
    std::snprintf(text, sizeof text, "  %7.1f GFLOP  %7.1f GFLOP/s", flops / 1e9, flops / ms / 1e6);
    return std::string(text);
  };
  std::printf("sampling               %10.1f ms%s\n", sampling_ms, rate(info.sample_flops, sampling_ms).c_str());
  std::printf("VAE decode (%d px)    %10.1f ms%s\n", info.image_side, decode_ms,
              rate(info.decode_flops, decode_ms).c_str());
  const double flops =
      full_work && info.sample_flops > 0 && info.decode_flops > 0 ? info.sample_flops + info.decode_flops : 0;
  std::printf("total                  %10.1f ms%s\n", total_ms, rate(flops, total_ms).c_str());
  const double peak_mib = peak_rss_mib();
  std::printf("peak RSS %.0f MiB; image finite: %s\n", peak_mib, finite ? "yes" : "NO");

  if (!json_path.empty()) {
    std::string json = "{\"machine\":" + machine_info_json(machine) + ",\"model\":" + json_string(info.name) +
                       ",\"family\":" + json_string(gen::family_name(info.family)) + ",\"describe\":" +
                       json_string(info.description) + ",\"random_weights\":" + (spec.empty() ? "false" : "true") +
                       ",\"precision\":" + json_string(precision_name(info.precision)) +
                       ",\"linear_weight_mib\":" + json_number(double(info.linear_weight_bytes) / (1 << 20)) +
                       ",\"bf16_kernel\":" + json_string(nn::gemm_bf16_kernel_name()) +
                       ",\"image_side\":" + std::to_string(info.image_side) + ",\"request\":" +
                       request_json(request) + ",\"cfg\":" + json_number(request.cfg) + ",\"steps\":" +
                       std::to_string(observer.euler_steps) + ",\"load_ms\":" + json_number(load_ms) +
                       ",\"scale_ms\":" + json_array(observer.scale_ms);
    for (size_t m = 0; m < info.modules.size(); ++m) {
      const std::string name = observe::module_name(info.modules[m].module);
      json += ",\"" + name + "_scale_ms\":" + json_array(observer.module_ms[m]) + ",\"" + name +
              "_ms\":" + json_number(sum(observer.module_ms[m]));
    }
    json += ",\"sampler_other_scale_ms\":" + json_array(other_ms) + ",\"sampler_other_ms\":" +
            json_number(sampling_ms - modules_ms) + ",\"sampling_ms\":" + json_number(sampling_ms) +
            ",\"decode_ms\":" + json_number(decode_ms) + ",\"total_ms\":" + json_number(total_ms);
    if (flops > 0)
      json += ",\"sampling_gflop\":" + json_number(info.sample_flops / 1e9) + ",\"decode_gflop\":" +
              json_number(info.decode_flops / 1e9) + ",\"gflops_per_s\":" + json_number(flops / total_ms / 1e6);
    json += ",\"peak_rss_mib\":" + json_number(peak_mib) + ",\"image_finite\":" + (finite ? "true" : "false") + "}\n";
    io::write_file_atomically(json_path, json);
    std::printf("wrote %s\n", json_path.c_str());
  }
  return 0;
}

}  // namespace vs::cli
