#include "app/gui/panels/flowar_compare.h"

#include <cmath>
#include <limits>
#include <memory>

#include "core/attention/attention.h"
#include "core/flowar/flowar_sampler.h"
#include "core/io/image_io.h"

namespace vs::gui {

namespace {

double relative_error(const Tensor& reference, const Tensor& other) {
  if (reference.shape != other.shape) return std::numeric_limits<double>::quiet_NaN();
  double diff = 0, norm = 0;
  for (int64_t i = 0; i < reference.numel(); ++i) {
    const double d = double(other.data[i]) - reference.data[i];
    diff += d * d, norm += double(reference.data[i]) * reference.data[i];
  }
  if (norm == 0) return diff == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  return std::sqrt(diff / norm);
}

}  // namespace

void run_flowar_comparison(const LoadedFlowAr& loaded, const FlowArParams& params, const std::string& approx_spec,
                           BackgroundJob<FlowArCompareFrame>::Context& context) {
  const std::unique_ptr<attention::Variant> reference_variant = attention::make_variant(params.variant);
  const std::unique_ptr<attention::Variant> approx_variant = attention::make_variant(approx_spec);
  flowar::FlowArSamplingOptions options = sampling_options(params);
  const std::vector<int64_t> labels{int64_t(params.class_id)};

  // The reference, scale by scale: its pictures (its samples come back in the result).
  std::vector<std::vector<uint8_t>> reference_rgb;
  flowar::FlowArSamplerHooks hooks;
  hooks.cancel = context.cancel_flag();
  hooks.decode_each_scale = true;
  hooks.on_scale = [&](const flowar::FlowArScaleReport& report) {
    reference_rgb.push_back(report.image ? io::image01_to_rgb8(flowar::images_to_unit_range(*report.image), 0)
                                         : std::vector<uint8_t>{});
    return true;
  };
  hooks.ar_context = {reference_variant.get(), nullptr};
  hooks.flow_context = {reference_variant.get(), nullptr};
  const flowar::FlowArSampleResult reference =
      flowar::sample_flowar(*loaded.model, labels, options, hooks, loaded.vae.get());
  if (reference.cancelled) return;

  hooks.ar_context = {approx_variant.get(), nullptr};
  hooks.flow_context = {approx_variant.get(), nullptr};
  hooks.on_scale = [&](const flowar::FlowArScaleReport& report) {
    FlowArCompareFrame frame;
    frame.scale = report.scale, frame.side = report.side, frame.num_scales = report.num_scales;
    if (report.image) {
      frame.image_side = int(report.image->dim(3));
      frame.approx_rgb = io::image01_to_rgb8(flowar::images_to_unit_range(*report.image), 0);
    }
    frame.reference_rgb = reference_rgb[size_t(report.scale)];
    frame.token_error = relative_error(reference.samples[size_t(report.scale)], report.tokens);
    context.publish(std::move(frame));
    return true;
  };
  flowar::sample_flowar(*loaded.model, labels, options, hooks, loaded.vae.get());
}

}  // namespace vs::gui
