#include "app/gui/var/var_session.h"

#include <chrono>
#include <cstdio>

#include "core/attention/attention.h"
#include "core/error.h"
#include "core/io/class_names.h"
#include "core/io/image_io.h"
#include "core/var/sampler.h"

namespace vs::gui {

namespace {

bool file_exists(const std::string& path) {
  if (FILE* f = std::fopen(path.c_str(), "rb")) return std::fclose(f), true;
  return false;
}

// "<stem>-vae<ext>" next to the VAR file: the shipped pairs are named that way.
std::string sibling_vae_path(const std::string& var_path) {
  const size_t dot = var_path.rfind('.');
  const size_t slash = var_path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return var_path + "-vae";
  return var_path.substr(0, dot) + "-vae" + var_path.substr(dot);
}


// Captures the watched call's attention and, for the same step, every layer's head norms
// (row 0 only: the conditional row of the CFG pair) and, when asked, every layer × head's
// attention shrunk to a thumbnail as soon as its call returns — the full matrices of the
// other layers are never kept (HeadGrid states the bound).
class InspectObserver : public observe::AttentionCaptureObserver {
 public:
  InspectObserver(int step, std::shared_ptr<HeadGrid> grid) : step_(step), grid_(std::move(grid)) {}
  observe::ProbabilityRequest wants_probabilities(const observe::Site& site) override {
    observe::ProbabilityRequest request = AttentionCaptureObserver::wants_probabilities(site);
    if (grid_ && site.scale == step_ && site.row == 0) request.capture = true, request.row_begin = 0, request.row_end = -1;
    return request;
  }
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    if (call.site.scale == step_ && call.site.row == 0) {
      std::vector<observe::HeadStats> s = observe::head_stats(call);
      stats.insert(stats.end(), s.begin(), s.end());
      if (grid_ && result.probs.shape.size() == 3 && result.probs.dim(0) == grid_->heads && call.site.block >= 0 && call.site.block < grid_->layers) {
        const int64_t queries = result.probs.dim(1), keys = result.probs.dim(2);
        grid_->queries = queries, grid_->keys = keys;
        for (int h = 0; h < grid_->heads; ++h)
          grid_->thumbnails[size_t(call.site.block) * grid_->heads + h] =
              downsample_attention(result.probs.ptr() + h * queries * keys, queries, keys);
      }
    }
    AttentionCaptureObserver::on_attention(call, result);
  }
  std::vector<observe::HeadStats> stats;

 private:
  int step_;
  std::shared_ptr<HeadGrid> grid_;
};

}  // namespace

void run_generation(const var::VarModel& model, const GenerationParams& params,
                    const std::vector<std::vector<int64_t>>& prefix, int stop_after,
                    BackgroundJob<ScaleFrame>::Context& context) {
  const std::unique_ptr<attention::Variant> variant = attention::make_variant(params.variant);
  var::SamplingOptions options;
  options.cfg = params.cfg;
  options.top_k = params.top_k;
  options.top_p = params.top_p;
  options.more_smooth = params.more_smooth;
  options.seed = params.seed;
  options.decode_final = false;  // every scale is decoded by the hook already
  var::SamplerHooks hooks;
  hooks.cancel = context.cancel_flag();
  hooks.decode_each_scale = true;
  hooks.context.attention = variant.get();
  const int num_scales = model.config().num_scales();
  auto clock = std::chrono::steady_clock::now();
  hooks.on_scale = [&](const var::ScaleReport& report) {
    const auto now = std::chrono::steady_clock::now();
    if (report.scale >= int(prefix.size())) {
      ScaleFrame frame;
      frame.scale = report.scale;
      frame.side = report.side;
      frame.num_scales = report.num_scales;
      frame.ids.assign(report.ids.begin(), report.ids.begin() + int64_t(report.side) * report.side);
      if (report.image01) {
        frame.image_side = int(report.image01->dim(3));
        frame.rgb = io::image01_to_rgb8(*report.image01, 0);
      }
      frame.ms = std::chrono::duration<double, std::milli>(now - clock).count();
      context.publish(std::move(frame));
      context.progress(report.scale + 1, num_scales, "scale " + std::to_string(report.scale + 1));
    }
    clock = std::chrono::steady_clock::now();
    return stop_after < 0 || report.scale < stop_after;
  };
  var::autoregressive_infer_cfg(model.transformer, model.vae, {int64_t(params.class_id)}, options, hooks, prefix);
}

gen::SamplingRequest sampling_request(const GenerationParams& params) {
  gen::SamplingRequest request = var::default_var_request();
  request.labels = {int64_t(params.class_id)};
  request.seed = params.seed;
  request.cfg = params.cfg;
  request.attention = params.variant;
  request.extra = gen::VarExtra{params.top_k, params.top_p, params.more_smooth};
  return request;
}

bool VarSession::run_complete() const {
  return !frames_.empty() && frames_.back().scale + 1 == frames_.back().num_scales && !generating();
}

VarSession::VarSession(std::function<void()> wake) : load_job_(wake), gen_job_(wake), inspect_job_(wake) {}

void VarSession::open(const std::string& var_path, const std::string& vae_path, const std::vector<int>& patch_nums) {
  gen_job_.stop();
  inspect_job_.stop();
  var_path_ = var_path;
  vae_path_ = vae_path.empty() ? sibling_vae_path(var_path) : vae_path;
  load_error_.clear();
  load_pending_ = true;
  const std::string var = var_path_, vae = vae_path_;
  load_job_.start([var, vae, patch_nums](BackgroundJob<LoadedModel>::Context& context) {
    if (!file_exists(var)) throw Error("VAR checkpoint not found: " + var);
    if (!file_exists(vae)) throw Error("VQ-VAE checkpoint not found: " + vae + " (give it with --vae or Open model…)");
    LoadedModel loaded;
    loaded.model = std::make_shared<var::VarModel>(var::VarModel::load(var, vae, patch_nums));
    if (var.size() > 12 && var.compare(var.size() - 12, 12, ".safetensors") == 0) {
      const io::Checkpoint checkpoint = io::load_checkpoint(var);
      const auto it = checkpoint.metadata.find("class_names");
      if (it != checkpoint.metadata.end()) loaded.class_names = io::parse_class_names(it->second);
    }
    gen::ModelInfo info;
    info.model_path = var, info.vae_path = vae, info.class_names = loaded.class_names;
    loaded.generator = var::make_var_generator(loaded.model, info);
    context.publish(std::move(loaded));
  });
}

std::string VarSession::class_label(int class_id) const {
  if (class_id >= 0 && class_id < int(loaded_.class_names.size()))
    return std::to_string(class_id) + " · " + loaded_.class_names[class_id];
  return std::to_string(class_id);
}

bool VarSession::busy() const {
  // The *_was_running_ flags cover a finished run whose last results are still queued.
  return loading() || gen_job_.running() || gen_was_running_ || generate_pending_ || inspecting() ||
         inspect_was_running_;
}

void VarSession::update() {
  if (load_pending_) {
    for (LoadedModel& loaded : load_job_.take()) {
      loaded_ = std::move(loaded);
      frames_.clear();
      has_inspection_ = false, inspect_requested_ = false;
      ++generation_serial_;
    }
    if (!load_job_.running()) {
      load_pending_ = false;
      load_error_ = load_job_.error();
      if (!load_error_.empty()) generate_pending_ = false;
    }
  }
  const bool gen_finished = gen_was_running_ && !gen_job_.running();  // before take(): nothing left behind
  for (ScaleFrame& frame : gen_job_.take()) frames_.push_back(std::move(frame));
  if (gen_finished) {
    gen_was_running_ = false;
    gen_error_ = gen_job_.error();
    gen_cancelled_ = gen_error_.empty() && !frames_.empty() && frames_.back().scale + 1 < frames_.back().num_scales;
  }
  if (inspect_was_running_ && !inspect_job_.running()) inspect_was_running_ = false;  // drained below
  for (InspectResult& result : inspect_job_.take()) {
    if (result.grid) {
      grid_ = result.grid, grid_serial_ = result.generation_serial;
    } else if (grid_ && grid_->step == result.step && grid_serial_ == result.generation_serial) {
      result.grid = grid_;
    }
    inspection_ = std::move(result), has_inspection_ = true, ++inspection_serial_;
  }
  if (!inspect_job_.running() && !inspect_pending_ && !inspect_job_.error().empty() &&
      inspection_.error != inspect_job_.error()) {
    inspection_ = InspectResult{};
    inspection_.error = inspect_job_.error();
    has_inspection_ = true;
    ++inspection_serial_;
  }
  if (loading()) return;
  if (generate_pending_ && model() && !gen_job_.running()) start_generation();
  if (inspect_pending_ && model() && !gen_job_.running() && !inspect_job_.running()) start_inspection();
}

void VarSession::generate(const GenerationParams& params, int stop_after, bool continue_current) {
  pending_params_ = params;
  stop_after_pending_ = stop_after;
  continue_pending_ = continue_current;
  generate_pending_ = true;
  gen_job_.cancel();  // update() starts the new run once this one has stopped (no join on the UI thread)
}

void VarSession::cancel() {
  generate_pending_ = false;
  gen_job_.cancel();
  inspect_job_.cancel();
}

void VarSession::start_generation() {
  generate_pending_ = false;
  if (!continue_pending_ || frames_params_.seed != pending_params_.seed ||
      frames_params_.class_id != pending_params_.class_id)
    frames_.clear();
  if (!frames_.empty() && frames_.back().scale + 1 >= frames_.back().num_scales) frames_.clear();
  frames_params_ = pending_params_;
  gen_error_.clear();
  gen_cancelled_ = false;
  has_inspection_ = false, inspect_requested_ = false;
  ++generation_serial_;
  std::vector<std::vector<int64_t>> prefix;
  for (const ScaleFrame& f : frames_) prefix.push_back(f.ids);
  const int stop_after = stop_after_pending_ < 0 ? -1 : int(prefix.size()) + stop_after_pending_ - 1;
  gen_was_running_ = true;
  std::shared_ptr<const var::VarModel> model = loaded_.model;
  const GenerationParams params = pending_params_;
  gen_job_.start([model, params, prefix, stop_after](BackgroundJob<ScaleFrame>::Context& context) {
    run_generation(*model, params, prefix, stop_after, context);
  });
}

void VarSession::inspect(int step, int layer) {
  // Same selection as the result (or the failure) on screen: nothing to do; a failed
  // capture is not retried every frame.
  if (inspect_requested_ && inspect_step_ == step && inspect_layer_ == layer) return;
  inspect_requested_ = true;
  inspect_step_ = step, inspect_layer_ = layer;
  inspect_pending_ = true;
  inspect_job_.cancel();
}

void VarSession::start_inspection() {
  inspect_pending_ = false;
  if (inspect_step_ < 0 || inspect_step_ >= int(frames_.size())) return;
  std::vector<std::vector<int64_t>> prefix;
  for (int s = 0; s <= inspect_step_; ++s) prefix.push_back(frames_[s].ids);
  std::shared_ptr<const var::VarModel> model = loaded_.model;
  const GenerationParams params = frames_params_;
  const int step = inspect_step_, layer = inspect_layer_;
  const int serial = generation_serial_;
  // The grid is captured once per (generation, step); another layer reuses it.
  const bool want_grid = !(grid_ && grid_->step == step && grid_serial_ == serial);
  inspect_job_.stop();
  inspect_was_running_ = true;
  inspect_job_.start([model, params, prefix, step, layer, serial, want_grid](BackgroundJob<InspectResult>::Context& context) {
    std::shared_ptr<HeadGrid> grid;
    if (want_grid) {
      grid = std::make_shared<HeadGrid>();
      grid->step = step, grid->layers = model->config().depth, grid->heads = model->config().heads;
      grid->thumbnails.resize(size_t(grid->layers) * grid->heads);
    }
    // Replaying the finished ids as the prefix reproduces the hidden states exactly (no
    // draws), so the captured attention is that of the generation (exact softmax).
    InspectObserver observer(step, grid);
    observe::Site site;
    site.scale = step, site.block = layer;
    observer.watch(site);
    var::SamplingOptions options;
    options.cfg = params.cfg;
    options.seed = params.seed;
    options.decode_final = false;
    var::SamplerHooks hooks;
    hooks.cancel = context.cancel_flag();
    hooks.context.observer = &observer;
    hooks.on_scale = [&](const var::ScaleReport& report) { return report.scale < step; };
    var::autoregressive_infer_cfg(model->transformer, model->vae, {int64_t(params.class_id)}, options, hooks, prefix);
    if (context.cancelled()) return;
    const auto& capture = observer.capture(site);
    InspectResult result;
    result.step = step, result.layer = layer;
    result.heads = int(capture.probs.dim(0));
    result.queries = capture.probs.dim(1);
    result.keys = capture.probs.dim(2);
    result.head_dim = int(capture.q.dim(2));
    result.probs = capture.probs.data;
    result.stats = std::move(observer.stats);
    result.generation_serial = serial;
    if (grid && grid->complete()) result.grid = grid;
    context.publish(std::move(result));
  });
}

}  // namespace vs::gui
