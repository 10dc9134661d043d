// varscope-cli inspect for FlowAR checkpoints: one image generated with observers on
// both attention users. norms.csv holds a row per head of every attention call of the
// image's conditional row, the AR transformer's (part "ar", once per scale) and the
// flownet's (part "flownet", once per scale and Euler step, self- and, in Block_v2,
// cross-attention); heat maps show the chosen AR map and the chosen flownet map.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>

#include "app/cli/flowar_cli_common.h"
#include "app/cli/flowar_commands.h"
#include "app/cli/heat_map.h"
#include "app/cli/norms_csv.h"
#include "app/cli/var_cli_common.h"
#include "core/error.h"
#include "core/flowar/time_grid.h"
#include "core/io/image_io.h"
#include "core/observe/observer.h"

namespace vs::cli {
namespace {

// Norm statistics of the conditional row (batch row 0) and the capture of watched maps.
class PartObserver : public observe::Observer {
 public:
  observe::ProbabilityRequest wants_probabilities(const observe::Site& site) override {
    return capture.wants_probabilities(site);
  }
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    if (call.site.row == 0)
      for (const observe::HeadStats& s : observe::head_stats(call)) rows.push_back(s);
    capture.on_attention(call, result);
  }

  std::vector<observe::HeadStats> rows;
  observe::AttentionCaptureObserver capture;
};

void write_heat_maps(const observe::AttentionCaptureObserver::Capture& capture, const std::string& out_dir,
                     const std::string& stem, long head) {
  const int64_t H = capture.probs.dim(0), Lq = capture.probs.dim(1), Lk = capture.probs.dim(2);
  for (int64_t h = 0; h < H; ++h) {
    if (head >= 0 && h != head) continue;
    const std::string path = join_path(out_dir, stem + "_h" + std::to_string(h) + ".png");
    write_heat_map(path, capture.probs.ptr() + h * Lq * Lk, Lq, Lk);
    std::printf("%s\n", path.c_str());
  }
}

void check_range(const char* flag, long value, long end) {
  if (value >= end)
    throw Error(std::string("--") + flag + " " + std::to_string(value) + " is outside [0, " + std::to_string(end) + ")");
}

}  // namespace

int flowar_inspect(Args& args, const ModelChoice& choice) {
  reject_foreign_flags(args, kVarOnlyFlags, choice, std::string(kFlowArOptionsHint) + ", --euler-step, --flow-layer");
  const long label = args.get_int("class", -2, -1, 1L << 30);
  flowar::FlowArSamplingOptions options = flowar_sampling_flags(args);
  options.seed = static_cast<uint64_t>(args.get_int("seed", 0, 0, std::numeric_limits<long>::max()));
  const std::string out_dir = args.require("out-dir");
  const std::unique_ptr<attention::Variant> variant = attention_flag(args);
  const long step_flag = args.get_int("step", -1, -1, 1 << 20);
  const long layer = args.get_int("layer", 0, 0, 1 << 20);
  const long flow_layer = args.get_int("flow-layer", 0, 0, 1 << 20);
  const long euler_flag = args.get_int("euler-step", -1, -1, 1 << 20);
  const long head = args.get_int("head", -1, -1, 1 << 20);
  const double eps = args.get_double("eps", 1e-3, 1e-15, 0.999);
  args.finish();

  if (label == -2) throw Error("missing required flag --class (0..classes-1, or -1 for unconditional)");
  const FlowArPair pair = load_flowar_pair(choice);
  const flowar::FlowArConfig& config = pair.model.config;
  if (label >= config.num_classes)
    throw Error("--class " + std::to_string(label) + " is outside [0, " + std::to_string(config.num_classes) +
                ") for " + choice.model_path + " (-1 = unconditional)");
  const int step = step_flag < 0 ? config.num_scales() - 1 : static_cast<int>(step_flag);
  check_range("step", step, config.num_scales());
  check_range("layer", layer, config.encoder_depth + config.decoder_depth);
  // Flownet sites: block i's self-attention is layer i, its cross-attention (Block_v2)
  // layer depth + i, as the flownet reports them.
  const bool has_cross = config.flow_block == flowar::FlownetBlock::kV2;
  check_range("flow-layer", flow_layer, (has_cross ? 2 : 1) * config.flow_depth);
  const int steps = static_cast<int>(flowar::time_grid(options.num_steps).size()) - 1;
  const int euler_step = euler_flag < 0 ? steps - 1 : static_cast<int>(euler_flag);
  check_range("euler-step", euler_step, steps);
  check_range("head", head, std::min(config.ar_heads, config.flow_heads));
  ensure_directory(out_dir);

  PartObserver ar_observer, flow_observer;
  observe::Site ar_site, flow_site;
  ar_site.module = observe::Module::kAr, ar_site.scale = step, ar_site.block = static_cast<int>(layer);
  const bool cross = flow_layer >= config.flow_depth;
  flow_site.module = observe::Module::kFlownet, flow_site.scale = step, flow_site.euler_step = euler_step;
  flow_site.kind = cross ? observe::AttentionKind::kCross : observe::AttentionKind::kSelf;
  flow_site.block = static_cast<int>(cross ? flow_layer - config.flow_depth : flow_layer);
  ar_observer.capture.watch(ar_site);
  flow_observer.capture.watch(flow_site);
  flowar::FlowArSamplerHooks hooks;
  use_attention(hooks, variant.get());
  hooks.ar_context.observer = &ar_observer;
  hooks.flow_context.observer = &flow_observer;
  const flowar::FlowArSampleResult result = flowar::sample_flowar(pair.model, {label}, options, hooks, &pair.vae);
  io::write_png(join_path(out_dir, "image.png"), flowar::images_to_unit_range(result.image));

  const std::string csv_path = join_path(out_dir, "norms.csv");
  std::ofstream csv(csv_path);
  if (!csv) throw Error(csv_path + ": cannot write");
  csv << "part,scale,euler_step,layer,attention,head," << kNormsCsvColumns << '\n';
  for (const observe::HeadStats& s : ar_observer.rows)
    csv << "ar," << s.site.scale << ",," << s.site.block << ",self," << s.head << ','
        << norms_csv_fields(s, config.ar_head_dim(), eps) << '\n';
  for (const observe::HeadStats& s : flow_observer.rows)
    csv << "flownet," << s.site.scale << ',' << s.site.euler_step << ',' << s.site.block << ','
        << observe::attention_kind_name(s.site.kind) << ',' << s.head << ','
        << norms_csv_fields(s, config.flow_head_dim(), eps) << '\n';
  if (!csv.flush()) throw Error(csv_path + ": write failed");

  write_heat_maps(ar_observer.capture.capture(ar_site), out_dir,
                  "ar_attn_s" + std::to_string(step) + "_l" + std::to_string(layer), head);
  write_heat_maps(flow_observer.capture.capture(flow_site), out_dir,
                  "flownet_attn_s" + std::to_string(step) + "_e" + std::to_string(euler_step) + "_l" +
                      std::to_string(cross ? flow_layer - config.flow_depth : flow_layer) + (cross ? "_cross" : ""),
                  head);
  std::printf("%s (%zu ar rows, %zu flownet rows)\n", csv_path.c_str(), ar_observer.rows.size(),
              flow_observer.rows.size());
  return 0;
}

}  // namespace vs::cli
