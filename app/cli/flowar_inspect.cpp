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
// The flownet runs its attention at every Euler step; `euler_step` (non-null for the
// flownet) says which step is running, and only `watched_euler_step` is captured.
class PartObserver : public observe::Observer {
 public:
  struct Row {
    int euler_step;  // -1 for the AR
    observe::HeadStats stats;
  };
  PartObserver(const int* euler_step, int watched_euler_step)
      : euler_step_(euler_step), watched_euler_step_(watched_euler_step) {}

  observe::ProbabilityRequest wants_probabilities(const observe::AttentionSite& site) override {
    return watched_now() ? capture.wants_probabilities(site) : observe::ProbabilityRequest{};
  }
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    if (call.site.row == 0)
      for (const observe::HeadStats& s : observe::head_stats(call)) rows.push_back({euler_step_ ? *euler_step_ : -1, s});
    if (watched_now()) capture.on_attention(call, result);
  }

  std::vector<Row> rows;
  observe::AttentionCaptureObserver capture;

 private:
  bool watched_now() const { return !euler_step_ || *euler_step_ == watched_euler_step_; }
  const int* euler_step_;
  int watched_euler_step_;
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

  int running_euler_step = 0;
  PartObserver ar_observer(nullptr, -1), flow_observer(&running_euler_step, euler_step);
  ar_observer.capture.watch(step, static_cast<int>(layer), 0);
  flow_observer.capture.watch(step, static_cast<int>(flow_layer), 0);
  flowar::FlowArSamplerHooks hooks;
  use_attention(hooks, variant.get());
  hooks.ar_context.observer = &ar_observer;
  hooks.flow_context.observer = &flow_observer;
  // on_step follows step i's evaluations with i + 1; after a scale's last step the next
  // evaluation is the next scale's step 0.
  hooks.on_step = [&](int, int done, int total) { running_euler_step = done < total ? done : 0; };
  const flowar::FlowArSampleResult result = flowar::sample_flowar(pair.model, {label}, options, hooks, &pair.vae);
  io::write_png(join_path(out_dir, "image.png"), flowar::images_to_unit_range(result.image));

  const std::string csv_path = join_path(out_dir, "norms.csv");
  std::ofstream csv(csv_path);
  if (!csv) throw Error(csv_path + ": cannot write");
  csv << "part,scale,euler_step,layer,attention,head," << kNormsCsvColumns << '\n';
  for (const PartObserver::Row& r : ar_observer.rows)
    csv << "ar," << r.stats.site.step << ",," << r.stats.site.layer << ",self," << r.stats.head << ','
        << norms_csv_fields(r.stats, config.ar_head_dim(), eps) << '\n';
  for (const PartObserver::Row& r : flow_observer.rows) {
    const bool cross = r.stats.site.layer >= config.flow_depth;
    csv << "flownet," << r.stats.site.step << ',' << r.euler_step << ','
        << r.stats.site.layer - (cross ? config.flow_depth : 0) << ',' << (cross ? "cross," : "self,") << r.stats.head
        << ',' << norms_csv_fields(r.stats, config.flow_head_dim(), eps) << '\n';
  }
  if (!csv.flush()) throw Error(csv_path + ": write failed");

  write_heat_maps(ar_observer.capture.capture(step, static_cast<int>(layer), 0), out_dir,
                  "ar_attn_s" + std::to_string(step) + "_l" + std::to_string(layer), head);
  const bool cross = flow_layer >= config.flow_depth;
  write_heat_maps(flow_observer.capture.capture(step, static_cast<int>(flow_layer), 0), out_dir,
                  "flownet_attn_s" + std::to_string(step) + "_e" + std::to_string(euler_step) + "_l" +
                      std::to_string(cross ? flow_layer - config.flow_depth : flow_layer) + (cross ? "_cross" : ""),
                  head);
  std::printf("%s (%zu ar rows, %zu flownet rows)\n", csv_path.c_str(), ar_observer.rows.size(),
              flow_observer.rows.size());
  return 0;
}

}  // namespace vs::cli
