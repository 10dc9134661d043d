#include "app/gui/own_image/own_image_session.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "core/io/image_io.h"

namespace vs::gui {

bool looks_like_image(const std::string& path) {
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return false;
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "bmp" || ext == "tga" || ext == "gif" ||
         ext == "ppm" || ext == "pgm";
}

OwnImageSession::OwnImageSession(std::function<void()> wake) : encode_job_(wake), regen_job_(wake) {}

void OwnImageSession::encode(const std::string& path, std::shared_ptr<const var::VarModel> model) {
  // Cancel both and join: the encoder pass is not interruptible, but one image through the
  // VQ-VAE encoder is short next to a generation.
  regen_job_.stop();
  regen_was_running_ = false;
  path_ = path;
  model_ = std::move(model);
  error_.clear();
  input_side_ = 0;
  input_rgb_.clear();
  scales_.clear();
  regen_keep_ = -1;
  regen_frames_.clear();
  regen_error_.clear();
  ++serial_, ++regen_serial_;
  if (!model_) {
    error_ = "no model is open: open a VAR model first, then the image";
    return;
  }
  std::shared_ptr<const var::VarModel> m = model_;
  encode_was_running_ = true;
  encode_job_.start([path, m](BackgroundJob<EncodeItem>::Context& context) {
    const Tensor image = io::read_image_square(path, m->image_side());  // (1, 3, S, S) in [-1, 1]
    std::vector<Tensor> fhats;
    EncodeItem first;
    first.pyramid = m->vae.encode_ids(image, &fhats);
    Tensor image01 = image;
    for (float& x : image01.data) x = (x + 1.0f) * 0.5f;
    first.image_side = int(image.dim(3));
    first.input_rgb = io::image01_to_rgb8(image01, 0);
    context.publish(std::move(first));
    for (size_t k = 0; k < fhats.size(); ++k) {
      if (context.cancelled()) return;
      const Tensor recon = m->vae.decode_fhat_01(fhats[k]);  // (1, 3, S, S) in [0, 1]
      EncodeItem item;
      item.scale = int(k);
      item.image_side = int(recon.dim(3));
      item.recon_rgb = io::image01_to_rgb8(recon, 0);
      context.publish(std::move(item));
      context.progress(int(k) + 1, int(fhats.size()), "reconstruction " + std::to_string(k + 1));
    }
  });
}

void OwnImageSession::regenerate(int keep_scales, const GenerationParams& params) {
  if (!encoded() || !model_ || encoding()) return;
  const int num_scales = int(scales_.size());
  keep_scales = std::clamp(keep_scales, 0, num_scales - 1);
  std::vector<std::vector<int64_t>> prefix;
  for (int s = 0; s < keep_scales; ++s) prefix.push_back(scales_[s].ids);
  regen_keep_ = keep_scales;
  regen_params_ = params;
  regen_frames_.clear();
  regen_error_.clear();
  ++regen_serial_;
  regen_was_running_ = true;
  std::shared_ptr<const var::VarModel> m = model_;
  regen_job_.start([m, params, prefix](BackgroundJob<ScaleFrame>::Context& context) {
    run_generation(*m, params, prefix, -1, context);
  });
}

void OwnImageSession::update() {
  const bool encode_finished = encode_was_running_ && !encode_job_.running();  // before take()
  for (EncodeItem& item : encode_job_.take()) {
    if (item.scale < 0) {
      input_side_ = item.image_side;
      input_rgb_ = std::move(item.input_rgb);
      const auto& patch_nums = model_->config().patch_nums;
      scales_.clear();
      for (size_t s = 0; s < item.pyramid.size() && s < patch_nums.size(); ++s) {
        EncodedScale scale;
        scale.scale = int(s);
        scale.side = patch_nums[s];
        scale.ids = std::move(item.pyramid[s]);
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

bool OwnImageSession::busy() const { return encoding() || regenerating(); }

bool OwnImageSession::regen_finished() const {
  return !regenerating() && !regen_frames_.empty() && regen_frames_.back().scale + 1 == regen_frames_.back().num_scales;
}

}  // namespace vs::gui
