#include "app/gui/session/comparison.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <limits>

#include "app/gui/session/image_compare.h"
#include "app/gui/workers/pausing_observer.h"
#include "core/attention/attention.h"
#include "core/io/image_io.h"

namespace vs::gui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Row 0's decoded picture of each scale, in order.
class PictureRecorder : public gen::GenerationObserver {
 public:
  explicit PictureRecorder(BackgroundJob<CompareFrame>::Context& context) : context_(context) {}
  bool on_scale(const gen::ScaleEvent& e) override {
    pictures.push_back(e.image01 ? io::image01_to_rgb8(*e.image01, 0) : std::vector<uint8_t>{});
    image_side = e.image01 ? int(e.image01->dim(3)) : 0;
    context_.progress(e.scale + 1, 2 * e.num_scales, "reference");
    return true;
  }
  std::vector<std::vector<uint8_t>> pictures;
  int image_side = 0;

 private:
  BackgroundJob<CompareFrame>::Context& context_;
};

// Publishes a frame per scale of the approximation against the reference's.
class ComparingObserver : public gen::GenerationObserver {
 public:
  ComparingObserver(const PictureRecorder& reference_pictures, const gen::Pyramid& reference,
                    BackgroundJob<CompareFrame>::Context& context)
      : pictures_(reference_pictures), reference_(reference), context_(context), exact_(attention::make_variant("exact")) {}
  // Row 0's calls run once more exactly on the same q, k, v: the approximation's error
  // where the model really uses it.
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    if (call.site.row != 0 || !call.v || result.out.rank() != 3) return;
    attention::Options options;
    options.scale = call.softmax_scale;
    const attention::Result exact = exact_->run(call.q, call.k, *call.v, call.structure, options);
    const int64_t heads = exact.out.dim(0), per_head = exact.out.numel() / std::max<int64_t>(1, heads);
    if (result.out.numel() != exact.out.numel()) return;
    for (int64_t h = 0; h < heads; ++h) {
      double diff = 0, norm = 0;
      for (int64_t i = h * per_head; i < (h + 1) * per_head; ++i) {
        const double d = double(result.out.data[size_t(i)]) - exact.out.data[size_t(i)];
        diff += d * d, norm += double(exact.out.data[size_t(i)]) * exact.out.data[size_t(i)];
      }
      errors_.push_back({call.site, int(h), norm > 0 ? std::sqrt(diff / norm) : (diff > 0 ? INFINITY : 0.0)});
    }
  }
  bool on_scale(const gen::ScaleEvent& e) override {
    CompareFrame frame;
    frame.scale = e.scale, frame.side = e.side, frame.num_scales = e.num_scales;
    if (e.image01) {
      frame.image_side = int(e.image01->dim(3));
      frame.approx_rgb = io::image01_to_rgb8(*e.image01, 0);
    }
    frame.reference_rgb = pictures_.pictures.at(size_t(e.scale));
    frame.image_error = relative_l2_error(frame.reference_rgb, frame.approx_rgb);
    std::tie(frame.same_tokens, frame.token_error) = code_difference(reference_.at(size_t(e.scale)), e.code, e.side);
    frame.head_errors.swap(errors_);
    context_.publish(std::move(frame));
    context_.progress(e.num_scales + e.scale + 1, 2 * e.num_scales, "approximation");
    return true;
  }

 private:
  const PictureRecorder& pictures_;
  const gen::Pyramid& reference_;
  BackgroundJob<CompareFrame>::Context& context_;
  std::unique_ptr<attention::Variant> exact_;
  std::vector<HeadError> errors_;  // of the scale under way
};

}  // namespace

double CompareFrame::worst_head_error() const {
  double worst = kNaN;
  for (const HeadError& e : head_errors)
    if (!(e.error <= worst)) worst = e.error;
  return worst;
}

std::vector<HeadError> worst_head_errors(const CompareFrame& frame, observe::Module module) {
  std::vector<HeadError> out;
  for (const HeadError& e : frame.head_errors) {
    if (e.site.module != module) continue;
    auto same = [&](const HeadError& o) { return o.site.kind == e.site.kind && o.site.block == e.site.block && o.head == e.head; };
    auto it = std::find_if(out.begin(), out.end(), same);
    if (it == out.end()) out.push_back(e);
    else if (e.error > it->error) *it = e;
  }
  std::sort(out.begin(), out.end(), [](const HeadError& a, const HeadError& b) {
    return std::tie(a.site.kind, a.site.block, a.head) < std::tie(b.site.kind, b.site.block, b.head);
  });
  return out;
}

std::pair<double, double> code_difference(const gen::ScaleCode& reference, const gen::ScaleCode& other, int64_t side) {
  const int64_t n = side * side;
  if (!reference.ids.empty()) {
    if (int64_t(reference.ids.size()) < n || int64_t(other.ids.size()) < n) return {kNaN, kNaN};
    const std::vector<int64_t> a(reference.ids.begin(), reference.ids.begin() + n);
    const std::vector<int64_t> b(other.ids.begin(), other.ids.begin() + n);
    return {token_agreement(a, b), kNaN};
  }
  const Tensor& a = reference.latent;
  const Tensor& b = other.latent;
  if (a.shape != b.shape || a.rank() != 3) return {kNaN, kNaN};
  const int64_t row = a.dim(1) * a.dim(2);  // row 0 only
  double diff = 0, norm = 0;
  for (int64_t i = 0; i < row; ++i) {
    const double d = double(b.data[i]) - a.data[i];
    diff += d * d, norm += double(a.data[i]) * a.data[i];
  }
  if (norm == 0) return {kNaN, diff == 0 ? 0.0 : std::numeric_limits<double>::infinity()};
  return {kNaN, std::sqrt(diff / norm)};
}

void run_comparison(const gen::Generator& generator, gen::SamplingRequest reference, const std::string& approx_spec,
                    BackgroundJob<CompareFrame>::Context& context) {
  attention::make_variant(approx_spec);  // a bad spec fails here, before the reference run
  reference.decode_each_scale = true;
  reference.decode_final = false;  // the last scale's picture is the image
  reference.cancel = context.cancel_flag();
  PictureRecorder pictures(context);
  const MeasurementQueue::WorkerActivity activity(context.cancel_flag());  // waits while a sweep times
  PausingObserver pausing_reference(&pictures, context.cancel_flag());
  const gen::SampleResult reference_run = generator.sample(reference, &pausing_reference);
  if (reference_run.cancelled) return;

  gen::SamplingRequest approx = reference;
  approx.attention = approx_spec;
  ComparingObserver comparing(pictures, reference_run.pyramid, context);
  PausingObserver pausing_approx(&comparing, context.cancel_flag());
  generator.sample(approx, &pausing_approx);
}

}  // namespace vs::gui
