#include "app/gui/session/session.h"

#include <algorithm>
#include <chrono>

#include "app/gui/session/frame_recorder.h"
#include "app/gui/workers/pausing_observer.h"
#include "core/error.h"
#include "core/generator/random_generator.h"
#include "core/io/input_file.h"
#include "core/io/model_ref.h"
#include "core/memory_budget.h"

namespace vs::gui {

namespace {

// "<stem>-vae<ext>" beside the model: the shipped pairs are named that way.
std::string sibling_vae_path(const std::string& path) {
  const size_t dot = path.rfind('.'), slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return path + "-vae";
  return path.substr(0, dot) + "-vae" + path.substr(dot);
}

}  // namespace

bool is_random_model(const std::string& path) { return path.rfind(kRandomModelPrefix, 0) == 0; }

Session::Session(std::function<void()> wake) : wake_(wake), load_job_(wake), gen_job_(wake), capture_job_(wake) {}

void Session::open(const std::string& model_path, const std::string& vae_path, const std::vector<int>& scales,
                   WeightPrecision precision) {
  gen_job_.stop();
  capture_job_.stop();
  generate_pending_ = capture_pending_ = false;
  model_path_ = model_path;
  const bool random = is_random_model(model_path);
  std::string named_vae;
  // A bare name ("fmnist-var", a varscope-train model) is looked up like the CLI's --model;
  // an unknown one is left for the worker's error, which lists the known names.
  if (!random && model_path.find('/') == std::string::npos && model_path.find('.') == std::string::npos) {
    try {
      const io::ModelRef ref = io::resolve_model(model_path);
      model_path_ = ref.model_path, named_vae = ref.vae_path;
    } catch (const std::exception&) {
    }
  }
  vae_path_ = random                ? std::string()
              : !vae_path.empty()   ? vae_path
              : !named_vae.empty()  ? named_vae
                                    : sibling_vae_path(model_path_);
  load_error_.clear();
  load_pending_ = true;
  generator_.reset();
  reset_run();
  const std::string model = model_path_, vae = vae_path_;
  load_job_.start([model, vae, scales, random, precision](BackgroundJob<std::shared_ptr<const gen::Generator>>::Context& context) {
    if (random) {  // "random:var-d16": the official shapes with random weights, refused before allocating
      const std::string spec = model.substr(std::string(kRandomModelPrefix).size());
      check_memory(gen::random_generator_bytes(spec), model);
      context.publish(std::shared_ptr<const gen::Generator>(gen::open_random_generator(spec, scales, precision)));
      return;
    }
    if (model.find('/') == std::string::npos && model.find('.') == std::string::npos)
      io::resolve_model(model, vae);  // an unknown name: its error lists the known ones
    // Regular files only (a pipe would block the worker for ever), named in the error.
    io::check_regular_file(model, "model checkpoint");
    io::check_regular_file(vae, "tokenizer (VAE) checkpoint");
    io::ModelRef ref = io::resolve_model(model, vae);
    ref.precision = precision;
    std::shared_ptr<const gen::Generator> generator = gen::open_generator(ref, scales);
    context.publish(std::move(generator));
  });
}

const gen::ModuleInfo* Session::module_info(observe::Module module) const {
  return generator_ ? generator_->info().module(module) : nullptr;
}

std::string Session::class_label(int class_id) const {
  return generator_ ? gui::class_label(generator_->info(), class_id) : std::to_string(class_id);
}

bool Session::busy() const {
  // The *_was_running_ flags cover a finished run whose last results are still queued.
  return loading() || gen_job_.running() || gen_was_running_ || generate_pending_ || capturing() ||
         capture_was_running_;
}

bool Session::paused_for_timing() const {
  return (gen_job_.running() || capture_job_.running()) && MeasurementQueue::shared().quiet();
}

bool Session::run_complete() const {
  return !frames_.empty() && frames_.back().scale + 1 == frames_.back().num_scales && !generating();
}

void Session::reset_run() {
  frames_.clear();
  has_map_ = false, capture_requested_ = false;
  capture_error_.clear();
  gen_error_.clear();
  gen_cancelled_ = false;
  ++generation_serial_;
}

void Session::update() {
  if (load_pending_) {
    for (auto& generator : load_job_.take()) {
      generator_ = std::move(generator);
      reset_run();
      // Keep the selection valid for this model's modules.
      if (!module_info(selection.module)) selection.module = generator_->info().modules.front().module;
      if (selection.kind == observe::AttentionKind::kCross && !module_info(selection.module)->cross)
        selection.kind = observe::AttentionKind::kSelf;
    }
    if (!load_job_.running()) {
      load_pending_ = false;
      load_error_ = load_job_.error();
      if (generator_ && make_after_load_) generate(make_after_load_(*generator_));
      make_after_load_ = nullptr;
    }
  }
  const bool gen_finished = gen_was_running_ && !gen_job_.running();  // before take(): nothing left behind
  for (ScaleFrame& frame : gen_job_.take()) {
    // From Generate to the final image here, on the UI thread: what the user waits.
    if (frame.scale + 1 == frame.num_scales)
      last_generation_ms_ =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - generate_requested_).count();
    frames_.push_back(std::move(frame));
  }
  if (gen_finished) {
    gen_was_running_ = false;
    gen_error_ = gen_job_.error();
    gen_cancelled_ = gen_error_.empty() && (frames_.empty() || frames_.back().scale + 1 < frames_.back().num_scales) &&
                     stop_after_pending_ < 0;
  }
  const bool capture_finished = capture_was_running_ && !capture_job_.running();
  for (AttentionMap& map : capture_job_.take()) {
    if (map.generation_serial != generation_serial_) continue;  // a run no longer shown
    if (!map.grid && has_map_ && map_.grid && map_.key.same_grid(map.key) && map_.generation_serial == map.generation_serial)
      map.grid = map_.grid;  // another block of the same grid
    map_ = std::move(map), has_map_ = true, ++capture_serial_;
  }
  if (capture_finished) {
    capture_was_running_ = false;
    if (!capture_pending_) capture_error_ = capture_job_.error();
  }
  if (loading()) return;
  if (generate_pending_ && generator_ && !gen_job_.running()) start_generation();
  if (capture_pending_ && generator_ && !gen_job_.running() && !generate_pending_ && !capture_job_.running())
    start_capture();
}

void Session::generate(const gen::SamplingRequest& request, int stop_after, bool continue_current) {
  generate_requested_ = std::chrono::steady_clock::now();
  last_generation_ms_ = -1;
  pending_ = request;
  stop_after_pending_ = stop_after;
  continue_pending_ = continue_current;
  generate_pending_ = true;
  gen_job_.cancel();      // update() starts the new run once this one has stopped (no join on the UI thread)
  capture_job_.cancel();  // its map would belong to the old run
  if (wake_) wake_();     // the next frame's update() starts it, not a redraw timeout later
}

void Session::cancel() {
  generate_pending_ = false;
  make_after_load_ = nullptr;
  gen_job_.cancel();
  capture_job_.cancel();
  capture_pending_ = false;
}

gen::StepEvent Session::step_progress() const {
  gen::StepEvent event;
  if (!generating()) return event;
  const JobProgress p = gen_job_.progress();
  event.step = p.done, event.steps = p.total;
  event.scale = p.what.empty() ? 0 : std::atoi(p.what.c_str());
  event.num_scales = info() ? info()->num_scales() : 0;
  return event;
}

int Session::selected_scale() const {
  const int n = int(frames_.size());
  if (n == 0) return -1;
  return selection.scale < 0 || selection.scale >= n ? n - 1 : selection.scale;
}

void Session::start_generation() {
  generate_pending_ = false;
  // Continue only the same image (class and seed) that has scales left; else start afresh.
  const bool same_image = pending_.labels == shown_.labels && pending_.seed == shown_.seed;
  const bool keep = continue_pending_ && same_image && !frames_.empty() &&
                    frames_.back().scale + 1 < frames_.back().num_scales;
  gen::Pyramid prefix;
  if (keep) {
    for (const ScaleFrame& f : frames_) prefix.push_back(f.code);
    std::vector<ScaleFrame> kept_frames = std::move(frames_);
    reset_run();
    frames_ = std::move(kept_frames);
  } else {
    reset_run();
  }
  shown_ = pending_;
  gen::SamplingRequest request = pending_;
  request.keep_scales = int(prefix.size());
  request.prefix = std::move(prefix);
  request.stop_after = stop_after_pending_ < 0 ? -1 : request.keep_scales + stop_after_pending_ - 1;
  request.decode_each_scale = true;
  request.previews_at_scale_side = true;  // coarse scales decoded small: the last one is the full image
  // ...and the large intermediate scales of a big model at most at 3/8 of the last side (6 of
  // VAR-256's 16): decoding them at their own side cost 1.7 full decodes more per image.
  request.preview_max_side = std::max(6, generator_->info().scales.back() * 3 / 8);
  request.decode_final = false;           // the last scale's picture is already decoded
  gen_was_running_ = true;
  std::shared_ptr<const gen::Generator> generator = generator_;
  gen_job_.start([generator, request](BackgroundJob<ScaleFrame>::Context& context) mutable {
    request.cancel = context.cancel_flag();
    FrameRecorder recorder(
        request.keep_scales, [&](ScaleFrame frame) { context.publish(std::move(frame)); },
        [&](const gen::StepEvent& e) { context.progress(e.step + 1, e.steps, std::to_string(e.scale)); });
    // Steps aside between scales (and Euler steps) while a runtime sweep times.
    const MeasurementQueue::WorkerActivity activity(context.cancel_flag());
    PausingObserver pausing(&recorder, context.cancel_flag());
    generator->sample(request, &pausing);
  });
}

CaptureKey Session::selected_key() const {
  CaptureKey key;
  key.scale = std::max(0, selected_scale());
  key.module = selection.module;
  key.kind = selection.kind;
  const gen::ModuleInfo* m = module_info(key.module);
  key.block = m ? std::clamp(selection.block, 0, std::max(0, m->blocks - 1)) : 0;
  // Euler steps: those the run recorded at this scale for the module.
  int steps = 0;
  if (key.scale < int(frames_.size()))
    for (const observe::HeadStats& s : frames_[size_t(key.scale)].stats)
      if (s.site.module == key.module) steps = std::max(steps, s.site.euler_step + 1);
  key.euler_step = steps == 0 ? -1 : selection.euler_step < 0 || selection.euler_step >= steps ? steps - 1 : selection.euler_step;
  return key;
}

bool Session::selected_site(CaptureKey* key, int* head) const {
  if (frames_.empty() || !generator_) return false;
  *key = selected_key();
  const gen::ModuleInfo* m = module_info(key->module);
  *head = m ? std::clamp(selection.head, 0, std::max(0, m->heads - 1)) : 0;
  return true;
}

void Session::request_capture(const CaptureKey& key) {
  // The same key as the map (or the failure) on screen: nothing to do; a failed capture is
  // not retried every frame.
  if (capture_requested_ && capture_key_ == key) return;
  capture_requested_ = true;
  capture_key_ = key;
  capture_error_.clear();
  if (has_map_ && map_.key == key && map_.generation_serial == generation_serial_) return;
  capture_pending_ = true;
  capture_job_.cancel();
}

void Session::start_capture() {
  capture_pending_ = false;
  if (capture_key_.scale < 0 || capture_key_.scale >= int(frames_.size())) return;
  gen::Pyramid pyramid;
  for (int s = 0; s < capture_key_.scale; ++s) pyramid.push_back(frames_[size_t(s)].code);
  const bool want_grid = !(has_map_ && map_.grid && map_.key.same_grid(capture_key_) &&
                           map_.generation_serial == generation_serial_);
  std::shared_ptr<const gen::Generator> generator = generator_;
  const gen::SamplingRequest request = shown_;
  const CaptureKey key = capture_key_;
  const int serial = generation_serial_;
  capture_job_.stop();
  capture_was_running_ = true;
  capture_job_.start([=](BackgroundJob<AttentionMap>::Context& context) {
    AttentionMap map = capture_attention(*generator, request, pyramid, key, want_grid, context.cancel_flag());
    map.generation_serial = serial;
    context.publish(std::move(map));
  });
}

}  // namespace vs::gui
