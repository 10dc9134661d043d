// "Your image" for FlowAR models: a user's PNG/JPEG encoded with the KL VAE into FlowAR's
// scale pyramid (latent_pyramid.h: area-downsampled latents, as training builds its
// targets), each scale's picture (the scale's latent bicubic-upsampled and decoded, as the
// FlowAR strip shows a generated scale), and "regenerate from scale k": the image's first k
// scales kept as the sampler's prefix, the rest sampled with the given class / seed / cfg /
// Euler steps / attention variant. Both runs are workers; only the UI thread calls the
// methods. A file that is not an image, or a model that fails, ends as error() /
// regenerate_error(), never a throw.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/flowar/flowar_session.h"
#include "app/gui/var/var_session.h"
#include "app/gui/workers/background_job.h"
#include "core/tensor.h"

namespace vs::gui {

// One scale of the image's FlowAR pyramid.
struct FlowArEncodedScale {
  int scale = 0, side = 0;
  Tensor tokens;                   // (1, side², C): the area-downsampled latent
  std::vector<float> token_norms;  // side² ‖token‖₂, row-major (the panel's token grid)
  int image_side = 0;
  std::vector<uint8_t> recon_rgb;  // image_side² × 3: this scale alone, upsampled and decoded
};

// What the encode worker publishes: first the model, the fitted input and the pyramid
// (scale -1), then one picture per scale as it is decoded.
struct FlowArEncodeItem {
  int scale = -1;
  std::shared_ptr<const LoadedFlowAr> loaded;  // scale -1
  int image_side = 0;
  std::vector<uint8_t> input_rgb;  // scale -1: the image as the VAE sees it
  std::vector<Tensor> pyramid;     // scale -1: (1, s_k², C) per scale
  std::vector<uint8_t> recon_rgb;  // scale ≥ 0
};

class FlowArOwnImageSession {
 public:
  explicit FlowArOwnImageSession(std::function<void()> wake = {});

  // Encodes `path` with the KL VAE of `loaded` (FlowArSession::shared_loaded(); its paths
  // model_path / vae_path tell the panel when the encoding is stale); stops a running
  // encode or regeneration. No model (null): an error.
  void encode(const std::string& path, std::shared_ptr<const LoadedFlowAr> loaded, const std::string& model_path,
              const std::string& vae_path);
  // Keeps the first keep_scales ∈ [0, num_scales) scales of the encoded image and samples
  // the rest; needs a finished encode.
  void regenerate(int keep_scales, const FlowArParams& params);
  void update();  // UI thread, every frame: drains the workers
  bool busy() const { return encoding() || regenerating(); }
  bool encoding() const { return encode_job_.running() || encode_was_running_; }
  bool regenerating() const { return regen_job_.running() || regen_was_running_; }

  const std::string& image_path() const { return path_; }
  const std::string& model_path() const { return model_path_; }  // of the encoding
  const std::string& vae_path() const { return vae_path_; }
  const LoadedFlowAr* loaded() const { return loaded_.get(); }
  const std::string& error() const { return error_; }
  bool encoded() const { return !scales_.empty(); }
  bool reconstructed() const { return encoded() && !scales_.back().recon_rgb.empty(); }
  int input_side() const { return input_side_; }
  const std::vector<uint8_t>& input_rgb() const { return input_rgb_; }
  const std::vector<FlowArEncodedScale>& scales() const { return scales_; }
  int serial() const { return serial_; }  // bumps on every change of the encoding

  // The last regeneration: kept scales, parameters, and the sampled scales' frames (every
  // scale, the kept ones too; the last is the final image when finished; ids are empty).
  int regen_keep_scales() const { return regen_keep_; }
  const FlowArParams& regen_params() const { return regen_params_; }
  const std::vector<ScaleFrame>& regenerated() const { return regen_frames_; }
  bool regen_finished() const;
  const std::string& regenerate_error() const { return regen_error_; }
  int regen_serial() const { return regen_serial_; }

 private:
  std::string path_, model_path_, vae_path_, error_;
  std::shared_ptr<const LoadedFlowAr> loaded_;
  int input_side_ = 0;
  std::vector<uint8_t> input_rgb_;
  std::vector<FlowArEncodedScale> scales_;
  int serial_ = 0;
  bool encode_was_running_ = false;
  BackgroundJob<FlowArEncodeItem> encode_job_;

  int regen_keep_ = -1;
  FlowArParams regen_params_;
  std::vector<ScaleFrame> regen_frames_;
  std::string regen_error_;
  int regen_serial_ = 0;
  bool regen_was_running_ = false;
  BackgroundJob<ScaleFrame> regen_job_;
};

}  // namespace vs::gui
