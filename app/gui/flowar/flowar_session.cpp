#include "app/gui/flowar/flowar_session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/attention/attention.h"
#include "core/error.h"
#include "core/io/class_names.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/time_grid.h"
#include "core/io/checkpoint.h"
#include "core/io/image_io.h"

namespace vs::gui {

namespace {

bool file_exists(const std::string& path) {
  if (FILE* f = std::fopen(path.c_str(), "rb")) return std::fclose(f), true;
  return false;
}

// "<stem>-vae<ext>" beside the model: the shipped pairs are named that way.
std::string sibling_vae_path(const std::string& path) {
  const size_t dot = path.rfind('.'), slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return path + "-vae";
  return path.substr(0, dot) + "-vae" + path.substr(dot);
}

// Keeps the head norms of the conditional row's calls (row 0); the flownet's calls are
// tagged with the Euler step the sampler is on.
class NormRecorder : public observe::Observer {
 public:
  // AR only: every layer's probabilities of row 0, within kArCaptureBytes per scale.
  observe::ProbabilityRequest wants_probabilities(const observe::Site& site) override {
    return {capture_probs && site.row == 0, 0, -1};
  }
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    if (call.site.row != 0) return;
    if (capture_probs && result.probs.numel() > 0) {
      heads = int(result.probs.dim(0)), keys = result.probs.dim(2);
      probs.push_back(result.probs.data);
    }
    for (observe::HeadStats& s : observe::head_stats(call)) {
      stats.push_back(std::move(s));
      euler_steps.push_back(call.site.euler_step >= 0 ? call.site.euler_step + 1 : -1);
    }
  }
  std::vector<observe::HeadStats> stats;
  std::vector<int> euler_steps;  // 1-based Euler step of each stat; -1 for AR calls
  bool capture_probs = false;
  int heads = 0;
  int64_t keys = 0;
  std::vector<std::vector<float>> probs;  // per call (= per layer for the AR)
};


}  // namespace


gen::SamplingRequest sampling_request(const FlowArParams& params) {
  gen::SamplingRequest request = flowar::default_flowar_request();
  request.labels = {int64_t(params.class_id)};
  request.seed = params.seed;
  request.cfg = params.cfg;
  request.attention = params.variant;
  request.extra = gen::FlowArExtra{params.steps, params.guidance};
  return request;
}

bool FlowArSession::run_complete() const {
  return !frames_.empty() && frames_.back().scale + 1 == frames_.back().num_scales && !generating();
}

FlowArSession::FlowArSession(std::function<void()> wake) : load_job_(wake), gen_job_(wake), replay_job_(wake) {}

void FlowArSession::open(const std::string& model_path, const std::string& vae_path) {
  gen_job_.stop();
  replay_job_.stop();
  replay_pending_ = false;
  flownet_maps_.clear();
  model_path_ = model_path;
  vae_path_ = vae_path.empty() ? sibling_vae_path(model_path) : vae_path;
  load_error_.clear();
  load_pending_ = true;
  loaded_ = {};
  frames_.clear();
  ++generation_serial_;
  const std::string model = model_path_, vae = vae_path_;
  load_job_.start([model, vae](BackgroundJob<LoadedFlowAr>::Context& context) {
    if (!file_exists(model)) throw Error("FlowAR checkpoint not found: " + model);
    if (!file_exists(vae)) throw Error("KL VAE checkpoint not found: " + vae + " (give it with --vae or Open model…)");
    io::Checkpoint checkpoint = io::load_checkpoint(model);
    LoadedFlowAr loaded;
    const auto names = checkpoint.metadata.find("class_names");
    if (names != checkpoint.metadata.end()) loaded.class_names = io::parse_class_names(names->second);
    loaded.model = std::make_shared<flowar::FlowArModel>(flowar::FlowArModel::from_checkpoint(std::move(checkpoint)));
    loaded.vae = std::make_shared<flowar::KlVae>(flowar::KlVae::load(vae));
    gen::ModelInfo info;
    info.model_path = model, info.vae_path = vae, info.class_names = loaded.class_names;
    loaded.generator = flowar::make_flowar_generator(loaded.model, loaded.vae, info);
    context.publish(std::move(loaded));
  });
}

std::string FlowArSession::class_label(int class_id) const {
  if (class_id >= 0 && class_id < int(loaded_.class_names.size()))
    return std::to_string(class_id) + " · " + loaded_.class_names[class_id];
  return std::to_string(class_id);
}

bool FlowArSession::busy() const {
  return loading() || gen_job_.running() || gen_was_running_ || generate_pending_ || capturing_flownet();
}

void FlowArSession::update() {
  if (load_pending_) {
    for (LoadedFlowAr& loaded : load_job_.take()) {
      loaded_ = std::move(loaded);
      frames_.clear();
      ++generation_serial_;
    }
    if (!load_job_.running()) {
      load_pending_ = false;
      load_error_ = load_job_.error();
      if (!load_error_.empty()) generate_pending_ = false;
    }
  }
  const bool finished = gen_was_running_ && !gen_job_.running();  // before take(): nothing left behind
  for (FlowArFrame& frame : gen_job_.take()) frames_.push_back(std::move(frame));
  if (finished) {
    gen_was_running_ = false;
    gen_error_ = gen_job_.error();
    gen_cancelled_ = gen_error_.empty() && (frames_.empty() || frames_.back().scale + 1 < frames_.back().num_scales);
  }
  if (!loading() && generate_pending_ && model() && !gen_job_.running()) start_generation();
  update_replay();
}

void FlowArSession::generate(const FlowArParams& params) {
  pending_ = params;
  generate_pending_ = true;
  gen_job_.cancel();  // update() starts the new run once this one has stopped
}

void FlowArSession::cancel() {
  generate_pending_ = false;
  gen_job_.cancel();
}

int FlowArSession::progress_steps() const {
  const JobProgress p = gen_job_.progress();
  const int scales = model() ? model()->config.num_scales() : 0;
  return scales > 0 ? p.total / scales : 0;
}

int FlowArSession::progress_scale() const {
  const int steps = progress_steps();
  return steps > 0 ? gen_job_.progress().done / steps : 0;
}

int FlowArSession::progress_step() const {
  const int steps = progress_steps();
  return steps > 0 ? gen_job_.progress().done % steps : 0;
}

int FlowArSession::selected() const {
  const int n = int(frames_.size());
  if (n == 0) return -1;
  return selected_scale < 0 || selected_scale >= n ? n - 1 : selected_scale;
}

void FlowArSession::start_generation() {
  generate_pending_ = false;
  frames_.clear();
  frames_params_ = pending_;
  replay_job_.cancel();  // its maps belong to the old run; update_replay drops them
  replay_pending_ = false;
  replay_error_.clear();
  flownet_maps_.clear();
  const FlownetMapKey watch = flownet_key(0);
  gen_error_.clear();
  gen_cancelled_ = false;
  ++generation_serial_;
  gen_was_running_ = true;
  const LoadedFlowAr loaded = loaded_;
  const FlowArParams params = pending_;
  gen_job_.start([loaded, params, watch](BackgroundJob<FlowArFrame>::Context& context) {
    const std::unique_ptr<attention::Variant> variant = attention::make_variant(params.variant);
    flowar::FlowArSamplingOptions options = sampling_options(params);
    NormRecorder ar_norms, flow_norms;
    flowar::FlowArSamplerHooks hooks;
    hooks.cancel = context.cancel_flag();
    hooks.decode_each_scale = true;
    hooks.ar_context = {variant.get(), &ar_norms};
    FlownetMapCapture flow_maps(loaded.model->config.flow_depth, &flow_norms);
    hooks.flow_context = {variant.get(), &flow_maps};
    const flowar::FlowArConfig& config = loaded.model->config;
    const int scales = config.num_scales();
    // The selected flownet map at every scale where one map of all heads fits.
    for (int k = 0; k < scales; ++k)
      if (int64_t(config.flow_heads) * config.scale_tokens(k) * config.scale_tokens(k) * 4 <= kFlownetCaptureBytes)
        flow_maps.watch({k, watch.euler_step, watch.layer});
    auto fits = [&](int k) {
      const int64_t q = config.scale_tokens(k), keys = config.scale_begin(k) + q;
      return int64_t(config.ar_heads) * q * keys * (config.encoder_depth + config.decoder_depth) * 4 <= kArCaptureBytes;
    };
    ar_norms.capture_probs = fits(0);
    hooks.on_step = [&](int scale, int step, int steps) {
      context.progress(scale * steps + step, scales * steps, "");
    };
    auto clock = std::chrono::steady_clock::now();
    hooks.on_scale = [&](const flowar::FlowArScaleReport& report) {
      FlowArFrame frame;
      frame.scale = report.scale, frame.side = report.side, frame.num_scales = report.num_scales;
      const int64_t n = int64_t(report.side) * report.side, c = report.tokens.dim(2);
      for (int64_t t = 0; t < n; ++t) {
        double sum = 0;
        for (int64_t j = 0; j < c; ++j) sum += double(report.tokens.data[t * c + j]) * report.tokens.data[t * c + j];
        frame.token_norms.push_back(float(std::sqrt(sum)));
      }
      if (report.image) {
        frame.image_side = int(report.image->dim(3));
        frame.rgb = io::image01_to_rgb8(flowar::images_to_unit_range(*report.image), 0);
      }
      frame.ar_stats = std::move(ar_norms.stats);
      frame.flow_stats = std::move(flow_norms.stats);
      frame.flow_euler_step = std::move(flow_norms.euler_steps);
      frame.ar_heads = ar_norms.heads, frame.ar_keys = ar_norms.keys;
      frame.ar_probs = std::move(ar_norms.probs);
      for (FlownetMap& map : flow_maps.take())
        if (map.key.scale == report.scale) frame.flownet_map = std::move(map);
      ar_norms = {}, flow_norms = {};
      if (report.scale + 1 < scales) ar_norms.capture_probs = fits(report.scale + 1);
      const auto now = std::chrono::steady_clock::now();
      frame.ms = std::chrono::duration<double, std::milli>(now - clock).count();
      context.publish(std::move(frame));
      clock = std::chrono::steady_clock::now();
      return true;
    };
    // decode_each_scale needs the VAE; the sampler then decodes the last scale once more
    // (its result.image), which we do not use.
    flowar::sample_flowar(*loaded.model, {int64_t(params.class_id)}, options, hooks, loaded.vae.get());
  });
}

int FlowArSession::euler_steps() const {
  try {
    return int(flowar::time_grid(frames_params_.steps).size()) - 1;
  } catch (const Error&) {
    return 0;
  }
}

FlownetMapKey FlowArSession::flownet_key(int scale) const {
  const int steps = std::max(1, euler_steps());
  int layers = 1;
  if (const flowar::FlowArModel* m = model())
    layers = (m->config.flow_block == flowar::FlownetBlock::kV2 ? 2 : 1) * m->config.flow_depth;
  return {scale, flownet_euler_step <= 0 ? steps : std::min(flownet_euler_step, steps),
          std::clamp(flownet_layer, 0, std::max(0, layers - 1))};
}

const FlownetMap* FlowArSession::flownet_map(const FlownetMapKey& key) const {
  if (key.scale >= 0 && key.scale < int(frames_.size())) {
    const FlownetMap& map = frames_[key.scale].flownet_map;
    if (map.key == key && !map.probs.empty()) return &map;
  }
  for (const FlownetMap& map : flownet_maps_)
    if (map.key == key) return &map;
  return nullptr;
}

void FlowArSession::request_flownet_map(const FlownetMapKey& key) {
  if (flownet_map(key) || key.scale < 0 || key.scale >= int(frames_.size())) return;
  if (replay_key_ == key && (capturing_flownet() || !replay_error_.empty())) return;  // under way, or failed
  replay_job_.cancel();  // a capture of another key is no longer wanted
  replay_key_ = key;
  replay_error_.clear();
  const int64_t tokens = int64_t(frames_[key.scale].side) * frames_[key.scale].side;
  if (int64_t(model()->config.flow_heads) * tokens * tokens * 4 > kFlownetCaptureBytes) {
    replay_pending_ = false;
    replay_error_ = "scale " + std::to_string(key.scale + 1) + "'s flownet maps are too large to keep (over " +
                    std::to_string(kFlownetCaptureBytes >> 20) + " MB for all heads)";
    return;
  }
  replay_pending_ = true;
}

void FlowArSession::update_replay() {
  const bool finished = replay_serial_ >= 0 && !replay_job_.running();
  for (FlownetMap& map : replay_job_.take()) {
    if (replay_serial_ != generation_serial_) continue;  // a run that is no longer shown
    flownet_maps_.push_back(std::move(map));
    int64_t bytes = 0;
    for (const FlownetMap& m : flownet_maps_) bytes += m.bytes();
    while (flownet_maps_.size() > 1 && bytes > kFlownetStoreBytes)
      bytes -= flownet_maps_.front().bytes(), flownet_maps_.erase(flownet_maps_.begin());
  }
  if (finished) {
    if (replay_serial_ == generation_serial_ && !replay_pending_) {
      replay_error_ = replay_job_.error();
      if (replay_error_.empty() && !flownet_map(replay_key_))
        replay_error_ = "the flownet made no call at scale " + std::to_string(replay_key_.scale + 1) + ", Euler step " +
                        std::to_string(replay_key_.euler_step) + ", layer " + std::to_string(replay_key_.layer + 1);
    }
    replay_serial_ = -1;
  }
  if (replay_pending_ && !replay_job_.running() && !loading() && model() && !gen_job_.running() && !generate_pending_) {
    if (replay_key_.scale < int(frames_.size())) start_replay();
    else replay_pending_ = false;
  }
}

// The shown run again, from its seed, up to the key's scale, with only the flownet
// capture attached (no norms, no decoding): the same calls, so the same map.
void FlowArSession::start_replay() {
  replay_pending_ = false;
  replay_error_.clear();
  replay_serial_ = generation_serial_;
  const LoadedFlowAr loaded = loaded_;
  const FlowArParams params = frames_params_;
  const FlownetMapKey key = replay_key_;
  replay_job_.start([loaded, params, key](BackgroundJob<FlownetMap>::Context& context) {
    const std::unique_ptr<attention::Variant> variant = attention::make_variant(params.variant);
    flowar::FlowArSamplingOptions options = sampling_options(params);
    FlownetMapCapture capture(loaded.model->config.flow_depth);
    capture.watch(key);
    flowar::FlowArSamplerHooks hooks;
    hooks.cancel = context.cancel_flag();
    hooks.ar_context = {variant.get(), nullptr};
    hooks.flow_context = {variant.get(), &capture};
    hooks.on_step = [&](int scale, int done, int steps) {
      context.progress(scale * steps + done, (key.scale + 1) * steps, "");
    };
    hooks.on_scale = [&](const flowar::FlowArScaleReport& report) { return report.scale < key.scale; };
    flowar::sample_flowar(*loaded.model, {int64_t(params.class_id)}, options, hooks, nullptr);
    for (FlownetMap& map : capture.take()) context.publish(std::move(map));
  });
}

}  // namespace vs::gui
