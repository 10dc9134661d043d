// "Your image": a user's PNG/JPEG encoded with the open VAR model's VQ-VAE into its token
// pyramid (var.md §2.5), each scale's reconstruction (f_hat after scale k, decoded), and
// "regenerate from scale k": the first k token maps of the image kept as the sampler's
// prefix, the rest sampled with the given class / seed / cfg / attention variant. Both
// runs are workers (BackgroundJob); only the UI thread calls the methods. A file that is
// not an image, or a model that fails, ends as error() / regenerate_error(), never a throw.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/var/var_session.h"
#include "app/gui/workers/background_job.h"
#include "core/var/var_model.h"

namespace vs::gui {

// One scale of the image's pyramid.
struct EncodedScale {
  int scale = 0, side = 0;
  std::vector<int64_t> ids;        // side² token ids, row-major
  int image_side = 0;
  std::vector<uint8_t> recon_rgb;  // image_side² × 3: f_hat after this scale, decoded
};

// What the encode worker publishes: first the fitted input and every token map (scale
// -1), then one reconstruction per scale as it is decoded (decoding is the slow part).
struct EncodeItem {
  int scale = -1;
  int image_side = 0;
  std::vector<uint8_t> input_rgb;               // scale -1: the image as the VAE sees it
  std::vector<std::vector<int64_t>> pyramid;    // scale -1: every scale's ids
  std::vector<uint8_t> recon_rgb;               // scale ≥ 0
};

// The image file extensions the explorer takes as "your image" (a drop, a path): PNG, JPEG
// and the other formats stb_image reads. Case-insensitive.
bool looks_like_image(const std::string& path);

class OwnImageSession {
 public:
  explicit OwnImageSession(std::function<void()> wake = {});

  // Starts encoding `path` with `model`'s VQ-VAE (stops a running encode or regeneration).
  void encode(const std::string& path, std::shared_ptr<const var::VarModel> model);
  // Keeps the first keep_scales ∈ [0, num_scales) token maps of the encoded image and
  // samples the rest; needs a finished encode.
  void regenerate(int keep_scales, const GenerationParams& params);
  // UI thread, every frame: drains the workers.
  void update();
  bool busy() const;
  bool encoding() const { return encode_job_.running() || encode_was_running_; }
  bool regenerating() const { return regen_job_.running() || regen_was_running_; }

  const std::string& image_path() const { return path_; }
  const var::VarModel* model() const { return model_.get(); }  // the model of the encoding
  const std::string& error() const { return error_; }          // encode error, one line
  // The encoding: input image and pyramid; recon_rgb of a scale is empty until decoded.
  bool encoded() const { return !scales_.empty(); }
  bool reconstructed() const { return encoded() && !scales_.back().recon_rgb.empty(); }
  int input_side() const { return input_side_; }
  const std::vector<uint8_t>& input_rgb() const { return input_rgb_; }
  const std::vector<EncodedScale>& scales() const { return scales_; }
  int serial() const { return serial_; }  // bumps on every change of the encoding

  // The last regeneration: its kept scales, parameters, and the sampled scales' frames
  // (scales keep_scales .. num_scales−1; the last is the final image when finished).
  int regen_keep_scales() const { return regen_keep_; }
  const GenerationParams& regen_params() const { return regen_params_; }
  const std::vector<ScaleFrame>& regenerated() const { return regen_frames_; }
  bool regen_finished() const;
  const std::string& regenerate_error() const { return regen_error_; }
  int regen_serial() const { return regen_serial_; }  // bumps on every new frame

 private:
  std::string path_, error_;
  std::shared_ptr<const var::VarModel> model_;
  int input_side_ = 0;
  std::vector<uint8_t> input_rgb_;
  std::vector<EncodedScale> scales_;
  int serial_ = 0;
  bool encode_was_running_ = false;
  BackgroundJob<EncodeItem> encode_job_;

  int regen_keep_ = -1;
  GenerationParams regen_params_;
  std::vector<ScaleFrame> regen_frames_;
  std::string regen_error_;
  int regen_serial_ = 0;
  bool regen_was_running_ = false;
  BackgroundJob<ScaleFrame> regen_job_;
};

}  // namespace vs::gui
