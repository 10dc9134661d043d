// varscope-cli inspect: generates one image with observers attached and writes what the
// theory asks about every attention call (norms.csv: theory §1.5, §3) and heat maps of the
// chosen attention maps (queries of one step × every key cached so far). VAR here; FlowAR
// checkpoints go to flowar_inspect.cpp.
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/flowar_commands.h"
#include "app/cli/heat_map.h"
#include "app/cli/model_cli_common.h"
#include "app/cli/norms_csv.h"
#include "app/cli/var_cli_common.h"
#include "core/error.h"
#include "core/io/image_io.h"
#include "core/nn/denormals.h"
#include "core/observe/observer.h"
#include "core/var/sampler.h"
#include "core/var/var_model.h"

namespace vs::cli {
namespace {

// Feeds every call to the norm statistics and to the capture of the watched maps.
class InspectObserver : public observe::Observer {
 public:
  observe::NormStatsObserver norms;
  observe::AttentionCaptureObserver capture;
  observe::ProbabilityRequest wants_probabilities(const observe::Site& site) override {
    return capture.wants_probabilities(site);
  }
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    if (call.site.row == 0) norms.on_attention(call, result);  // the image's conditional row
    capture.on_attention(call, result);
  }
};

int var_inspect(Args& args, const ModelChoice& choice) {
  reject_foreign_flags(args, kFlowArOnlyFlags, choice, "--cfg, --top-k, --top-p");
  const std::string& var_path = choice.model_path;
  const std::vector<int> patch_nums = patch_nums_flag(args);
  const long label = args.get_int("class", -2, -1, 1L << 30);
  var::SamplingOptions options;
  options.seed = static_cast<uint64_t>(args.get_int("seed", 0, 0, std::numeric_limits<long>::max()));
  options.cfg = args.get_double("cfg", 4.0, 0.0, 1e4);
  options.top_k = static_cast<int>(args.get_int("top-k", 900, 0, 1 << 30));
  options.top_p = args.get_double("top-p", 0.95, 0.0, 1.0);
  const std::string out_dir = args.require("out-dir");
  const std::unique_ptr<attention::Variant> variant = attention_flag(args);
  const long step_flag = args.get_int("step", -1, -1, 1 << 20);
  const long layer = args.get_int("layer", 0, 0, 1 << 20);
  const long head_flag = args.get_int("head", -1, -1, 1 << 20);
  const double eps = args.get_double("eps", 1e-3, 1e-15, 0.999);
  args.finish();

  if (label == -2) throw Error("missing required flag --class (0..classes-1, or -1 for unconditional)");
  nn::flush_denormals_on_all_threads();
  const var::VarModel model = var::VarModel::load(var_path, choice.vae_path, patch_nums);
  const var::VarConfig& config = model.config();
  if (label >= config.num_classes)
    throw Error("--class " + std::to_string(label) + " is outside [0, " + std::to_string(config.num_classes) +
                ") for " + var_path + " (-1 = unconditional)");
  const int step = step_flag < 0 ? config.num_scales() - 1 : static_cast<int>(step_flag);
  if (step >= config.num_scales())
    throw Error("--step " + std::to_string(step) + " is outside [0, " + std::to_string(config.num_scales()) + ")");
  if (layer >= config.depth)
    throw Error("--layer " + std::to_string(layer) + " is outside [0, " + std::to_string(config.depth) + ")");
  if (head_flag >= config.heads)
    throw Error("--head " + std::to_string(head_flag) + " is outside [0, " + std::to_string(config.heads) + ")");
  ensure_directory(out_dir);

  InspectObserver observer;
  observe::Site watched;
  watched.scale = step, watched.block = static_cast<int>(layer);
  observer.capture.watch(watched);
  var::SamplerHooks hooks;
  hooks.context.attention = variant.get();
  hooks.context.observer = &observer;
  const var::SampleResult result =
      var::autoregressive_infer_cfg(model.transformer, model.vae, {label}, options, hooks);
  io::write_png(join_path(out_dir, "image.png"), result.image01);

  // norms.csv: one row per (step, layer, head) of the conditional row.
  const std::string csv_path = join_path(out_dir, "norms.csv");
  std::ofstream csv(csv_path);
  if (!csv) throw Error(csv_path + ": cannot write");
  csv << "step,layer,head," << kNormsCsvColumns << '\n';
  for (const observe::HeadStats& s : observer.norms.stats())
    csv << s.site.scale << ',' << s.site.block << ',' << s.head << ',' << norms_csv_fields(s, config.head_dim(), eps)
        << '\n';
  if (!csv.flush()) throw Error(csv_path + ": write failed");

  const auto& capture = observer.capture.capture(watched);
  const int64_t H = capture.probs.dim(0), Lq = capture.probs.dim(1), Lk = capture.probs.dim(2);
  for (int64_t h = 0; h < H; ++h) {
    if (head_flag >= 0 && h != head_flag) continue;
    const std::string path = join_path(out_dir, "attn_s" + std::to_string(step) + "_l" + std::to_string(layer) +
                                                    "_h" + std::to_string(h) + ".png");
    write_heat_map(path, capture.probs.ptr() + h * Lq * Lk, Lq, Lk);
    std::printf("%s\n", path.c_str());
  }
  std::printf("%s (%zu rows)\n", csv_path.c_str(), observer.norms.stats().size());
  return 0;
}

}  // namespace

int command_inspect(Args& args) {
  const ModelChoice model = model_flag(args);
  return model.is_flowar() ? flowar_inspect(args, model) : var_inspect(args, model);
}

}  // namespace vs::cli
