// varscope-cli inspect: generates one image with observers attached and writes what the
// theory asks about every attention call (norms.csv: theory §1.5, §3) and heat maps of the
// chosen attention maps (queries of one step × every key cached so far).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/var_cli_common.h"
#include "core/error.h"
#include "core/io/image_io.h"
#include "core/observe/observer.h"
#include "core/theory/threshold.h"
#include "core/var/denormals.h"
#include "core/var/sampler.h"
#include "core/var/var_model.h"

namespace vs::cli {
namespace {

// Feeds every call to the norm statistics and to the capture of the watched maps.
class InspectObserver : public observe::Observer {
 public:
  observe::NormStatsObserver norms;
  observe::AttentionCaptureObserver capture;
  observe::ProbabilityRequest wants_probabilities(const observe::AttentionSite& site) override {
    return capture.wants_probabilities(site);
  }
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    if (call.site.row == 0) norms.on_attention(call, result);  // the image's conditional row
    capture.on_attention(call, result);
  }
};

// Our colormap: piecewise-linear through five colours sampled from matplotlib's viridis
// (dark purple → blue → teal → green → yellow), perceptually ordered and readable in grey.
void colormap(float t, uint8_t rgb[3]) {
  static const float anchors[5][3] = {
      {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  t = std::isnan(t) ? 0.0f : std::clamp(t, 0.0f, 1.0f) * 4.0f;
  const int i = std::min(3, static_cast<int>(t));
  const float f = t - i;
  for (int c = 0; c < 3; ++c)
    rgb[c] = static_cast<uint8_t>(std::lround(anchors[i][c] + f * (anchors[i + 1][c] - anchors[i][c])));
}

// One head's (Lq, Lk) probabilities as a PNG, log-scaled over four decades below the map's
// maximum (attention is heavy-tailed; a linear scale shows a few pixels), each cell
// enlarged to at least ~256 px for the longer side.
void write_heat_map(const std::string& path, const float* probs, int64_t rows, int64_t cols) {
  float max_p = 0;
  for (int64_t i = 0; i < rows * cols; ++i) max_p = std::max(max_p, probs[i]);
  const double top = std::log10(std::max(max_p, 1e-30f)), span = 4.0;
  const int64_t cell = std::max<int64_t>(1, std::min<int64_t>(256 / std::max(rows, cols), 32));
  const int width = static_cast<int>(cols * cell), height = static_cast<int>(rows * cell);
  std::vector<uint8_t> rgb(static_cast<size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const float p = probs[(y / cell) * cols + x / cell];
      const float t = p > 0 ? static_cast<float>((std::log10(p) - (top - span)) / span) : 0.0f;
      colormap(t, &rgb[(static_cast<size_t>(y) * width + x) * 3]);
    }
  io::write_png_rgb8(path, width, height, rgb);
}

std::string number(double x) {
  if (std::isnan(x)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

}  // namespace

int command_inspect(Args& args) {
  const std::string var_path = args.require("var");
  const std::string vae_path = args.require("vae");
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
  var::flush_denormals_on_all_threads();
  const var::VarModel model = var::VarModel::load(var_path, vae_path, patch_nums);
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
  observer.capture.watch(step, static_cast<int>(layer), 0);
  var::SamplerHooks hooks;
  hooks.context.attention = variant.get();
  hooks.context.observer = &observer;
  const var::SampleResult result =
      var::autoregressive_infer_cfg(model.transformer, model.vae, {label}, options, hooks);
  io::write_png(join_path(out_dir, "image.png"), result.image01);

  // norms.csv: one row per (step, layer, head) of the conditional row. degree_for_eps and
  // rank are the Chebyshev basis's least degree reaching relative error eps on exp over
  // [−β, β] and its feature rank C(d+g, g) (theory §2.8); empty where undefined (one key,
  // β beyond the tabulated range, or no degree ≤ kMaxReportDegree).
  const std::string csv_path = join_path(out_dir, "norms.csv");
  std::ofstream csv(csv_path);
  if (!csv) throw Error(csv_path + ": cannot write");
  csv << "step,layer,head,tokens,max_abs_q,max_abs_k,beta,b_eff,threshold,ratio,zone,degree_for_eps,rank\n";
  for (const observe::HeadStats& s : observer.norms.stats()) {
    std::string degree, rank;
    if (s.keys >= 2) {
      try {
        const theory::ThresholdReport r = theory::threshold_report(s.keys, config.head_dim(), s.norms.beta, eps);
        if (r.chebyshev.degree >= 0) {
          degree = std::to_string(r.chebyshev.degree);
          rank = std::to_string(r.chebyshev.rank_saturating);
        }
      } catch (const Error&) {
      }
    }
    csv << s.site.step << ',' << s.site.layer << ',' << s.head << ',' << s.keys << ','
        << number(s.norms.max_abs_q) << ',' << number(s.norms.max_abs_k) << ',' << number(s.norms.beta) << ','
        << number(s.norms.b_eff) << ',' << number(s.norms.threshold) << ',' << number(s.norms.ratio) << ','
        << theory::zone_name(s.norms.zone) << ',' << degree << ',' << rank << '\n';
  }
  if (!csv.flush()) throw Error(csv_path + ": write failed");

  const auto& capture = observer.capture.capture(step, static_cast<int>(layer), 0);
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

}  // namespace vs::cli
