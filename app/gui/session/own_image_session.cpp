#include "app/gui/session/own_image_session.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "app/gui/workers/pausing_observer.h"
#include "core/error.h"
#include "core/io/image_io.h"

namespace vs::gui {

namespace {

// Row 0 of every scale of a pyramid.
gen::ScaleCode first_row(const gen::ScaleCode& code, int side) {
  const int64_t n = int64_t(side) * side;
  gen::ScaleCode row;
  if (!code.ids.empty()) row.ids.assign(code.ids.begin(), code.ids.begin() + std::min<int64_t>(n, code.ids.size()));
  if (code.latent.rank() == 3) {
    const int64_t c = code.latent.dim(2);
    row.latent = Tensor({1, code.latent.dim(1), c});
    std::copy_n(code.latent.data.begin(), code.latent.dim(1) * c, row.latent.data.begin());
  }
  return row;
}

// Publishes every scale's picture and code (row 0) of a regeneration.
class RegenPublisher : public gen::GenerationObserver {
 public:
  explicit RegenPublisher(BackgroundJob<RegenFrame>::Context& context) : context_(context) {}
  bool on_scale(const gen::ScaleEvent& e) override {
    RegenFrame frame;
    frame.scale = e.scale, frame.side = e.side, frame.num_scales = e.num_scales;
    if (e.image01) {
      frame.image_side = int(e.image01->dim(3));
      frame.rgb = io::image01_to_rgb8(*e.image01, 0);
      for (int64_t b = 0; b < e.image01->dim(0); ++b) frame.rgb_rows.push_back(io::image01_to_rgb8(*e.image01, b));
    }
    frame.code = first_row(e.code, e.side);
    context_.publish(std::move(frame));
    context_.progress(e.scale + 1, e.num_scales, "scale " + std::to_string(e.scale + 1));
    return true;
  }

 private:
  BackgroundJob<RegenFrame>::Context& context_;
};

}  // namespace

std::vector<float> token_view(const gen::ScaleCode& code, int side) {
  const int64_t n = int64_t(side) * side;
  std::vector<float> view(size_t(n), 0.0f);
  if (!code.ids.empty()) {
    for (int64_t t = 0; t < n && t < int64_t(code.ids.size()); ++t) view[size_t(t)] = float(code.ids[t]);
    return view;
  }
  if (code.latent.rank() != 3 || code.latent.dim(1) < n) return view;
  const int64_t c = code.latent.dim(2);
  for (int64_t t = 0; t < n; ++t) {
    double sum = 0;
    for (int64_t j = 0; j < c; ++j) sum += double(code.latent.data[t * c + j]) * code.latent.data[t * c + j];
    view[size_t(t)] = float(std::sqrt(sum));
  }
  return view;
}

bool looks_like_image(const std::string& path) {
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return false;
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "bmp" || ext == "tga" || ext == "gif" ||
         ext == "ppm" || ext == "pgm";
}

OwnImageSession::OwnImageSession(std::function<void()> wake) : encode_job_(wake), regen_job_(wake) {}

void OwnImageSession::encode(const std::string& path, std::shared_ptr<const gen::Generator> generator,
                             io::SquareFit fit) {
  // Cancel both and join: the encoder pass is not interruptible, but one image through the
  // encoder is short next to a generation.
  regen_job_.stop();
  regen_was_running_ = false;
  path_ = path;
  generator_ = std::move(generator);
  fit_ = fit;
  error_.clear();
  input_side_ = 0;
  source_width_ = source_height_ = 0;
  input_rgb_.clear();
  scales_.clear();
  regen_keep_ = -1;
  regen_frames_.clear();
  regen_error_.clear();
  ++serial_, ++regen_serial_;
  if (!generator_) {
    error_ = "no model is open: open a VAR or FlowAR model first, then the image";
    return;
  }
  std::shared_ptr<const gen::Generator> g = generator_;
  encode_was_running_ = true;
  encode_job_.start([path, g, fit](BackgroundJob<EncodeItem>::Context& context) {
    const Tensor source = io::read_image(path);
    const Tensor image = io::fit_square(source, g->info().image_side, fit);  // (1, 3, S, S) in [-1, 1]
    EncodeItem first;
    first.source_width = int(source.dim(3)), first.source_height = int(source.dim(2));
    first.pyramid = g->encode(image);
    Tensor image01 = image;
    for (float& x : image01.data) x = (x + 1.0f) * 0.5f;
    first.image_side = int(image.dim(3));
    first.input_rgb = io::image01_to_rgb8(image01, 0);
    const gen::Pyramid pyramid = first.pyramid;
    context.publish(std::move(first));
    for (size_t k = 0; k < pyramid.size(); ++k) {
      if (context.cancelled()) return;
      const Tensor recon = g->decode_scale(pyramid, int(k));  // (1, 3, S, S) in [0, 1]
      EncodeItem item;
      item.scale = int(k);
      item.image_side = int(recon.dim(3));
      item.recon_rgb = io::image01_to_rgb8(recon, 0);
      context.publish(std::move(item));
      context.progress(int(k) + 1, int(pyramid.size()), "scale " + std::to_string(k + 1));
    }
  });
}

void OwnImageSession::regenerate(int keep_scales, gen::SamplingRequest request) {
  if (!encoded() || !generator_ || encoding()) return;
  const int num_scales = int(scales_.size());
  keep_scales = std::clamp(keep_scales, 0, num_scales - 1);
  request.prefix.clear();
  for (int s = 0; s < keep_scales; ++s) request.prefix.push_back(scales_[s].code);
  request.keep_scales = keep_scales;
  regen_keep_ = keep_scales;
  edit_run_ = false;
  edit_keep_.clear();
  start_run(std::move(request));
}

void OwnImageSession::edit(std::vector<float> keep, gen::SamplingRequest request, int count) {
  if (!encoded() || !generator_ || encoding()) return;
  request.prefix.clear();
  request.keep_scales = 0;
  request.labels.assign(size_t(std::max(1, count)), request.labels.empty() ? -1 : request.labels.front());
  request.edit.image.clear();
  for (const EncodedScale& scale : scales_) request.edit.image.push_back(scale.code);
  request.edit.keep = keep;
  regen_keep_ = -1;
  edit_run_ = true;
  edit_keep_ = std::move(keep);
  start_run(std::move(request));
}

void OwnImageSession::start_run(gen::SamplingRequest request) {
  request.decode_each_scale = true;
  request.decode_final = false;  // the last scale's picture is the image
  regen_request_ = request;
  regen_request_.prefix.clear();  // kept as scales_; the request shows what was asked
  regen_request_.edit.image.clear();
  regen_frames_.clear();
  regen_error_.clear();
  ++regen_serial_;
  regen_was_running_ = true;
  std::shared_ptr<const gen::Generator> g = generator_;
  regen_job_.start([g, request](BackgroundJob<RegenFrame>::Context& context) {
    gen::SamplingRequest r = request;
    r.cancel = context.cancel_flag();
    RegenPublisher publisher(context);
    // Steps aside between scales while a runtime sweep times (measurement_slot.h).
    const MeasurementQueue::WorkerActivity activity(context.cancel_flag());
    PausingObserver pausing(&publisher, context.cancel_flag());
    g->sample(r, &pausing);
  });
}

void OwnImageSession::update() {
  const bool encode_finished = encode_was_running_ && !encode_job_.running();  // before take()
  for (EncodeItem& item : encode_job_.take()) {
    if (item.scale < 0) {
      input_side_ = item.image_side;
      source_width_ = item.source_width, source_height_ = item.source_height;
      input_rgb_ = std::move(item.input_rgb);
      const std::vector<int>& sides = generator_->info().scales;
      scales_.clear();
      for (size_t s = 0; s < item.pyramid.size() && s < sides.size(); ++s) {
        EncodedScale scale;
        scale.scale = int(s);
        scale.side = sides[s];
        scale.code = first_row(item.pyramid[s], scale.side);
        scale.token_view = token_view(scale.code, scale.side);
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
  for (RegenFrame& frame : regen_job_.take()) regen_frames_.push_back(std::move(frame)), ++regen_serial_;
  if (regen_finished_now) {
    regen_was_running_ = false;
    regen_error_ = regen_job_.error();
    ++regen_serial_;
  }
}

bool OwnImageSession::regen_finished() const {
  return !regenerating() && !regen_frames_.empty() && regen_frames_.back().scale + 1 == regen_frames_.back().num_scales;
}

}  // namespace vs::gui
