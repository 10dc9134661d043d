#include "app/gui/own_image/flowar_own_image_session.h"

#include <algorithm>
#include <cmath>

#include "core/attention/attention.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/latent_pyramid.h"
#include "core/io/image_io.h"

namespace vs::gui {

namespace {

std::vector<float> row_norms(const Tensor& rows) {  // (1, n, C) -> n norms
  const int64_t n = rows.dim(1), c = rows.dim(2);
  std::vector<float> norms(size_t(n), 0.0f);
  for (int64_t t = 0; t < n; ++t) {
    double sum = 0;
    for (int64_t j = 0; j < c; ++j) sum += double(rows.data[t * c + j]) * rows.data[t * c + j];
    norms[size_t(t)] = float(std::sqrt(sum));
  }
  return norms;
}

}  // namespace

FlowArOwnImageSession::FlowArOwnImageSession(std::function<void()> wake) : encode_job_(wake), regen_job_(wake) {}

void FlowArOwnImageSession::encode(const std::string& path, std::shared_ptr<const LoadedFlowAr> loaded,
                                   const std::string& model_path, const std::string& vae_path) {
  regen_job_.stop();
  regen_was_running_ = false;
  path_ = path, model_path_ = model_path, vae_path_ = vae_path;
  error_.clear();
  input_side_ = 0;
  input_rgb_.clear();
  scales_.clear();
  regen_keep_ = -1;
  regen_frames_.clear();
  regen_error_.clear();
  ++serial_, ++regen_serial_;
  if (!loaded) {
    error_ = "no model is open: open a FlowAR model first, then the image";
    return;
  }
  encode_was_running_ = true;
  encode_job_.start([path, loaded](BackgroundJob<FlowArEncodeItem>::Context& context) {
    FlowArEncodeItem first;
    first.loaded = loaded;
    const flowar::FlowArModel& model = *first.loaded->model;
    const flowar::KlVae& vae = *first.loaded->vae;
    const int full_side = model.config.full_side();
    const Tensor image = io::read_image_square(path, vae.image_side(full_side));  // (1, 3, S, S) in [-1, 1]
    first.pyramid = flowar::encode_pyramid(vae, image, model.config.scales);
    Tensor image01 = image;
    for (float& x : image01.data) x = (x + 1.0f) * 0.5f;
    first.image_side = int(image.dim(3));
    first.input_rgb = io::image01_to_rgb8(image01, 0);
    const std::vector<Tensor> pyramid = first.pyramid;
    context.publish(std::move(first));
    for (size_t k = 0; k < pyramid.size(); ++k) {
      if (context.cancelled()) return;
      const Tensor recon = flowar::decode_scale(vae, pyramid[k], full_side);  // (1, 3, S, S) raw
      FlowArEncodeItem item;
      item.scale = int(k);
      item.image_side = int(recon.dim(3));
      item.recon_rgb = io::image01_to_rgb8(flowar::images_to_unit_range(recon), 0);
      context.publish(std::move(item));
      context.progress(int(k) + 1, int(pyramid.size()), "scale " + std::to_string(k + 1));
    }
  });
}

void FlowArOwnImageSession::regenerate(int keep_scales, const FlowArParams& params) {
  if (!encoded() || !loaded_ || encoding()) return;
  const int num_scales = int(scales_.size());
  keep_scales = std::clamp(keep_scales, 0, num_scales - 1);
  std::vector<Tensor> prefix;
  for (int s = 0; s < keep_scales; ++s) prefix.push_back(scales_[s].tokens);
  regen_keep_ = keep_scales;
  regen_params_ = params;
  regen_frames_.clear();
  regen_error_.clear();
  ++regen_serial_;
  regen_was_running_ = true;
  const std::shared_ptr<const LoadedFlowAr> loaded = loaded_;
  regen_job_.start([loaded, params, prefix, keep_scales](BackgroundJob<ScaleFrame>::Context& context) {
    const std::unique_ptr<attention::Variant> variant = attention::make_variant(params.variant);
    flowar::FlowArSamplingOptions options = sampling_options(params);
    options.prefix = prefix;
    options.keep_scales = keep_scales;
    flowar::FlowArSamplerHooks hooks;
    hooks.cancel = context.cancel_flag();
    hooks.decode_each_scale = true;
    hooks.ar_context = {variant.get(), nullptr};
    hooks.flow_context = {variant.get(), nullptr};
    hooks.on_scale = [&](const flowar::FlowArScaleReport& report) {
      ScaleFrame frame;
      frame.scale = report.scale, frame.side = report.side, frame.num_scales = report.num_scales;
      if (report.image) {
        frame.image_side = int(report.image->dim(3));
        frame.rgb = io::image01_to_rgb8(flowar::images_to_unit_range(*report.image), 0);
      }
      context.publish(std::move(frame));
      return true;
    };
    flowar::sample_flowar(*loaded->model, {int64_t(params.class_id)}, options, hooks, loaded->vae.get());
  });
}

void FlowArOwnImageSession::update() {
  const bool encode_finished = encode_was_running_ && !encode_job_.running();  // before take()
  for (FlowArEncodeItem& item : encode_job_.take()) {
    if (item.scale < 0) {
      loaded_ = std::move(item.loaded);
      input_side_ = item.image_side;
      input_rgb_ = std::move(item.input_rgb);
      scales_.clear();
      for (size_t s = 0; s < item.pyramid.size(); ++s) {
        FlowArEncodedScale scale;
        scale.scale = int(s);
        scale.side = loaded_->model->config.scales[s];
        scale.token_norms = row_norms(item.pyramid[s]);
        scale.tokens = std::move(item.pyramid[s]);
        scales_.push_back(std::move(scale));
      }
    } else if (item.scale < int(scales_.size())) {
      scales_[item.scale].image_side = item.image_side;
      scales_[item.scale].recon_rgb = std::move(item.recon_rgb);
    }
    ++serial_;
  }
  if (encode_finished) {
    encode_was_running_ = false;
    error_ = encode_job_.error();
    if (!error_.empty()) scales_.clear(), input_rgb_.clear(), input_side_ = 0, ++serial_;
  }
  const bool regen_finished_now = regen_was_running_ && !regen_job_.running();
  for (ScaleFrame& frame : regen_job_.take()) regen_frames_.push_back(std::move(frame)), ++regen_serial_;
  if (regen_finished_now) {
    regen_was_running_ = false;
    regen_error_ = regen_job_.error();
    ++regen_serial_;
  }
}

bool FlowArOwnImageSession::regen_finished() const {
  return !regenerating() && !regen_frames_.empty() && regen_frames_.back().scale + 1 == regen_frames_.back().num_scales;
}

}  // namespace vs::gui
