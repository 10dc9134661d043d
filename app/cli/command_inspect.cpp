// varscope-cli inspect: generates one image through the Generator with an observer
// attached and writes what the theory asks about every attention call of the image's
// conditional row (norms.csv: theory §1.5, §3), one format for every model — a row per
// head of each call, named by its Site (module, scale, Euler step, block, self/cross) —
// and heat maps of one watched map per module (queries of one scale × every key it sees).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "app/cli/cli_files.h"
#include "app/cli/commands.h"
#include "app/cli/heat_map.h"
#include "app/cli/norms_csv.h"
#include "app/cli/sampling_flags.h"
#include "core/error.h"
#include "core/generator/accel_target.h"
#include "core/generator/generator.h"
#include "core/io/image_io.h"
#include "core/observe/observer.h"

namespace vs::cli {
namespace {

// The watched map of one module. An Euler step of −1 stands for the last one, known once
// the first step of a scale is reported (every step of a scale precedes its last one).
struct Watch {
  observe::Site site;
  bool last_euler_step = false;
};

// Norm statistics of the conditional row (batch row 0) and the capture of the watched maps.
class InspectObserver : public gen::GenerationObserver {
 public:
  explicit InspectObserver(std::vector<Watch> watches) : watches_(std::move(watches)) {}

  observe::ProbabilityRequest wants_probabilities(const observe::Site& site) override {
    for (Watch& w : watches_)
      if (w.last_euler_step && site.module == w.site.module && euler_steps_ > 0) {
        w.site.euler_step = euler_steps_ - 1;
        w.last_euler_step = false;
        capture.watch(w.site);
      }
    return capture.wants_probabilities(site);
  }
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    if (call.site.row == 0)
      for (const observe::HeadStats& s : observe::head_stats(call)) rows.push_back(s);
    capture.on_attention(call, result);
  }
  void on_step(const gen::StepEvent& e) override { euler_steps_ = e.steps; }

  // The watched sites as sampled (the last Euler step resolved).
  const std::vector<Watch>& watches() const { return watches_; }
  int euler_steps() const { return euler_steps_; }

  std::vector<observe::HeadStats> rows;
  observe::AttentionCaptureObserver capture;

 private:
  std::vector<Watch> watches_;
  int euler_steps_ = 0;
};

void check_range(const char* flag, long value, long end) {
  if (value >= end)
    throw Error(std::string("--") + flag + " " + std::to_string(value) + " is outside [0, " + std::to_string(end) + ")");
}

std::string module_list(const gen::ModelInfo& info) {
  std::string names;
  for (const gen::ModuleInfo& m : info.modules) names += (names.empty() ? "" : ", ") + std::string(module_name(m.module));
  return names;
}

// <module>_attn_s<scale>[_e<euler step>]_l<block>[_cross]: the name of a watched map.
std::string heat_map_stem(const observe::Site& site) {
  std::string stem = std::string(module_name(site.module)) + "_attn_s" + std::to_string(site.scale);
  if (site.euler_step >= 0) stem += "_e" + std::to_string(site.euler_step);
  stem += "_l" + std::to_string(site.block);
  if (site.kind == observe::AttentionKind::kCross) stem += "_cross";
  return stem;
}

}  // namespace

int command_inspect(Args& args) {
  const io::ModelRef ref = model_ref_flag(args);
  const std::vector<int> scales = patch_nums_flag(args);
  const std::string out_dir = args.require("out-dir");
  const long step_flag = args.get_int("step", -1, -1, 1 << 20);
  const long layer = args.get_int("layer", 0, 0, 1 << 20);
  const long head = args.get_int("head", -1, -1, 1 << 20);
  const double eps = args.get_double("eps", 1e-3, 1e-15, 0.999);

  const std::unique_ptr<gen::Generator> generator = gen::open_generator(ref, scales);
  const gen::ModelInfo& info = generator->info();
  const gen::SamplingRequest request = sampling_flags(args, *generator);
  const auto flownet = std::find_if(info.modules.begin(), info.modules.end(),
                                    [](const gen::ModuleInfo& m) { return m.module == observe::Module::kFlownet; });
  long flow_layer = 0, euler_step = -1;
  if (flownet != info.modules.end()) {
    flow_layer = args.get_int("flow-layer", 0, 0, 1 << 20);
    euler_step = args.get_int("euler-step", -1, -1, 1 << 20);
  } else {
    for (const char* flag : {"flow-layer", "euler-step"})
      if (args.has(flag))
        throw Error(std::string("--") + flag + " is a flownet option, but " + info.model_path + " has no flownet (its " +
                    "attention: " + module_list(info) + ")");
  }
  args.finish();

  // The last scale sampled: an acceleration may stop early (skip:after=K).
  const int last_scale = gen::accel_plan(info, request).last_scale;
  const int step = step_flag < 0 ? last_scale : static_cast<int>(step_flag);
  check_range("step", step, info.num_scales());
  if (step > last_scale)
    throw Error("--step " + std::to_string(step) + " is after scale " + std::to_string(last_scale) + ", the last one --accel " +
                request.accel + " samples");
  const gen::ModuleInfo& first = info.modules.front();
  check_range("layer", layer, first.blocks);
  int min_heads = first.heads;
  for (const gen::ModuleInfo& m : info.modules) min_heads = std::min(min_heads, m.heads);
  check_range("head", head, min_heads);

  // One watched map per module: the first module's --layer, the flownet's --flow-layer at
  // --euler-step. Flownet block i's self-attention is layer i, its cross-attention (when
  // the blocks have one) layer blocks + i.
  std::vector<Watch> watches;
  Watch first_map;
  first_map.site.module = first.module, first_map.site.scale = step, first_map.site.block = static_cast<int>(layer);
  watches.push_back(first_map);
  if (flownet != info.modules.end()) {
    check_range("flow-layer", flow_layer, (flownet->cross ? 2 : 1) * flownet->blocks);
    const bool cross = flow_layer >= flownet->blocks;
    Watch flow;
    flow.site.module = observe::Module::kFlownet, flow.site.scale = step;
    flow.site.kind = cross ? observe::AttentionKind::kCross : observe::AttentionKind::kSelf;
    flow.site.block = static_cast<int>(cross ? flow_layer - flownet->blocks : flow_layer);
    flow.site.euler_step = static_cast<int>(euler_step);
    flow.last_euler_step = euler_step < 0;
    watches.push_back(flow);
  }
  ensure_directory(out_dir);
  std::printf("model: %s (%s), %s Linear weights %.1f MiB\n", info.name.c_str(), gen::family_name(info.family),
              precision_name(info.precision), double(info.linear_weight_bytes) / (1 << 20));

  InspectObserver observer(watches);
  for (const Watch& w : watches)
    if (!w.last_euler_step) observer.capture.watch(w.site);
  const gen::SampleResult result = generator->sample(request, &observer);
  if (euler_step >= 0) check_range("euler-step", euler_step, observer.euler_steps());
  io::write_png(join_path(out_dir, "image.png"), result.image01);

  const std::string csv_path = join_path(out_dir, "norms.csv");
  std::ofstream csv(csv_path);
  if (!csv) throw Error(csv_path + ": cannot write");
  csv << "module,scale,euler_step,block,attention,head," << kNormsCsvColumns << '\n';
  std::vector<size_t> rows_per_module(info.modules.size(), 0);
  for (const observe::HeadStats& s : observer.rows) {
    int head_dim = 0;
    for (size_t m = 0; m < info.modules.size(); ++m)
      if (info.modules[m].module == s.site.module) head_dim = info.modules[m].head_dim, ++rows_per_module[m];
    csv << module_name(s.site.module) << ',' << s.site.scale << ','
        << (s.site.euler_step >= 0 ? std::to_string(s.site.euler_step) : std::string()) << ',' << s.site.block << ','
        << observe::attention_kind_name(s.site.kind) << ',' << s.head << ',' << norms_csv_fields(s, head_dim, eps)
        << '\n';
  }
  if (!csv.flush()) throw Error(csv_path + ": write failed");

  for (const Watch& w : observer.watches()) {
    const auto& capture = observer.capture.capture(w.site);
    const int64_t H = capture.probs.dim(0), Lq = capture.probs.dim(1), Lk = capture.probs.dim(2);
    for (int64_t h = 0; h < H; ++h) {
      if (head >= 0 && h != head) continue;
      const std::string path = join_path(out_dir, heat_map_stem(w.site) + "_h" + std::to_string(h) + ".png");
      write_heat_map(path, capture.probs.ptr() + h * Lq * Lk, Lq, Lk);
      std::printf("%s\n", path.c_str());
    }
  }
  std::string counts;
  for (size_t m = 0; m < info.modules.size(); ++m)
    counts += (m ? ", " : "") + std::to_string(rows_per_module[m]) + " " + module_name(info.modules[m].module) + " rows";
  std::printf("%s (%s)\n", csv_path.c_str(), counts.c_str());
  return 0;
}

}  // namespace vs::cli
