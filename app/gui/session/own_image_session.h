// "Your image" for any Generator: a user's PNG/JPEG encoded by the open model's tokenizer
// into its scale pyramid (VAR: VQ token ids, var.md §2.5; FlowAR: area-downsampled KL
// latents, latent_pyramid.h), each scale's picture (Generator::decode_scale: VAR's f_hat
// after the scale, FlowAR's scale latent resampled to full size), and "regenerate from
// scale k": the image's first k scales kept as the sampler's prefix, the rest sampled with
// the given request. Both runs are workers (BackgroundJob); only the UI thread calls the
// methods. A file that is not an image, or a model that fails, ends as error() /
// regenerate_error(), never a throw.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/workers/background_job.h"
#include "core/generator/generator.h"
#include "core/io/image_io.h"

namespace vs::gui {

// One scale of the image's pyramid.
struct EncodedScale {
  int scale = 0, side = 0;
  gen::ScaleCode code;            // row 0: token ids or latent tokens
  std::vector<float> token_view;  // side² values, row-major: the id, or the latent token's ‖·‖₂
  int image_side = 0;
  std::vector<uint8_t> recon_rgb;  // image_side² × 3: the scale's picture (decode_scale)
};

// What the encode worker publishes: first the fitted input and the pyramid (scale -1),
// then one picture per scale as it is decoded (decoding is the slow part).
struct EncodeItem {
  int scale = -1;
  int image_side = 0;
  int source_width = 0, source_height = 0;  // scale -1: the file's own size
  std::vector<uint8_t> input_rgb;  // scale -1: the image as the tokenizer sees it
  gen::Pyramid pyramid;            // scale -1
  std::vector<uint8_t> recon_rgb;  // scale ≥ 0
};

// One scale of a regeneration (kept scales included: their picture is the image's).
struct RegenFrame {
  int scale = 0, side = 0, num_scales = 0;
  int image_side = 0;
  std::vector<uint8_t> rgb;  // image_side² × 3
  gen::ScaleCode code;       // row 0
  std::vector<std::vector<uint8_t>> rgb_rows;  // every image of the batch (an edit's several results)
};

// The token map of a scale code (row 0) as `side²` values: ids as numbers, latent tokens
// by their L2 norm.
std::vector<float> token_view(const gen::ScaleCode& code, int side);

// The image file extensions the explorer takes as "your image" (a drop, a path): PNG, JPEG
// and the other formats stb_image reads. Case-insensitive.
bool looks_like_image(const std::string& path);

class OwnImageSession {
 public:
  explicit OwnImageSession(std::function<void()> wake = {});

  // Starts encoding `path` with `generator`'s tokenizer (stops a running encode or
  // regeneration). No model (null): an error.
  // `fit`: how a picture that is not square becomes one (centre crop or letterbox).
  void encode(const std::string& path, std::shared_ptr<const gen::Generator> generator,
              io::SquareFit fit = io::SquareFit::kCrop);
  // Keeps the first keep_scales ∈ [0, num_scales) scales of the encoded image and samples
  // the rest with `request` (its class and seed included); needs a finished encode.
  void regenerate(int keep_scales, gen::SamplingRequest request);
  // Zero-shot editing (core/edit): samples every scale with the encoded image's tokens
  // kept where `keep` (last side² values, 1 = keep) says, `count` results side by side
  // (rows of one batch: image b draws from stream b of the request's seed, as `edit
  // --count`). Needs a finished encode; shares the regeneration's frames and errors.
  void edit(std::vector<float> keep, gen::SamplingRequest request, int count);
  // UI thread, every frame: drains the workers.
  void update();
  bool busy() const { return encoding() || regenerating(); }
  bool encoding() const { return encode_job_.running() || encode_was_running_; }
  bool regenerating() const { return regen_job_.running() || regen_was_running_; }

  const std::string& image_path() const { return path_; }
  // The model of the encoding (null before one).
  const std::shared_ptr<const gen::Generator>& generator() const { return generator_; }
  const std::string& error() const { return error_; }  // encode error, one line
  bool encoded() const { return !scales_.empty(); }
  bool reconstructed() const { return encoded() && !scales_.back().recon_rgb.empty(); }
  // Whether the pyramid holds token ids (else latent tokens).
  bool holds_ids() const { return encoded() && !scales_.front().code.ids.empty(); }
  int input_side() const { return input_side_; }
  // The file's own size (before the square fit) and the fit used.
  int source_width() const { return source_width_; }
  int source_height() const { return source_height_; }
  io::SquareFit fit() const { return fit_; }
  const std::vector<uint8_t>& input_rgb() const { return input_rgb_; }
  const std::vector<EncodedScale>& scales() const { return scales_; }
  int serial() const { return serial_; }  // bumps on every change of the encoding

  // The last regeneration: its kept scales, request, and every scale's frame (the last is
  // the final image when finished).
  int regen_keep_scales() const { return regen_keep_; }
  const gen::SamplingRequest& regen_request() const { return regen_request_; }
  const std::vector<RegenFrame>& regenerated() const { return regen_frames_; }
  bool regen_finished() const;
  const std::string& regenerate_error() const { return regen_error_; }
  int regen_serial() const { return regen_serial_; }  // bumps on every new frame
  // Whether the last run was an edit, and its keep mask (last side², 1 = kept).
  bool last_run_was_edit() const { return edit_run_; }
  const std::vector<float>& edit_keep() const { return edit_keep_; }

 private:
  std::string path_, error_;
  std::shared_ptr<const gen::Generator> generator_;
  int input_side_ = 0;
  int source_width_ = 0, source_height_ = 0;
  io::SquareFit fit_ = io::SquareFit::kCrop;
  std::vector<uint8_t> input_rgb_;
  std::vector<EncodedScale> scales_;
  int serial_ = 0;
  bool encode_was_running_ = false;
  BackgroundJob<EncodeItem> encode_job_;

  int regen_keep_ = -1;
  gen::SamplingRequest regen_request_;
  std::vector<RegenFrame> regen_frames_;
  std::string regen_error_;
  int regen_serial_ = 0;
  bool regen_was_running_ = false;
  bool edit_run_ = false;
  std::vector<float> edit_keep_;
  BackgroundJob<RegenFrame> regen_job_;
  void start_run(gen::SamplingRequest request);
};

}  // namespace vs::gui
