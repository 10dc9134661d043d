#include "app/gui/session/attention_capture.h"

#include "core/attention/pyramid.h"
#include "app/gui/workers/pausing_observer.h"
#include "core/error.h"

namespace vs::gui {

namespace {

// Keeps the watched block's full map and every block's thumbnail, for row 0.
class MapObserver : public gen::GenerationObserver {
 public:
  MapObserver(const CaptureKey& key, std::shared_ptr<HeadGrid> grid) : key_(key), grid_(std::move(grid)) {}
  observe::ProbabilityRequest wants_probabilities(const observe::Site& site) override {
    const bool wanted = site.row == 0 && key_.matches(site) && (grid_ || site.block == key_.block);
    return {wanted, 0, -1};
  }
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    if (call.site.row != 0 || !key_.matches(call.site) || result.probs.rank() != 3) return;
    const int64_t heads = result.probs.dim(0), queries = result.probs.dim(1), keys = result.probs.dim(2);
    if (call.site.block == key_.block) {
      map.heads = int(heads), map.queries = queries, map.keys = keys;
      map.head_dim = int(call.q.dim(2));
      map.probs = result.probs.data;
      found = true;
    }
    if (grid_ && heads == grid_->heads && call.site.block >= 0 && call.site.block < grid_->layers) {
      grid_->queries = queries, grid_->keys = keys;
      for (int h = 0; h < grid_->heads; ++h)
        grid_->thumbnails[size_t(call.site.block) * grid_->heads + h] =
            downsample_attention(result.probs.ptr() + h * queries * keys, queries, keys);
    }
  }
  AttentionMap map;
  bool found = false;

 private:
  CaptureKey key_;
  std::shared_ptr<HeadGrid> grid_;
};

}  // namespace

std::string missing_call_message(const CaptureKey& key) {
  return std::string("the run made no ") + observe::module_name(key.module) + " " +
         observe::attention_kind_name(key.kind) + "-attention call at scale " + std::to_string(key.scale + 1) +
         (key.euler_step >= 0 ? ", Euler step " + std::to_string(key.euler_step + 1) : "") + ", block " +
         std::to_string(key.block + 1);
}

AttentionMap capture_attention(const gen::Generator& generator, gen::SamplingRequest request,
                               const gen::Pyramid& pyramid, const CaptureKey& key, bool want_grid,
                               const std::atomic<bool>* cancel) {
  const gen::ModelInfo& info = generator.info();
  const gen::ModuleInfo* module = info.module(key.module);
  if (!module) throw Error(std::string("this model has no ") + observe::module_name(key.module) + " attention");
  if (key.scale < 0 || key.scale >= info.num_scales() || key.scale > int(pyramid.size()))
    throw Error("scale " + std::to_string(key.scale + 1) + " has not been generated");
  // Queries are the scale's tokens; keys at most every token so far (block-causal).
  const int64_t side = info.scales[size_t(key.scale)];
  const int64_t keys = attention::pyramid_tokens({info.scales.begin(), info.scales.begin() + key.scale + 1});
  const int64_t bytes = int64_t(module->heads) * side * side * keys * int64_t(sizeof(float));
  if (bytes > kCaptureBytes)
    throw Error("scale " + std::to_string(key.scale + 1) + "'s attention maps are too large to capture (" +
                std::to_string(bytes >> 20) + " MiB for all heads; the limit is " +
                std::to_string(kCaptureBytes >> 20) + " MiB)");
  request.prefix.assign(pyramid.begin(), pyramid.begin() + key.scale);
  request.keep_scales = key.scale;
  request.stop_after = key.scale;
  request.decode_each_scale = false;
  request.decode_final = false;
  request.cancel = cancel;
  std::shared_ptr<HeadGrid> grid;
  if (want_grid) {
    grid = std::make_shared<HeadGrid>();
    grid->step = key.scale, grid->layers = module->blocks, grid->heads = module->heads;
    grid->thumbnails.resize(size_t(grid->layers) * grid->heads);
  }
  MapObserver observer(key, grid);
  const MeasurementQueue::WorkerActivity activity(cancel);  // waits while a sweep times
  PausingObserver pausing(&observer, cancel);
  const gen::SampleResult result = generator.sample(request, &pausing);
  if (result.cancelled || (cancel && cancel->load())) throw Error("the capture was cancelled");
  if (!observer.found)
    throw Error(missing_call_message(key));
  AttentionMap map = std::move(observer.map);
  map.key = key;
  if (grid && grid->complete()) map.grid = grid;
  return map;
}

}  // namespace vs::gui
