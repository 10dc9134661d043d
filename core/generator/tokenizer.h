// What `encode` needs of a model: the image side, the scale schedule, an image's pyramid
// and each scale's picture. A Generator has one; VAR's VQ-VAE is one on its own (encode
// --vae needs no transformer). Like open_generator, the openers here tell the families
// apart by the checkpoint's kind.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/generator/generator.h"

namespace vs::io {
struct ModelRef;
}

namespace vs::gen {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  virtual const std::string& path() const = 0;  // the tokenizer checkpoint
  virtual int image_side() const = 0;
  virtual const std::vector<int>& scales() const = 0;
  // As Generator::encode and Generator::decode_scale.
  virtual Pyramid encode(const Tensor& image) const = 0;
  virtual Tensor decode_scale(const Pyramid& pyramid, int scale) const = 0;
};

// The tokenizer of the model `ref` names: VAR's VQ-VAE alone (its scales: `scales`, else
// the VAE's metadata, else the official 256 px schedule), FlowAR's KL VAE with the model's
// scales (the model is loaded for them).
std::unique_ptr<Tokenizer> open_tokenizer(const io::ModelRef& ref, const std::vector<int>& scales = {});
// A tokenizer checkpoint alone: a VAR VQ-VAE as above. A KL VAE has no scale schedule of
// its own, so it is one vs::Error asking for the FlowAR model.
std::unique_ptr<Tokenizer> open_tokenizer(const std::string& vae_path, const std::vector<int>& scales = {});

}  // namespace vs::gen
