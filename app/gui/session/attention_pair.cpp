#include "app/gui/session/attention_pair.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/attention/attention.h"
#include "core/attention/pyramid.h"
#include "app/gui/workers/pausing_observer.h"
#include "core/error.h"

namespace vs::gui {

namespace {

// At the watched call, runs both variants on its inputs and keeps the head's maps.
class PairObserver : public gen::GenerationObserver {
 public:
  PairObserver(const CaptureKey& key, int head, const attention::Variant& approx)
      : key_(key), head_(head), approx_(approx), exact_(attention::make_variant("exact")) {}
  void on_attention(const observe::AttentionCall& call, const attention::Result&) override {
    if (found || call.site.row != 0 || !key_.matches(call.site) || call.site.block != key_.block || !call.v) return;
    if (head_ < 0 || head_ >= call.q.dim(0))
      throw Error("head " + std::to_string(head_ + 1) + " is not one of this site's " +
                  std::to_string(call.q.dim(0)) + " heads");
    attention::Options options;
    options.scale = call.softmax_scale;
    options.capture_probs = true;
    options.prob_row_begin = 0, options.prob_row_end = call.q.dim(1);
    const attention::Result exact = exact_->run(call.q, call.k, *call.v, call.structure, options);
    const attention::Result approx = approx_.run(call.q, call.k, *call.v, call.structure, options);
    pair.queries = exact.probs.dim(1), pair.keys = exact.probs.dim(2);
    const size_t per_head = size_t(pair.queries * pair.keys);
    const float* e = exact.probs.ptr() + size_t(head_) * per_head;
    const float* a = approx.probs.ptr() + size_t(head_) * per_head;
    pair.exact.assign(e, e + per_head);
    pair.approx.assign(a, a + per_head);
    pair.difference.resize(per_head);
    double diff = 0, norm = 0;
    for (size_t i = 0; i < per_head; ++i) {
      const double d = double(a[i]) - e[i];
      pair.difference[i] = float(d);
      pair.max_abs_difference = std::max(pair.max_abs_difference, std::abs(d));
      diff += d * d, norm += double(e[i]) * e[i];
    }
    pair.relative_error = norm > 0 ? std::sqrt(diff / norm) : (diff > 0 ? INFINITY : 0.0);
    found = true;
  }
  AttentionPair pair;
  bool found = false;

 private:
  CaptureKey key_;
  int head_;
  const attention::Variant& approx_;
  std::unique_ptr<attention::Variant> exact_;
};

}  // namespace

AttentionPair capture_attention_pair(const gen::Generator& generator, gen::SamplingRequest request,
                                     const CaptureKey& key, int head, const std::string& approx_spec,
                                     const std::atomic<bool>* cancel) {
  const std::unique_ptr<attention::Variant> approx = attention::make_variant(approx_spec);
  const gen::ModelInfo& info = generator.info();
  const gen::ModuleInfo* module = info.module(key.module);
  if (!module) throw Error(std::string("this model has no ") + observe::module_name(key.module) + " attention");
  if (key.scale < 0 || key.scale >= info.num_scales())
    throw Error("scale " + std::to_string(key.scale + 1) + " is not one of the model's " +
                std::to_string(info.num_scales()));
  // Both runs capture every head of the call (the approximation's per-call choices, such
  // as poly:auto's degree, see all of them): twice a capture's size.
  const int64_t side = info.scales[size_t(key.scale)];
  const int64_t keys = attention::pyramid_tokens({info.scales.begin(), info.scales.begin() + key.scale + 1});
  const int64_t bytes = 2 * int64_t(module->heads) * side * side * keys * int64_t(sizeof(float));
  if (bytes > kCaptureBytes)
    throw Error("scale " + std::to_string(key.scale + 1) + "'s exact and approximate maps are too large (" +
                std::to_string(bytes >> 20) + " MiB for all heads; the limit is " +
                std::to_string(kCaptureBytes >> 20) + " MiB)");
  // The same seed samples the same scales again: the replay reaches the site the run had.
  request.prefix.clear();
  request.keep_scales = 0;
  request.stop_after = key.scale;
  request.decode_each_scale = false;
  request.decode_final = false;
  request.cancel = cancel;
  PairObserver observer(key, head, *approx);
  const MeasurementQueue::WorkerActivity activity(cancel);  // waits while a sweep times
  PausingObserver pausing(&observer, cancel);
  const gen::SampleResult result = generator.sample(request, &pausing);
  if (result.cancelled || (cancel && cancel->load())) throw Error("the capture was cancelled");
  if (!observer.found)
    throw Error(missing_call_message(key));
  AttentionPair pair = std::move(observer.pair);
  pair.key = key, pair.head = head;
  pair.approx_spec = approx->spec();
  return pair;
}

}  // namespace vs::gui
